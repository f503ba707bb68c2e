import { openStore, type Store } from '../../src/store/db.ts';
import { upsertMemberships, upsertOrganisations } from '../../src/store/repos/organisation-repo.ts';

/**
 * Opens the store that `tend` global options point at (`--data-dir DIR` or `--database-url URL`,
 * as `tendStoreArgs` gives them), so a test can set up or check what a command wrote. Close it before
 * the next `tend` run: an embedded database has one user at a time.
 */
export async function openStoreOf(args: readonly string[]): Promise<Store> {
  const value = (flag: string) => {
    const index = args.indexOf(flag);
    return index >= 0 ? args[index + 1] : undefined;
  };
  return openStore({ databaseUrl: value('--database-url'), dataDir: value('--data-dir') ?? 'memory://' });
}

/**
 * Two trusts in different ICBs and regions, as in the ODS register: RYY (Kent Community Health, in
 * Kent and Medway ICB QKS, South East region Y59) and RJ1 (Guy's and St Thomas', in South East London
 * ICB QKK, London region Y56).
 */
export async function addTwoTrusts(store: Store): Promise<void> {
  await upsertOrganisations(
    store.db,
    [
      {
        code: 'RYY',
        name: 'Kent Community Health NHS Foundation Trust',
        kind: 'trust',
        authority: 'replace',
      },
      { code: 'RJ1', name: "Guy's and St Thomas' NHS Foundation Trust", kind: 'trust', authority: 'replace' },
      { code: 'QKS', name: 'NHS Kent and Medway Integrated Care Board', kind: 'icb', authority: 'replace' },
      { code: 'QKK', name: 'NHS South East London Integrated Care Board', kind: 'icb', authority: 'replace' },
      { code: 'Y59', name: 'South East', kind: 'region', authority: 'replace' },
      { code: 'Y56', name: 'London', kind: 'region', authority: 'replace' },
    ],
    'test',
  );
  await upsertMemberships(
    store.db,
    [
      { memberCode: 'RYY', parentCode: 'QKS', relation: 'icb_ods', validFrom: '2022-07-01', validTo: null },
      { memberCode: 'RYY', parentCode: 'Y59', relation: 'region', validFrom: '2010-11-01', validTo: null },
      { memberCode: 'RJ1', parentCode: 'QKK', relation: 'icb_ods', validFrom: '2022-07-01', validTo: null },
      { memberCode: 'RJ1', parentCode: 'Y56', relation: 'region', validFrom: '1993-04-01', validTo: null },
    ],
    'test',
  );
}
