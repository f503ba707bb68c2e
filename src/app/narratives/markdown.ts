import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Narrative text is Markdown. `renderMarkdown` turns it into HTML that is safe to put on a page:
 * markdown-it with raw HTML switched off, then sanitize-html with an allow-list, so nothing a writer
 * types can run script, style the page, load a remote resource or link anywhere but http, https,
 * mailto or a relative address. Headings are moved down two levels (`#` becomes `h3`) so a
 * narrative never competes with the page's own headings.
 */

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
// An image is shown as its alternative text: Tend never loads a remote resource from a narrative.
markdown.renderer.rules.image = (tokens, index) => markdown.utils.escapeHtml(tokens[index].content);

const headingShift: Record<string, string> = { h1: 'h3', h2: 'h4', h3: 'h5', h4: 'h6', h5: 'h6', h6: 'h6' };

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'h3',
    'h4',
    'h5',
    'h6',
    'ul',
    'ol',
    'li',
    'blockquote',
    'pre',
    'code',
    'em',
    'strong',
    's',
    'del',
    'a',
    'hr',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel'], ol: ['start'], table: ['class'], ul: ['class'] },
  allowedClasses: {
    table: ['nhsuk-table'],
    ul: ['nhsuk-list', 'nhsuk-list--bullet'],
    ol: ['nhsuk-list', 'nhsuk-list--number'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  parseStyleAttributes: false,
  transformTags: {
    ...Object.fromEntries(
      Object.entries(headingShift).map(([from, to]) => [from, sanitizeHtml.simpleTransform(to, {}, false)]),
    ),
    a: (tagName, attribs) => ({
      tagName,
      attribs: {
        ...(attribs.href === undefined ? {} : { href: attribs.href }),
        ...(attribs.title === undefined ? {} : { title: attribs.title }),
        rel: 'nofollow noopener noreferrer',
      },
    }),
    table: sanitizeHtml.simpleTransform('table', { class: 'nhsuk-table' }, false),
    ul: sanitizeHtml.simpleTransform('ul', { class: 'nhsuk-list nhsuk-list--bullet' }, false),
    ol: (tagName, attribs) => ({
      tagName,
      attribs: {
        class: 'nhsuk-list nhsuk-list--number',
        ...(attribs.start && /^\d{1,6}$/.test(attribs.start) ? { start: attribs.start } : {}),
      },
    }),
  },
};

/** The allow-list for Markdown whose headings are already at their levels: h2 allowed, none moved. */
const outlinedOptions: sanitizeHtml.IOptions = {
  ...sanitizeOptions,
  allowedTags: ['h2', ...(sanitizeOptions.allowedTags || [])],
  transformTags: Object.fromEntries(
    Object.entries(sanitizeOptions.transformTags ?? {}).filter(([tag]) => !(tag in headingShift)),
  ),
};

/**
 * Renders a narrative's Markdown as sanitised HTML (`renderMarkdown`). With `topHeading`, for a page
 * where the text sits under a heading one level above it, the text's highest headings become that
 * level, the others follow, and none is more than one level below the heading before it, so the
 * page's outline never skips a level.
 */
export function renderMarkdown(source: string, options: { topHeading?: 2 | 3 | 4 } = {}): string {
  const top = options.topHeading;
  if (top === undefined) return sanitizeHtml(markdown.render(source), sanitizeOptions).trim();
  const tokens = markdown.parse(source, {});
  const levelOf = (tag: string) => Number(tag.slice(1));
  const highest = Math.min(
    ...tokens.filter((token) => token.type === 'heading_open').map((token) => levelOf(token.tag)),
  );
  let previous = top - 1;
  for (const token of tokens) {
    if (token.type === 'heading_open')
      previous = Math.min(6, levelOf(token.tag) - highest + top, previous + 1);
    if (token.type === 'heading_open' || token.type === 'heading_close') token.tag = `h${previous}`;
  }
  return sanitizeHtml(markdown.renderer.render(tokens, markdown.options, {}), outlinedOptions).trim();
}

/** Sanitises HTML with the narrative allow-list (`sanitizeNarrativeHtml`), for HTML from anywhere else. */
export function sanitizeNarrativeHtml(html: string): string {
  return sanitizeHtml(html, sanitizeOptions).trim();
}
