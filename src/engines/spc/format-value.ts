const formatters = [0, 1, 2, 3].map(
  (digits) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 }),
);

/**
 * Formats a number for reading, with fewer decimals the larger it is: 0 from 100 up, 1 from
 * 10, 2 from 1, and 3 below 1 (en-GB grouping, so `12,345`). With a unit, `%` is attached
 * (`94.2%`) and any other unit follows after a space (`3.2 days`).
 *
 * @example
 * formatValue(94.234, '%'); // => '94.2%'
 * formatValue(1234.5); // => '1,235'
 * formatValue(0.95231); // => '0.952'
 */
export function formatValue(value: number, unit?: string): string {
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  const text = Number.isFinite(value) ? formatters[digits].format(value) : String(value);
  if (unit === undefined || unit === '') return text;
  return unit === '%' ? `${text}%` : `${text} ${unit}`;
}
