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
  if (text === '') return [];
  const byGranularity = new Map<string, Map<string, [string, number | null][]>>();
  for (const line of text.split('\n')) {
    const [orgCode, granularity, date, value] = line.split('|');
    let byOrg = byGranularity.get(granularity);
    if (!byOrg) {
      byOrg = new Map();
      byGranularity.set(granularity, byOrg);
    }
    let points = byOrg.get(orgCode);
    if (!points) {
      points = [];
      byOrg.set(orgCode, points);
    }
    points.push([date, value === '' ? null : Number(value)]);
  }
  const size = (byOrg: Map<string, unknown[]>) =>
    [...byOrg.values()].reduce((sum, each) => sum + each.length, 0);
  const [[, dominant]] = [...byGranularity].sort(
    (a, b) => size(b[1]) - size(a[1]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
  );
  return [...dominant]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([orgCode, points]) => {
      points.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return {
        metric_id: metricId,
        org_code: orgCode,
        dates: points.map((point) => point[0]),
        values: points.map((point) => point[1]),
      };
    });
}
