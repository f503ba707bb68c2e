/**
 * Loads NHS England's official NOF 2025/26 mental health and community files (kept in the
 * repository under data/) and the derived conformance extracts (in the shared folder beside the
 * repository, absent in a user's clone) for the NOF engine's tests.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { NofLongRow } from '../../src/engines/nof/long-rows.ts';

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const officialFolder = join(repositoryRoot, 'data', 'nhse-nof-2025-26-mh-community');

/** The conformance folder, `../shared/conformance/nof` from the repository root. */
export const nofConformanceFolder = join(repositoryRoot, '..', 'shared', 'conformance', 'nof');

/** Why conformance tests skip, or false when the folder is there. */
export function conformanceSkipReason(): string | false {
  return existsSync(nofConformanceFolder)
    ? false
    : 'shared/conformance/nof is not beside the repository (a clone without the shared folder)';
}

export const quarters2025 = ['Q1 2025/26', 'Q2 2025/26', 'Q3 2025/26', 'Q4 2025/26'] as const;

function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path), { bom: true, columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
}

const numberOrNull = (text: string | undefined): number | null => {
  if (text === undefined || text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
};

let cachedRows: NofLongRow[] | undefined;

/** Every row of the official data file (Q1–Q4 2025/26), as long rows. */
export function loadOfficialNofRows(): readonly NofLongRow[] {
  cachedRows ??= readCsv(
    join(officialFolder, 'nhs-oversight-framework-mental-health-and-community-trust-data.csv'),
  ).map((row) => ({
    quarter: row.Quarter,
    trustCode: row.Trust_code,
    trustName: row.Trust_name,
    trustType: row.Trust_type,
    trustSubtype: row.Trust_subtype || null,
    region: row.Region || null,
    metricId: row.Metric_ID,
    value: numberOrNull(row.Value),
    median: numberOrNull(row.Median_value),
    lowerQuartile: numberOrNull(row.Lower_quartile),
    upperQuartile: numberOrNull(row.Upper_quartile),
    rank: numberOrNull(row.Rank),
    units: row.Units || null,
    reportingDate: row.Reporting_date || null,
  }));
  return cachedRows;
}

/** One published value per trust-quarter-metric id: `published.get('Q4 2025/26|RYY|OF5002')`. */
export function officialValues(): ReadonlyMap<string, { value: number | null; rank: number | null }> {
  const map = new Map<string, { value: number | null; rank: number | null }>();
  for (const row of loadOfficialNofRows())
    map.set(`${row.quarter}|${row.trustCode}|${row.metricId}`, {
      value: row.value as number | null,
      rank: row.rank,
    });
  return map;
}

/** The published summary of every trust-quarter (244): average, segments, override flag, rank. */
export interface OfficialSummary {
  readonly quarter: string;
  readonly trustCode: string;
  readonly averageMetricScore: number;
  readonly unadjustedSegment: number;
  readonly adjustedSegment: number;
  readonly financialOverride: boolean;
  readonly finalSegment: number | null;
  readonly recoverySupportProgramme: boolean | null;
  readonly rank: number;
}

export function officialSummaries(): readonly OfficialSummary[] {
  const values = officialValues();
  const keys = new Set(loadOfficialNofRows().map((row) => `${row.quarter}|${row.trustCode}`));
  return [...keys].sort().map((key) => {
    const [quarter, trustCode] = key.split('|');
    const get = (id: string) => values.get(`${key}|${id}`);
    const rsp = get('OF5007')?.value;
    return {
      quarter,
      trustCode,
      averageMetricScore: get('OF5002')?.value as number,
      unadjustedSegment: get('OF5003')?.value as number,
      adjustedSegment: get('OF5000')?.value as number,
      financialOverride: get('OF5004')?.value === 1,
      finalSegment: get('OF5005')?.value ?? null,
      recoverySupportProgramme: rsp === undefined || rsp === null ? null : rsp === 1,
      rank: get('OF5000')?.rank as number,
    };
  });
}

export interface OfficialLeagueRow {
  readonly quarter: string;
  readonly trustCode: string;
  readonly averageScore: number;
  readonly averageRange: readonly [number, number];
  readonly segment: number;
  readonly deficit: boolean;
  readonly rank: number;
  readonly rankRange: readonly [number, number];
}

const parseRange = (text: string): readonly [number, number] => {
  const [low, high] = text.split(' to ').map(Number);
  return [low, high];
};

/** The official Q4 2025/26 league table (61 trusts). */
export function loadOfficialLeagueTable(): readonly OfficialLeagueRow[] {
  return readCsv(
    join(officialFolder, 'nhs-oversight-framework-mental-health-and-community-trust-league-table.csv'),
  ).map((row) => ({
    quarter: row.Quarter,
    trustCode: row.Trust_code,
    averageScore: Number(row.Average_score),
    averageRange: parseRange(row.Likely_range_of_average_score),
    segment: Number(row.Segment),
    deficit: row.Trust_in_financial_deficit === 'Yes',
    rank: Number(row.Rank),
    rankRange: parseRange(row.Likely_range_of_rank),
  }));
}

export interface AcuteLeagueRow {
  readonly trustCode: string;
  readonly segment: number;
  readonly rank: number;
  readonly averageScore: number;
  readonly deficit: boolean;
  readonly quarter: string;
  readonly peerGroupSize: number;
}

/** The Q3 2025/26 acute league positions of 129 of the 134 acute trusts (conformance folder). */
export function loadAcuteQ3Subset(): readonly AcuteLeagueRow[] {
  return readCsv(join(nofConformanceFolder, 'nof_acute_league_q3_2025-26_partial129.csv')).map((row) => ({
    trustCode: row.org_code,
    segment: Number(row.league_segment),
    rank: Number(row.league_rank),
    averageScore: Number(row.league_avg_score),
    deficit: Number(row.lt_in_deficit) === 1,
    quarter: row.quarter,
    peerGroupSize: Number(row.peer_group_size),
  }));
}
