import path from 'node:path';
import type { Kysely } from 'kysely';
import { importFile } from '../../src/app/import-file.ts';
import type { FileRecord } from '../../src/ingest/read/records.ts';
import type { Store } from '../../src/store/db.ts';
import type { Database } from '../../src/store/tables.ts';
import { repoRoot } from './paths.ts';

/** The four trusts (R0A, RGT, RJ1, RYY) with their regions and ICBs, as the corpus tests seed them. */
export const seedFile = path.join(repoRoot, 'test', 'fixtures', 'seed-etr.csv');

export async function seedTrusts(store: Store): Promise<void> {
  const seeded = await importFile(store.db, seedFile, { displayName: 'seed-etr.csv' });
  if (seeded.outcome !== 'imported') throw new Error('the seed did not import');
}

class RolledBack extends Error {}

/** Runs `step` in a transaction that is then rolled back, and returns what it returned. */
export async function inRolledBackTransaction<T>(
  store: Store,
  step: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  let value: T | undefined;
  try {
    await store.db.transaction().execute(async (trx) => {
      value = await step(trx);
      throw new RolledBack();
    });
  } catch (error) {
    if (!(error instanceof RolledBack)) throw error;
  }
  return value as T;
}

/** CSV-like records from lines of comma-separated cells (no quoting), numbered from row 1. */
export function records(...lines: string[]): FileRecord[] {
  return lines.map((line, index) => ({ cells: line.split(','), rowNumber: index + 1 }));
}
