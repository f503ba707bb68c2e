import type { Kysely } from 'kysely';
import {
  findRegion,
  listRegionSummaries,
  listRegionTrusts,
  type RegionSummary,
  type RegionTrust,
} from '../store/repos/region-repo.ts';
import type { Database, OrganisationRow } from '../store/tables.ts';

export type { RegionSummary, RegionTrust };

const today = () => new Date().toISOString().slice(0, 10);

/** Every region, in name order, with its current trust and ICB counts. */
export async function listRegions(db: Kysely<Database>): Promise<RegionSummary[]> {
  return listRegionSummaries(db, today());
}

/** A region and its current trusts, each with its ICB; `null` when no region has the code. */
export async function regionTrusts(
  db: Kysely<Database>,
  regionCode: string,
): Promise<{ region: OrganisationRow; trusts: RegionTrust[] } | null> {
  const region = await findRegion(db, regionCode);
  if (!region) return null;
  return { region, trusts: await listRegionTrusts(db, region.code, today()) };
}
