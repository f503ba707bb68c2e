import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderMarkdown } from './markdown.ts';

describe('narrative Markdown under a page heading (renderMarkdown with topHeading)', () => {
  it('starts the headings at the level given', () => {
    assert.equal(renderMarkdown('# One', { topHeading: 2 }), '<h2>One</h2>');
    assert.equal(renderMarkdown('# One', { topHeading: 4 }), '<h4>One</h4>');
  });

  it("moves the text's highest headings to that level and the others with them", () => {
    assert.equal(renderMarkdown('## Two', { topHeading: 2 }), '<h2>Two</h2>');
    assert.equal(
      renderMarkdown('## A\n\ntext\n\n### B\n\n## C', { topHeading: 2 }),
      '<h2>A</h2>\n<p>text</p>\n<h3>B</h3>\n<h2>C</h2>',
    );
    assert.equal(renderMarkdown('### A\n\n#### B', { topHeading: 4 }), '<h4>A</h4>\n<h5>B</h5>');
  });

  it('never puts a heading more than one level below the one before it', () => {
    assert.equal(
      renderMarkdown('# One\n\n### Three\n\n###### Six\n\n# Again', { topHeading: 2 }),
      '<h2>One</h2>\n<h3>Three</h3>\n<h4>Six</h4>\n<h2>Again</h2>',
    );
    assert.equal(renderMarkdown('## A\n\n#### B', { topHeading: 3 }), '<h3>A</h3>\n<h4>B</h4>');
  });

  it('stops at h6', () => {
    assert.equal(
      renderMarkdown('# 1\n\n## 2\n\n### 3\n\n#### 4\n\n##### 5', { topHeading: 4 }),
      '<h4>1</h4>\n<h5>2</h5>\n<h6>3</h6>\n<h6>4</h6>\n<h6>5</h6>',
    );
  });

  it('sanitises as without it', () => {
    const html = renderMarkdown(
      '# <script>x()</script>\n\n[a](javascript:x) <h1 onclick="x">h</h1> ![alt](https://evil.example/x.png)',
      { topHeading: 2 },
    );
    assert.equal(
      html,
      '<h2>&lt;script&gt;x()&lt;/script&gt;</h2>\n<p>[a](javascript:x) &lt;h1 onclick="x"&gt;h&lt;/h1&gt; alt</p>',
    );
  });

  it('leaves the text alone without it: `#` is an h3', () => {
    assert.equal(renderMarkdown('## Two'), '<h4>Two</h4>');
  });
});
