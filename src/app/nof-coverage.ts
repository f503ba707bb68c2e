import type { Kysely } from 'kysely';
import { parseFinancialQuarter } from '../domain/period.ts';
import { frameworkIdForQuarter } from '../domain/quarter.ts';
import {
  getFramework,
  type NofCoverage,
  nofCoverage,
  type OrganisationType,
  organisationTypeFromLabel,
} from '../engines/nof/index.ts';
import { nofTrustTypesHeld, publishedLeagueObservations } from '../store/repos/nof-coverage-repo.ts';
import type { Database } from '../store/tables.ts';
import { nofQuarters, rememberUntilNextImport } from './assessment-cache.ts';

/**
 * What the store covers of the Oversight Framework (trust types and quarters held, those missing,
 * with NHS England's publication), and NHS England's own published league table figures where the
 * store holds them, so that pages can set them beside Tend's recomputation.
 */

/** The coverage of the framework of the latest quarter held (2025/26 when none is). */
export function coverageFromStore(db: Kysely<Database>): Promise<NofCoverage> {
  return rememberUntilNextImport(db, 'nof-coverage', async () => {
    const quarters = await nofQuarters(db);
    const framework = getFramework(frameworkIdForQuarter(quarters[0] ?? '') ?? 'nof-2025-26');
    const types = (await nofTrustTypesHeld(db))
      .map((label) => organisationTypeFromLabel(framework, label))
      .filter((type): type is OrganisationType => type !== undefined);
    return nofCoverage(framework, [...new Set(types)], quarters);
  });
}

/** One trust's row of NHS England's published league table. */
export interface PublishedLeagueFigures {
  readonly average: number | null;
  readonly averageRange: readonly [number, number] | null;
  readonly rank: number | null;
  readonly rankRange: readonly [number, number] | null;
  readonly segment: number | null;
  readonly deficit: boolean | null;
}

const asRange = (value: unknown): readonly [number, number] | null =>
  Array.isArray(value) && value.length === 2 && value.every((end) => typeof end === 'number')
    ? [value[0], value[1]]
    : null;

/** NHS England's published league table for a quarter, by trust code; empty when the store holds none. */
export function publishedLeagueTable(
  db: Kysely<Database>,
  quarter: string,
): Promise<ReadonlyMap<string, PublishedLeagueFigures>> {
  return rememberUntilNextImport(db, `published-league|${quarter}`, async () => {
    const period = parseFinancialQuarter(quarter);
    const byCode = new Map<string, PublishedLeagueFigures>();
    if (!period) return byCode;
    for (const row of await publishedLeagueObservations(db, period.start)) {
      const held = byCode.get(row.org_code) ?? {
        average: null,
        averageRange: null,
        rank: null,
        rankRange: null,
        segment: null,
        deficit: null,
      };
      const value = row.value === null ? null : Number(row.value);
      const range = asRange(row.likely_range);
      if (row.metric_id === 'nof-league-average-score')
        byCode.set(row.org_code, { ...held, average: value, averageRange: range });
      else if (row.metric_id === 'nof-league-rank')
        byCode.set(row.org_code, { ...held, rank: value, rankRange: range });
      else if (row.metric_id === 'nof-league-segment') byCode.set(row.org_code, { ...held, segment: value });
      else if (row.metric_id === 'nof-league-financial-deficit')
        byCode.set(row.org_code, { ...held, deficit: value === null ? null : value === 1 });
    }
    return byCode;
  });
}
