/**
 * Escapes text for SVG or HTML content and attribute values (`&`, `<`, `>`, `"`, `'`).
 *
 * @example
 * escapeMarkup('A&E <4h>'); // => 'A&amp;E &lt;4h&gt;'
 */
export function escapeMarkup(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * A coordinate for SVG output: rounded to 2 decimal places, without trailing zeros or `-0`,
 * so the same chart always renders to the same text.
 *
 * @example
 * coordinate(12.3456); // => '12.35'
 */
export function coordinate(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(rounded === 0 ? 0 : rounded);
}

/**
 * An id usable in SVG and HTML: letters, digits, `-` and `_` only, starting with a letter.
 *
 * @example
 * safeId('RJZ 4-hour'); // => 'RJZ-4-hour'
 */
export function safeId(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return /^[A-Za-z]/.test(cleaned) ? cleaned : `c-${cleaned}`;
}
