import type { Kysely } from 'kysely';
import { cachedAssessment, nofQuarters, rememberUntilNextImport } from '../../../app/assessment-cache.ts';
import { loadSeriesForAll } from '../../../app/series.ts';
import { formatMetricValue, periodLabel, spcOfPoints } from '../../../app/spc-view.ts';
import { storeStatus } from '../../../app/status.ts';
import { findMetric } from '../../../store/repos/metric-repo.ts';
import type { Database } from '../../../store/tables.ts';
import { frameworkForQuarter } from '../league-tables/present.ts';

/** Metrics whose new special-cause concerns the home page lists. */
export const headlineMetricIds = ['ae-4hr-type1', 'ae-4hr-all'] as const;

export interface SegmentCounts {
  trustType: string;
  slug: string;
  counts: { segment: number; trusts: number }[];
  total: number;
}

export interface NewConcern {
  code: string;
  name: string;
  metricId: string;
  metricName: string;
  latestValue: string;
  latestPeriod: string;
  href: string;
}

const slugOf = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * A concern is new when the latest point is special-cause concern and the point before it was not:
 * the moment a conversation should start, not a verdict.
 */
export function isNewConcern(pointTypes: readonly string[]): boolean {
  const latest = pointTypes.at(-1);
  const before = pointTypes.at(-2);
  return latest === 'special_cause_concern' && before !== 'special_cause_concern';
}

async function buildHome(db: Kysely<Database>) {
  const status = await storeStatus(db);
  const [quarter] = await nofQuarters(db);
  let segments: SegmentCounts[] = [];
  if (quarter) {
    const assessment = await cachedAssessment(db, { framework: frameworkForQuarter(quarter), quarter });
    const byType = new Map<string, Map<number, number>>();
    for (const row of assessment.trusts) {
      if (row.Segment === null) continue;
      const counts = byType.get(row.Trust_type) ?? new Map<number, number>();
      counts.set(row.Segment, (counts.get(row.Segment) ?? 0) + 1);
      byType.set(row.Trust_type, counts);
    }
    segments = [...byType].map(([trustType, counts]) => ({
      trustType,
      slug: slugOf(trustType),
      counts: [1, 2, 3, 4].map((segment) => ({ segment, trusts: counts.get(segment) ?? 0 })),
      total: [...counts.values()].reduce((sum, value) => sum + value, 0),
    }));
  }
  const concerns: NewConcern[] = [];
  for (const metricId of headlineMetricIds) {
    const metric = await findMetric(db, metricId);
    if (!metric) continue;
    const { series } = await loadSeriesForAll(db, metricId);
    // Only series still reporting: their latest point is the latest month the store holds.
    let latestMonth = '';
    for (const entry of series.values()) {
      const last = entry.points.at(-1)?.date ?? '';
      if (last > latestMonth) latestMonth = last;
    }
    for (const [code, entry] of series) {
      if (entry.points.at(-1)?.date !== latestMonth) continue;
      const result = spcOfPoints(entry.points, metric, code);
      if (!isNewConcern(result.pointType) || result.summary.latestDate !== latestMonth) continue;
      concerns.push({
        code,
        name: entry.name,
        metricId: metric.id,
        metricName: metric.name,
        latestValue: formatMetricValue(result.summary.latestValue, metric),
        latestPeriod: periodLabel(result.summary.latestDate, 'month'),
        href: `/organisations/${encodeURIComponent(code)}/metrics/${encodeURIComponent(metric.id)}`,
      });
    }
  }
  concerns.sort((a, b) => a.name.localeCompare(b.name) || a.metricId.localeCompare(b.metricId));
  return { status, quarter: quarter ?? null, segments, concerns };
}

/** The home page's data, remembered until the next import. */
export function presentHome(db: Kysely<Database>): ReturnType<typeof buildHome> {
  return rememberUntilNextImport(db, 'home-page', () => buildHome(db));
}
