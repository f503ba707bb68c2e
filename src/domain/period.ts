import { parseQuarterLabel, quarterLabelOfDate, quarterStartMonth } from './quarter.ts';

/** Periods: a start date, an end date and a granularity, all as ISO `YYYY-MM-DD` strings. */

export type Granularity = 'day' | 'month' | 'quarter' | 'year';

export interface Period {
  readonly start: string;
  readonly end: string;
  readonly granularity: Granularity;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** Number of days in a month (month 1–12), Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The calendar month holding `year`-`month` (month 1–12). */
export function monthPeriod(year: number, month: number): Period {
  return {
    start: `${pad(year, 4)}-${pad(month)}-01`,
    end: `${pad(year, 4)}-${pad(month)}-${pad(daysInMonth(year, month))}`,
    granularity: 'month',
  };
}

function isValidDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * Parses the tidy template's `period`: `YYYY-MM` is a calendar month, `YYYY-MM-DD` a single day.
 * Returns undefined when the text is neither, or names a date that does not exist.
 */
export function parseTidyPeriod(text: string): Period | undefined {
  const trimmed = text.trim();
  let match = /^(\d{4})-(\d{2})$/.exec(trimmed);
  if (match) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    return month >= 1 && month <= 12 ? monthPeriod(year, month) : undefined;
  }
  match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    return isValidDay(year, month, day) ? { start: trimmed, end: trimmed, granularity: 'day' } : undefined;
  }
  return undefined;
}

/**
 * Parses an NHS financial-year quarter label, "Q1 2025/26" (April–June 2025) to "Q4 2025/26"
 * (January–March 2026). Returns undefined for anything else.
 */
export function parseFinancialQuarter(label: string): Period | undefined {
  const parts = parseQuarterLabel(label);
  if (!parts) return undefined;
  const { year, month: firstMonth } = quarterStartMonth(parts);
  return {
    start: `${year}-${pad(firstMonth)}-01`,
    end: `${year}-${pad(firstMonth + 2)}-${pad(daysInMonth(year, firstMonth + 2))}`,
    granularity: 'quarter',
  };
}

/** The label "Q3 2025/26" for a financial quarter starting on `start` (`YYYY-MM-DD`). */
export function financialQuarterLabel(start: string): string {
  return quarterLabelOfDate(start);
}

/** Month names as the publications write them in capitals, January first. */
export const MONTHS = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
];

/** Parses the A&E publication's period code, e.g. `MSitAE-APRIL-2025`. */
export function parseSitrepPeriod(text: string): Period | undefined {
  const match = /^MSitAE-([A-Z]+)-(\d{4})$/i.exec(text.trim());
  if (!match) return undefined;
  const month = MONTHS.indexOf(match[1].toUpperCase()) + 1;
  return month === 0 ? undefined : monthPeriod(Number(match[2]), month);
}

/** A short human label for a period: "June 2024", "Q1 2025/26", "2024-06-03". */
export function periodLabel(period: Pick<Period, 'start' | 'granularity'>): string {
  switch (period.granularity) {
    case 'month': {
      const month = Number(period.start.slice(5, 7));
      return `${MONTHS[month - 1][0]}${MONTHS[month - 1].slice(1).toLowerCase()} ${period.start.slice(0, 4)}`;
    }
    case 'quarter':
      return financialQuarterLabel(period.start);
    case 'year':
      return yearLabel(period.start);
    default:
      return period.start;
  }
}

/** A year's label: "2024" for a calendar year, "2025/26" for a financial year (starting 1 April). */
export function yearLabel(start: string): string {
  const year = Number(start.slice(0, 4));
  return start.slice(5) === '04-01' ? `${year}/${String((year + 1) % 100).padStart(2, '0')}` : String(year);
}
