/**
 * Quarter labels of the NHS financial year, "Q4 2025/26", read and written in one place: the
 * engines, the store's periods, the API and the pages all use these.
 */

/** A quarter of an NHS financial year: Q1 is April–June, Q4 is January–March. */
export interface QuarterLabelParts {
  readonly quarter: 1 | 2 | 3 | 4;
  /** First calendar year of the financial year (2025 for 2025/26). */
  readonly startYear: number;
  /** The financial year as written, "2025/26". */
  readonly year: string;
}

/**
 * Parses a quarter label as NHS England writes it, "Q4 2025/26". Returns undefined for anything
 * else (including a year whose two halves do not follow on, "2025/27").
 *
 * @example
 * parseQuarterLabel('Q4 2025/26'); // => { quarter: 4, startYear: 2025, year: '2025/26' }
 */
export function parseQuarterLabel(label: string): QuarterLabelParts | undefined {
  const match = /^Q([1-4])\s+(\d{4})\/(\d{2})$/.exec(label.trim());
  if (!match) return undefined;
  const startYear = Number(match[2]);
  if ((startYear + 1) % 100 !== Number(match[3])) return undefined;
  return { quarter: Number(match[1]) as 1 | 2 | 3 | 4, startYear, year: `${match[2]}/${match[3]}` };
}

/** Writes a quarter label: `formatQuarterLabel(1, 2026)` → "Q1 2026/27". */
export function formatQuarterLabel(quarter: 1 | 2 | 3 | 4, startYear: number): string {
  return `Q${quarter} ${startYear}/${String((startYear + 1) % 100).padStart(2, '0')}`;
}

/**
 * The quarter before a quarter label: "Q1 2026/27" → "Q4 2025/26".
 *
 * @throws `invalid quarter: <label>` when the label is not a quarter
 */
export function previousQuarterLabel(label: string): string {
  const parts = parseQuarterLabel(label);
  if (!parts) throw new Error(`invalid quarter: ${label}`);
  return parts.quarter === 1
    ? formatQuarterLabel(4, parts.startYear - 1)
    : formatQuarterLabel((parts.quarter - 1) as 1 | 2 | 3, parts.startYear);
}

/** The first month (1–12) and calendar year of a quarter: Q1 2025/26 → April 2025, Q4 → January 2026. */
export function quarterStartMonth(parts: QuarterLabelParts): { year: number; month: number } {
  return parts.quarter === 4
    ? { year: parts.startYear + 1, month: 1 }
    : { year: parts.startYear, month: 1 + parts.quarter * 3 };
}

/** The quarter label of the financial quarter holding a date (`YYYY-MM-DD`): 2026-02-01 → "Q4 2025/26". */
export function quarterLabelOfDate(date: string): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const quarter = (month >= 4 ? Math.floor((month - 4) / 3) + 1 : 4) as 1 | 2 | 3 | 4;
  return formatQuarterLabel(quarter, month >= 4 ? year : year - 1);
}

/** The Oversight Framework id for a quarter's financial year: "Q4 2025/26" → `nof-2025-26`, or undefined. */
export function frameworkIdForQuarter(label: string): string | undefined {
  const parts = parseQuarterLabel(label);
  return parts ? `nof-${parts.year.replace('/', '-')}` : undefined;
}
