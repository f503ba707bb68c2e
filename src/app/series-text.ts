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
  const byGranularity = new Map<string, { count: number; byOrg: Map<string, SeriesInText> }>();
  const length = text.length;
  let start = 0;
  while (start < length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = length;
    const first = text.indexOf('|', start);
    const second = text.indexOf('|', first + 1);
    const third = text.indexOf('|', second + 1);
    const orgCode = text.slice(start, first);
    const granularity = text.slice(first + 1, second);
    let group = byGranularity.get(granularity);
    if (!group) {
      group = { count: 0, byOrg: new Map() };
      byGranularity.set(granularity, group);
    }
    group.count++;
    let series = group.byOrg.get(orgCode);
    if (!series) {
      series = { dates: [], values: [], ordered: true };
      group.byOrg.set(orgCode, series);
    }
    const date = text.slice(second + 1, third);
    if (series.ordered && series.dates.length > 0 && series.dates[series.dates.length - 1] > date)
      series.ordered = false;
    series.dates.push(date);
    series.values.push(third + 1 === end ? null : Number(text.slice(third + 1, end)));
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

/** One organisation's points as read, and whether they came oldest first. */
interface SeriesInText {
  dates: string[];
  values: (number | null)[];
  ordered: boolean;
}
