import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { importFile } from '../../src/app/import-file.ts';
import { computeSignals } from '../../src/app/signals/compute.ts';
import type { Store } from '../../src/store/db.ts';
import { dataDir } from './paths.ts';
import { openTestStore } from './test-store.ts';

const nof = path.join(dataDir, 'nhse-nof-2025-26-mh-community');
const monthly = path.join(dataDir, 'nhse-ae-monthly-csv-2024-25');

/** The bundled data files, by name, for tests that load part of the demo. */
export const bundled = {
  odsTrusts: path.join(dataDir, 'ods-trusts-2025', 'etr.csv'),
  trustLookup: path.join(dataDir, 'ods-trusts-2025', 'trust_region_icb_lookup.csv'),
  nofData: path.join(nof, 'nhs-oversight-framework-mental-health-and-community-trust-data.csv'),
  nofLeagueTable: path.join(
    nof,
    'nhs-oversight-framework-mental-health-and-community-trust-league-table.csv',
  ),
  aeMonthly: fs
    .readdirSync(monthly)
    .filter((name) => name.endsWith('.csv'))
    .sort()
    .map((name) => path.join(monthly, name)),
};

/** What the web tests load: the ODS register and lookup, the NOF files and the 13 monthly A&E CSVs. */
export const webTestFiles: readonly string[] = [
  bundled.odsTrusts,
  bundled.trustLookup,
  bundled.nofData,
  bundled.nofLeagueTable,
  ...bundled.aeMonthly,
];

/**
 * A fresh test store (in-memory PGlite, or a fresh database on the `DATABASE_URL` server; see
 * `openTestStore`) with `files` imported, each asserted to import cleanly. Signals are computed once,
 * after the last file (as the demo does), unless `computeSignals` is false.
 */
export async function openLoadedStore(
  files: readonly string[],
  options: { computeSignals?: boolean } = {},
): Promise<Store> {
  const store = await openTestStore();
  try {
    for (const file of files)
      assert.equal((await importFile(store, file, { computeSignals: false })).outcome, 'imported', file);
    if (options.computeSignals !== false) await computeSignals(store.db, () => new Date());
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
