/**
 * Working days between two moments, for the clocks of escalations: Monday to Friday, leaving out
 * the bank holidays of England and Wales (GOV.UK, https://www.gov.uk/bank-holidays, 2024 to 2027;
 * outside those years only weekends are left out). Days are UTC calendar days. Imports nothing.
 */

/** Bank holidays in England and Wales, as published by GOV.UK (substitute days included). */
export const englandBankHolidays: ReadonlySet<string> = new Set([
  '2024-01-01',
  '2024-03-29',
  '2024-04-01',
  '2024-05-06',
  '2024-05-27',
  '2024-08-26',
  '2024-12-25',
  '2024-12-26',
  '2025-01-01',
  '2025-04-18',
  '2025-04-21',
  '2025-05-05',
  '2025-05-26',
  '2025-08-25',
  '2025-12-25',
  '2025-12-26',
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28',
  '2027-01-01',
  '2027-03-26',
  '2027-03-29',
  '2027-05-03',
  '2027-05-31',
  '2027-08-30',
  '2027-12-27',
  '2027-12-28',
]);

const dayMs = 86_400_000;

function utcDay(at: Date): number {
  return Math.floor(at.getTime() / dayMs);
}

/** Whether an ISO date (YYYY-MM-DD) is a working day: a weekday that is not a bank holiday. */
export function isWorkingDay(isoDate: string): boolean {
  const weekday = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !englandBankHolidays.has(isoDate);
}

/**
 * `workingDaysBetween`: the working days after `from`'s day up to and including `to`'s day — raised
 * on a Friday and read on the Monday is 1; the same day is 0; never negative.
 */
export function workingDaysBetween(from: Date, to: Date): number {
  let count = 0;
  for (let day = utcDay(from) + 1; day <= utcDay(to); day += 1)
    if (isWorkingDay(new Date(day * dayMs).toISOString().slice(0, 10))) count += 1;
  return count;
}

/** `calendarDaysBetween`: whole calendar days from `from`'s day to `to`'s day; never negative. */
export function calendarDaysBetween(from: Date, to: Date): number {
  return Math.max(0, utcDay(to) - utcDay(from));
}

/** "1 working day", "3 working days". */
export function workingDaysText(days: number): string {
  return `${days} working day${days === 1 ? '' : 's'}`;
}

/** The bands of the recipient's ageing view, by working days since an escalation was raised. */
export const ageBands = [
  { key: 'up_to_5', label: 'Up to 5 working days', min: 0, max: 5 },
  { key: 'six_to_10', label: '6 to 10 working days', min: 6, max: 10 },
  { key: 'eleven_to_20', label: '11 to 20 working days', min: 11, max: 20 },
  { key: 'over_20', label: 'More than 20 working days', min: 21, max: Number.POSITIVE_INFINITY },
] as const;
export type AgeBandKey = (typeof ageBands)[number]['key'];

/** `ageBandOf`: the band an age in working days falls in. */
export function ageBandOf(workingDays: number): (typeof ageBands)[number] {
  return ageBands.find((band) => workingDays >= band.min && workingDays <= band.max) ?? ageBands[3];
}
