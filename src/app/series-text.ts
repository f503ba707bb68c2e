/** One organisation's series of one metric, oldest first: a gap (nothing reported) is a null value. */
export interface StoredSeries {
  metric_id: string;
  org_code: string;
  dates: string[];
  values: (number | null)[];
}

/**
 * A metric's series from its observations' text (`metricObservationsText`): each organisation's, at
 * the metric's most common granularity (most observations; the first in name order on a tie: a series
 * mixes no months with quarters), oldest first.
 */
export function seriesFromText(metricId: string, text: string): StoredSeries[] {
  return parseSeriesText(metricId, text).series;
}

/** `seriesFromText`'s series, with the granularity they were read at ('' when the text is empty). */
export function parseSeriesText(
  metricId: string,
  text: string,
): { granularity: string; series: StoredSeries[] } {
  if (text === '') return { granularity: '', series: [] };
  // One pass with indexOf rather than a split per line: at national scale a metric has 756,000 lines.
  // A line's organisation, granularity and date are matched against the strings already read rather
  // than cut out of the text: the text comes period by period (in the index's order), each period
  // naming the organisations in the same order, so the organisation is usually the one that followed
  // the previous line's last time, and the date the previous line's. A string cut per line and kept in
  // a series was most of the parse's cost at national scale, and grew faster than the lines did.
  const byGranularity = new Map<string, GranularityInText>();
  const length = text.length;
  let group: GranularityInText | undefined;
  let current: SeriesInText | undefined;
  let date = '';
  let start = 0;
  while (start < length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = length;
    const first = text.indexOf('|', start);
    const second = text.indexOf('|', first + 1);
    const third = text.indexOf('|', second + 1);
    if (group === undefined || !holds(text, first + 1, second, group.granularity)) {
      const granularity = text.slice(first + 1, second);
      group = byGranularity.get(granularity);
      if (!group) {
        group = { granularity, count: 0, byOrg: new Map(), order: [] };
        byGranularity.set(granularity, group);
      }
      current = undefined;
    }
    group.count++;
    const expected = current?.next ?? group.order[0];
    if (current !== undefined && holds(text, start, first, current.orgCode)) {
      // the same organisation as the line before
    } else if (expected !== undefined && holds(text, start, first, expected.orgCode)) {
      current = expected;
    } else {
      const orgCode = text.slice(start, first);
      const known = group.byOrg.get(orgCode);
      if (known) current = known;
      else {
        const made: SeriesInText = { orgCode, dates: [], values: [], ordered: true, next: undefined };
        const last = group.order.at(-1);
        if (last) last.next = made;
        group.order.push(made);
        group.byOrg.set(orgCode, made);
        current = made;
      }
    }
    if (!holds(text, second + 1, third, date)) date = text.slice(second + 1, third);
    const dates = current.dates;
    if (current.ordered && dates.length > 0 && dates[dates.length - 1] > date) current.ordered = false;
    dates.push(date);
    current.values.push(third + 1 === end ? null : decimalAt(text, third + 1, end));
    start = end + 1;
  }
  const [[granularity, dominant]] = [...byGranularity].sort(
    (a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
  );
  const series = [...dominant.byOrg]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([orgCode, series]) => {
      let { dates, values } = series;
      if (!series.ordered) {
        const order = dates
          .map((_, index) => index)
          .sort((a, b) => (dates[a] < dates[b] ? -1 : dates[a] > dates[b] ? 1 : 0));
        dates = order.map((index) => series.dates[index]);
        values = order.map((index) => series.values[index]);
      }
      return { metric_id: metricId, org_code: orgCode, dates, values };
    });
  return { granularity, series };
}

/** One organisation's points as read, whether they came oldest first, and the organisation first read after it. */
interface SeriesInText {
  orgCode: string;
  dates: string[];
  values: (number | null)[];
  ordered: boolean;
  next: SeriesInText | undefined;
}

/** One granularity's series, by organisation and in the order they were first read, and its line count. */
interface GranularityInText {
  granularity: string;
  count: number;
  byOrg: Map<string, SeriesInText>;
  order: SeriesInText[];
}

/** 10⁰ … 10²², each exactly a double. */
const exactPowersOfTen = Array.from({ length: 23 }, (_, power) => Number(`1e${power}`));

/**
 * The number written in `text[start..end)`, as `Number` reads it. A plain decimal (an optional minus,
 * digits, an optional point and digits) whose digits make an integer below 2^53 with at most 22 after
 * the point is read without cutting out a string: that integer and the power of ten are both exact
 * doubles, so one division rounds correctly (Clinger's fast path, "How to read floating point numbers
 * accurately", 1990). Anything else (an exponent, more digits) is read by `Number`.
 */
function decimalAt(text: string, start: number, end: number): number {
  let index = start;
  const negative = text.charCodeAt(index) === 45;
  if (negative) index++;
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code >= 48 && code <= 57) {
      mantissa = mantissa * 10 + (code - 48);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (code === 46 && fraction < 0) fraction = 0;
    else return Number(text.slice(start, end));
  }
  if (digits === 0 || fraction === 0 || mantissa >= 2 ** 53 || fraction > 22)
    return Number(text.slice(start, end));
  const value = fraction > 0 ? mantissa / exactPowersOfTen[fraction] : mantissa;
  return negative ? -value : value;
}

/** Whether `text[start..end)` is `value`, without cutting it out. */
function holds(text: string, start: number, end: number, value: string): boolean {
  return end - start === value.length && text.startsWith(value, start);
}
