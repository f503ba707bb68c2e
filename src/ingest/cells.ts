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

/** The largest magnitude Tend stores: beyond it a double no longer holds every whole number exactly. */
export const LARGEST_MAGNITUDE = 1e15;

/** A number cell read: its value (null when empty), or what is wrong with it. */
export type NumberReading =
  | { readonly value: number | null }
  | { readonly problem: { readonly code: IngestIssueCode; readonly message: string } };

/**
 * Reads a number cell as `parseNumberCell` does, and refuses what Tend cannot hold: text that is not a
 * number ("NaN" and "Infinity" included), numbers beyond ±1e15 (`1e309` would be Infinity), and
 * numbers too close to zero to hold (`1e-400` would be 0). `name` starts each message.
 */
export function readNumberCell(text: string, name: string): NumberReading {
  const value = parseNumberCell(text);
  if (value === null) return { value: null };
  if (Number.isNaN(value))
    return { problem: { code: 'NOT_A_NUMBER', message: `${name}: ${quote(text)} is not a number` } };
  if (!Number.isFinite(value) || Math.abs(value) > LARGEST_MAGNITUDE)
    return {
      problem: {
        code: 'NUMBER_OUT_OF_RANGE',
        message: `${name}: ${quote(text)} is out of range; expected a number between -1e15 and 1e15`,
      },
    };
  if (value === 0 && /[1-9]/.test(text.trim().split(/[eE]/)[0]))
    return {
      problem: {
        code: 'NUMBER_OUT_OF_RANGE',
        message: `${name}: ${quote(text)} is too close to zero to hold; expected 0 or a number written with fewer decimal places`,
      },
    };
  return { value };
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

/**
 * Cases an organisation name as people write it, whether it arrives in UPPER CASE (ODS) or Title
 * Case With Every Word Capitalised (NHS England's A&E files): acronyms upper case ("NHS", "UTC",
 * "DHU"), dotted ones with their final stop ("C.I.C."), small words lower case after the first
 * ("Kent and Medway", "Isle of Wight"), a possessive 's lower case ("Guy's").
 *
 * @example
 * titleCaseName('Dhu Health Care C.I.C'); // => 'DHU Health Care C.I.C.'
 * titleCaseName('NHS KENT AND MEDWAY INTEGRATED CARE BOARD'); // => 'NHS Kent and Medway Integrated Care Board'
 */
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
    'DHU',
  ]);
  const small = new Set(['and', 'of', 'the', 'for', 'in', 'at', 'on', 'upon', 'with']);
  return cleanText(name)
    .split(' ')
    .map((word, index) => {
      if (keep.has(word.toUpperCase())) return word.toUpperCase();
      // A dotted acronym ("C.I.C", "c.i.c.") is written upper case with its final stop.
      if (/^(?:[A-Za-z]\.)+[A-Za-z]?\.?$/.test(word) && word.length > 2)
        return `${word.toUpperCase().replace(/\.$/, '')}.`;
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
