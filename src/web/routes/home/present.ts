import type { Kysely } from 'kysely';
import { cachedAssessment, nofQuarters, rememberUntilNextImport } from '../../../app/assessment-cache.ts';
import { keptSignalsStamp, newConcernsAcrossOrganisations } from '../../../app/metric-across.ts';
import { coverageFromStore } from '../../../app/nof-coverage.ts';
import { formatMetricValue, periodLabel } from '../../../app/spc-view.ts';
import { storeStatus } from '../../../app/status.ts';
import type { Database } from '../../../store/tables.ts';
import { cell, type DataTable, nationalTableRows } from '../../data-table.ts';
import { frameworkForQuarter } from '../league-tables/present.ts';
import { slugify } from '../organisations/present.ts';

export interface SegmentCounts {
  trustType: string;
  slug: string;
  counts: { segment: number; trusts: number }[];
  total: number;
}

/** Trusts by segment for each trust type, as a table (each type links to its league table). */
function segmentTable(quarter: string, segments: readonly SegmentCounts[]): DataTable {
  return {
    id: 'segments',
    caption: `Trusts by segment, ${quarter}`,
    fileName: `tend-segments-${quarter}`,
    columns: [
      { label: 'Trust type' },
      { label: 'Trusts', numeric: true, csvOnly: true },
      ...[1, 2, 3, 4].map((segment) => ({ label: `Segment ${segment}`, numeric: true })),
    ],
    rows: segments.map((row) => ({
      key: row.slug,
      cells: [
        cell(row.trustType, {
          href: `/league-tables/${row.slug}?quarter=${encodeURIComponent(quarter)}`,
          note: `(${row.total})`,
        }),
        cell(row.total),
        ...row.counts.map((count) => cell(count.trusts)),
      ],
    })),
  };
}

/**
 * Every organisation whose latest point, on any metric it still reports, is a new special-cause
 * concern (see `isNewConcern`: a concern episode of one point), read only from charts with settled
 * limits (13 points or more in their latest stretch), from the signal episodes kept after every
 * import (`newConcernsAcrossOrganisations`). Ordered by organisation, then metric.
 */
async function newConcerns(db: Kysely<Database>): Promise<DataTable> {
  const rows = await newConcernsAcrossOrganisations(db);
  rows.sort((a, b) => a.name.localeCompare(b.name) || a.metric.name.localeCompare(b.metric.name));
  return {
    id: 'new-concerns',
    caption: 'New special-cause concerns at the latest point',
    pageRows: nationalTableRows,
    fileName: 'tend-new-concerns',
    columns: [
      { label: 'Organisation', sort: 'ascending' },
      { label: 'ODS code', csvOnly: true },
      { label: 'Metric', sort: true },
      { label: 'Metric id', csvOnly: true },
      { label: 'Latest value', numeric: true },
      { label: 'Period', sort: true },
    ],
    rows: rows.map((row) => ({
      key: `${row.code}-${row.metric.id}`,
      cells: [
        cell(row.name, { href: `/organisations/${encodeURIComponent(row.code)}` }),
        cell(row.code),
        cell(row.metric.name, {
          href: `/organisations/${encodeURIComponent(row.code)}/metrics/${encodeURIComponent(row.metric.id)}`,
        }),
        cell(row.metric.id),
        cell(formatMetricValue(row.value, row.metric), { csv: row.value }),
        cell(periodLabel(row.date, row.granularity), { sortValue: row.date }),
      ],
    })),
  };
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
      slug: slugify(trustType),
      counts: [1, 2, 3, 4].map((segment) => ({ segment, trusts: counts.get(segment) ?? 0 })),
      total: [...counts.values()].reduce((sum, value) => sum + value, 0),
    }));
  }
  const concerns = await newConcerns(db);
  return {
    status,
    quarter: quarter ?? null,
    coverage: await coverageFromStore(db),
    segments: quarter && segments.length ? segmentTable(quarter, segments) : null,
    concerns,
    concernCount: concerns.rows.length,
  };
}

/** The home page's data, remembered until the next import or signal computation. */
export async function presentHome(db: Kysely<Database>): ReturnType<typeof buildHome> {
  return rememberUntilNextImport(db, `home-page|${await keptSignalsStamp(db)}`, () => buildHome(db));
}
