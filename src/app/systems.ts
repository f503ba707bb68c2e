import type { Kysely } from 'kysely';
import {
  findIcb,
  listSystemMembers,
  listSystemSummaries,
  type SystemMember,
  type SystemSummary,
} from '../store/repos/system-repo.ts';
import type { Database, OrganisationRow } from '../store/tables.ts';

export type { SystemMember, SystemSummary };

const today = () => new Date().toISOString().slice(0, 10);

/** Every ICB, in name order, with its current member counts under both mappings. */
export async function listSystems(db: Kysely<Database>): Promise<SystemSummary[]> {
  return listSystemSummaries(db, today());
}

/**
 * An ICB and its current members under both mappings, NHS England's first, in name order; `null`
 * when no ICB has the code.
 */
export async function systemMembers(
  db: Kysely<Database>,
  icbCode: string,
): Promise<{ icb: OrganisationRow; members: SystemMember[] } | null> {
  const icb = await findIcb(db, icbCode);
  if (!icb) return null;
  return { icb, members: await listSystemMembers(db, icb.code, today()) };
}
