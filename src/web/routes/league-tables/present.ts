import type { Kysely } from 'kysely';
import { cachedAssessment, nofQuarters, rememberUntilNextImport } from '../../../app/assessment-cache.ts';
import {
  coverageFromStore,
  type PublishedLeagueFigures,
  publishedLeagueTable,
} from '../../../app/nof-coverage.ts';
import { frameworkIdForQuarter } from '../../../domain/quarter.ts';
import { type NofCoverage, segmentDescriptions } from '../../../engines/nof/index.ts';
import type { Database } from '../../../store/tables.ts';
import { cell, type DataTable } from '../../data-table.ts';
import { slugify } from '../organisations/present.ts';

/** The framework that assesses a quarter: "Q4 2025/26" → nof-2025-26. */
export function frameworkForQuarter(quarter: string): string {
  return frameworkIdForQuarter(quarter) ?? 'nof-2025-26';
}

/**
 * The likely range of a rank as a small SVG interval bar: a grey track for the whole table, a blue
 * bar from the best to the worst likely rank, and a dark dot at the rank. Decorative: the range is
 * also written beside it in words.
 */
export function rankIntervalSvg(rank: number, low: number, high: number, size: number): string {
  const width = 160;
  const height = 20;
  const left = 8;
  const span = width - 2 * left;
  const x = (value: number) => (left + (size > 1 ? ((value - 1) / (size - 1)) * span : span / 2)).toFixed(1);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="tend-interval" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-hidden="true" focusable="false">` +
    `<line x1="${left}" y1="10" x2="${width - left}" y2="10" stroke="#d8dde0" stroke-width="2"/>` +
    `<line x1="${x(low)}" y1="10" x2="${x(high)}" y2="10" stroke="#005eb8" stroke-width="8" stroke-linecap="round"/>` +
    `<circle cx="${x(rank)}" cy="10" r="5" fill="#212b32" stroke="#ffffff" stroke-width="1.5"/>` +
    '</svg>'
  );
}

export interface LeagueTableView {
  type: string;
  slug: string;
  href: string;
  table: DataTable;
}

/** One trust's row of a league table, before it is laid out as a table. */
interface LeagueRow {
  rank: number | null;
  code: string;
  name: string;
  segment: number | null;
  average: number | null;
  averageRange: string;
  rankRange: string;
  intervalSvg: string | null;
  deficit: boolean | null;
  /** NHS England's published league table row, where the store holds it. */
  published: PublishedLeagueFigures | null;
}

const rangeText = (range: readonly [number, number] | null | undefined, places: number) =>
  range ? `${range[0].toFixed(places)} to ${range[1].toFixed(places)}` : '';

/** How Tend's own likely range differs from NHS England's published one, in words. */
export function rangeDifference(
  tend: readonly [number, number] | null,
  published: readonly [number, number] | null | undefined,
  places: number,
): string {
  if (!tend || !published) return '';
  const signed = (value: number) => {
    const rounded = Number(value.toFixed(places));
    return rounded === 0 ? '0' : `${rounded > 0 ? '+' : '−'}${Math.abs(rounded).toFixed(places)}`;
  };
  const low = tend[0] - published[0];
  const high = tend[1] - published[1];
  if (Number(low.toFixed(places)) === 0 && Number(high.toFixed(places)) === 0) return 'same as published';
  return `vs published: ${signed(low)} low, ${signed(high)} high`;
}

const parseRange = (text: string): [number, number] | null => {
  const match = /^\s*(-?[\d.]+) to (-?[\d.]+)\s*$/.exec(text);
  return match ? [Number(match[1]), Number(match[2])] : null;
};

/** Sort value that puts unranked and unscored trusts after every ranked one, whichever way the column is read. */
const unranked = 9999;

/**
 * A league table as a page table: rank, trust, segment, average score and the two likely ranges,
 * sortable by each; the download is the API's CSV in the published league table's columns.
 */
export function leagueDataTable(
  type: string,
  slug: string,
  quarter: string,
  csvHref: string,
  rows: readonly LeagueRow[],
): DataTable {
  const withPublished = rows.some((row) => row.published?.averageRange || row.published?.rankRange);
  const publishedColumns = (row: LeagueRow, kind: 'average' | 'rank') => {
    if (!withPublished) return [];
    const range = kind === 'average' ? row.published?.averageRange : row.published?.rankRange;
    return [
      cell(range ? rangeText(range, kind === 'average' ? 2 : 0) : 'Not published', {
        csv: range ? rangeText(range, kind === 'average' ? 2 : 0) : null,
      }),
    ];
  };
  const tendCell = (
    row: LeagueRow,
    kind: 'average' | 'rank',
    extra: Omit<Parameters<typeof cell>[1], 'note'> = {},
  ) => {
    const places = kind === 'average' ? 2 : 0;
    const text = kind === 'average' ? row.averageRange : row.rankRange;
    const tend = parseRange(text);
    const published = kind === 'average' ? row.published?.averageRange : row.published?.rankRange;
    const difference = rangeDifference(tend, published, places);
    // Written to the same decimal places as the published column beside it.
    return cell(tend ? rangeText(tend, places) : text, { ...extra, note: difference || undefined });
  };
  return {
    id: `league-${slug}`,
    caption: `${type} league table, ${quarter}`,
    rowHeaderColumn: 1,
    fileName: `tend-league-table-${slug}-${quarter}`,
    csvHref,
    csvLinkText: `Download the ${type.toLowerCase()} league table as CSV`,
    stackOnPhone: true,
    columns: [
      { label: 'Rank', numeric: true, sort: 'ascending' },
      { label: 'Trust', sort: true },
      { label: 'ODS code', csvOnly: true },
      { label: 'Segment', numeric: true, sort: true },
      { label: 'Average score', numeric: true, sort: true },
      { label: 'Financial deficit', sort: true },
      ...(withPublished
        ? [{ label: 'Likely range of average score', hint: "NHS England's, published" }]
        : []),
      { label: 'Likely range of average score', hint: "Tend's own estimate" },
      ...(withPublished ? [{ label: 'Likely range of rank', hint: "NHS England's, published" }] : []),
      { label: 'Likely range of rank', hint: "Tend's own estimate", sort: true },
    ],
    rows: rows.map((row) => ({
      key: row.code,
      cells: [
        cell(row.rank ?? 'Not ranked', { sortValue: row.rank ?? unranked, csv: row.rank }),
        cell(row.name, { href: `/organisations/${encodeURIComponent(row.code)}` }),
        cell(row.code),
        cell(row.segment ?? '–', { sortValue: row.segment ?? unranked, csv: row.segment }),
        cell(row.average === null ? 'Not scored' : row.average.toFixed(2), {
          sortValue: row.average ?? unranked,
          csv: row.average,
        }),
        cell(row.deficit === null ? 'Not known' : row.deficit ? 'Yes' : 'No', {
          csv: row.deficit === null ? null : row.deficit ? 'Yes' : 'No',
        }),
        ...publishedColumns(row, 'average'),
        tendCell(row, 'average'),
        ...publishedColumns(row, 'rank'),
        tendCell(row, 'rank', {
          svg: row.intervalSvg ?? undefined,
          sortValue: Number.parseInt(row.rankRange, 10) || unranked,
        }),
      ],
    })),
  };
}

/**
 * The league tables of a quarter, one per trust type (only `slug`'s when given). Returns `null`
 * when the quarter or the trust type is not held, with the quarters that are.
 */
export function presentLeagueTables(
  db: Kysely<Database>,
  request: { quarter?: string; slug?: string },
): ReturnType<typeof buildLeagueTables> {
  const key = `league-tables|${request.quarter ?? ''}|${request.slug ?? ''}`;
  return rememberUntilNextImport(db, key, () => buildLeagueTables(db, request));
}

async function buildLeagueTables(
  db: Kysely<Database>,
  request: { quarter?: string; slug?: string },
): Promise<
  | {
      found: true;
      quarter: string;
      quarters: string[];
      tables: LeagueTableView[];
      allTypes: LeagueTableView[];
      coverage: NofCoverage;
      segmentKey: { segment: number; meaning: string }[];
      publishedRangesHeld: boolean;
    }
  | { found: false; quarters: string[]; message: string; coverage: NofCoverage }
> {
  const quarters = await nofQuarters(db);
  const coverage = await coverageFromStore(db);
  if (quarters.length === 0)
    return {
      found: false,
      coverage,
      quarters,
      message: 'Tend holds no NHS Oversight Framework data yet, so there are no league tables to show.',
    };
  const quarter = request.quarter?.trim() || quarters[0];
  if (!quarters.includes(quarter))
    return {
      found: false,
      coverage,
      quarters,
      message: `Tend holds no NHS Oversight Framework data for "${quarter.slice(0, 20)}". It holds ${quarters.join(', ')}.`,
    };
  const framework = frameworkForQuarter(quarter);
  const assessment = await cachedAssessment(db, { framework, quarter });
  const details = new Map(assessment.details.map((trust) => [trust.code, trust]));
  const published = await publishedLeagueTable(db, quarter);
  const byType = new Map<string, LeagueRow[]>();
  for (const row of assessment.trusts) {
    const rows = byType.get(row.Trust_type) ?? [];
    byType.set(row.Trust_type, rows);
    const detail = details.get(row.Trust_code);
    const likely = detail?.likelyRange ?? null;
    rows.push({
      rank: row.Rank,
      code: row.Trust_code,
      name: row.Trust_name,
      segment: row.Segment,
      average: row.Average_score,
      averageRange: row.Likely_range_of_average_score ?? '',
      rankRange: row.Likely_range_of_rank ?? '',
      intervalSvg:
        row.Rank !== null && likely
          ? rankIntervalSvg(row.Rank, likely.rank[0], likely.rank[1], detail?.peerGroupSize ?? row.Rank)
          : null,
      deficit: detail?.deficit ?? null,
      published: published.get(row.Trust_code) ?? null,
    });
  }
  const quarterQuery = `quarter=${encodeURIComponent(quarter)}`;
  const allTypes: LeagueTableView[] = [...byType].map(([type, rows]) => {
    const slug = slugify(type);
    const csvHref = `/api/v1/assessments/${framework}/${encodeURIComponent(quarter)}?trustType=${encodeURIComponent(type)}&format=csv`;
    return {
      type,
      slug,
      href: `/league-tables/${slug}?${quarterQuery}`,
      table: leagueDataTable(type, slug, quarter, csvHref, rows),
    };
  });
  const tables = request.slug ? allTypes.filter((table) => table.slug === request.slug) : allTypes;
  if (tables.length === 0)
    return {
      found: false,
      coverage,
      quarters,
      message: `There is no league table called "${(request.slug ?? '').slice(0, 60)}" for ${quarter}. Tend holds ${allTypes.map((table) => table.type.toLowerCase()).join(', ')} league tables.`,
    };
  return {
    found: true,
    quarter,
    quarters,
    tables,
    allTypes,
    coverage,
    segmentKey: ([1, 2, 3, 4, 5] as const).map((segment) => ({
      segment,
      meaning: segmentDescriptions[segment],
    })),
    publishedRangesHeld: published.size > 0,
  };
}
