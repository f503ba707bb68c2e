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

/** Renders a narrative's Markdown as sanitised HTML (`renderMarkdown`). */
export function renderMarkdown(source: string): string {
  return sanitizeHtml(markdown.render(source), sanitizeOptions).trim();
}

/** Sanitises HTML with the narrative allow-list (`sanitizeNarrativeHtml`), for HTML from anywhere else. */
export function sanitizeNarrativeHtml(html: string): string {
  return sanitizeHtml(html, sanitizeOptions).trim();
}
