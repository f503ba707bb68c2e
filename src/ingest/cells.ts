import type { IngestIssue, IngestIssueCode } from './types.ts';

/** Spreadsheet column letter for a 0-based index: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let letters = '';
  let remaining = index + 1;
  while (remaining > 0) {
    const digit = (remaining - 1) % 26;
    letters = String.fromCharCode(65 + digit) + letters;
    remaining = Math.floor((remaining - 1) / 26);
  }
  return letters;
}

/** `file:row:column: message`, the form every import problem is reported in. */
export function formatIssue(issue: IngestIssue): string {
  const where = [issue.file, issue.row ?? '', issue.column ?? ''].join(':').replace(/:+$/, '');
  const prefix = issue.severity === 'warning' ? 'warning: ' : '';
  return `${where}: ${prefix}${issue.message}`;
}

/** Builds issues for one file. */
export function issueFactory(file: string) {
  return (
    code: IngestIssueCode,
    row: number | null,
    columnIndex: number | null,
    message: string,
    severity: 'error' | 'warning' = 'error',
  ): IngestIssue => ({
    code,
    severity,
    file,
    row,
    column: columnIndex === null ? null : columnLetter(columnIndex),
    message,
  });
}

/** Quotes a cell's text for a message, shortened so one bad cell cannot flood the report. */
export function quote(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 37)}…` : text;
  return JSON.stringify(shown);
}

const NUMBER_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a number as publications write it: optional thousands separators ("1,234"), surrounding
 * spaces. Returns null for an empty cell and NaN for text that is not a number.
 */
export function parseNumberCell(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const plain = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(trimmed) ? trimmed.replaceAll(',', '') : trimmed;
  return NUMBER_PATTERN.test(plain) ? Number(plain) : Number.NaN;
}

/** Cells NHS England publications use for "no figure": they mean missing, never zero. */
export function isPublishedGap(text: string): boolean {
  const trimmed = text.trim().toUpperCase();
  return (
    trimmed === '' ||
    trimmed === '-' ||
    trimmed === 'N/A' ||
    trimmed === 'NA' ||
    trimmed === '*' ||
    trimmed === '.'
  );
}

/**
 * True for text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or carriage return first).
 * Such text is stored as typed and neutralised on export (see `neutraliseFormula`).
 */
export function looksLikeFormula(text: string): boolean {
  return /^[=+\-@\t\r]/.test(text);
}

/**
 * Makes text safe to open in a spreadsheet: prefixes a single quote when it could run as a formula
 * (OWASP "CSV injection" guidance). Numbers are left alone; only text is passed here.
 */
export function neutraliseFormula(text: string): string {
  return looksLikeFormula(text) ? `'${text}` : text;
}

/** Collapses runs of spaces and trims: publications pad names and regions with trailing spaces. */
export function cleanText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Title-cases an UPPER CASE organisation name ("NHS", "UK" and the like kept). */
export function titleCaseName(name: string): string {
  const keep = new Set([
    'NHS',
    'UK',
    'ICB',
    'CIC',
    'LLP',
    'UCC',
    'UTC',
    'WIC',
    'MIU',
    'GP',
    'ENT',
    'CCG',
    'IOW',
    'II',
    'III',
  ]);
  const small = new Set(['and', 'of', 'the', 'for', 'in', 'at', 'on', 'upon', 'with']);
  return cleanText(name)
    .split(' ')
    .map((word, index) => {
      if (keep.has(word.toUpperCase())) return word.toUpperCase();
      const lower = word.toLowerCase();
      if (index > 0 && small.has(lower)) return lower;
      // A letter after an apostrophe starts a name ("O'Neill"), except the possessive 's ("Guy's", "King's").
      return lower.replace(
        /(^|[-(&/]|'(?!s\b))([a-z])/g,
        (_match, boundary: string, letter: string) => boundary + letter.toUpperCase(),
      );
    })
    .join(' ');
}
