import type { Kysely } from 'kysely';
import type { Database } from '../tables.ts';

/**
 * The store's versions: `data` changes with every commit that changes what the engines compute
 * (an import, a rebase); `dialogue` with every audited write; and each data part's version
 * (`data_part_version`) with every commit that changed that part. Every such transaction increments them,
 * so a cache keyed on them sees every commit, whatever order concurrent transactions commit in.
 */
export interface StoreVersion {
  readonly data: number;
  readonly dialogue: number;
}

/** How many version increments this process has begun (in any transaction, committed or not). */
let incrementsBegun = 0;
/** Each handle's last read versions, with the increments begun before that read started. */
const lastRead = new WeakMap<object, { incrementsBegun: number; version: StoreVersion }>();

export async function readStoreVersion(db: Kysely<Database>): Promise<StoreVersion> {
  const begun = incrementsBegun;
  const row = await db
    .selectFrom('store_version')
    .select(['data_version', 'dialogue_version'])
    .where('id', '=', 1)
    .executeTakeFirst();
  const version = { data: Number(row?.data_version ?? 0), dialogue: Number(row?.dialogue_version ?? 0) };
  lastRead.set(db, { incrementsBegun: begun, version });
  return version;
}

/**
 * The store's committed versions without asking the database, when this process can know them: on
 * an embedded store (PGlite), which only this process writes (store/lock.ts) and which runs one
 * transaction at a time, the versions last read are still the committed ones as long as no
 * increment has begun since that read began — so a request need not wait behind a long transaction
 * (an import) to learn that nothing has changed. Undefined when it cannot know; then read.
 */
export function knownStoreVersion(db: Kysely<Database>): StoreVersion | undefined {
  const held = lastRead.get(db);
  return held && held.incrementsBegun === incrementsBegun ? held.version : undefined;
}

/**
 * What a data change changed: `true` for everything (the `all` part: a restore, or a write that
 * cannot say), or the parts it changed (`metric:<id>`, `reference`).
 */
export type DataChange = boolean | { readonly parts: readonly string[] };

/**
 * Increments the dialogue version, and — for a data change — the data version and the versions of
 * the data parts it changed (`all` for `true`), inside the caller's transaction.
 */
export async function bumpStoreVersion(db: Kysely<Database>, options: { data: DataChange }): Promise<void> {
  const data = options.data !== false;
  incrementsBegun += 1;
  await db
    .updateTable('store_version')
    .set((eb) => ({
      dialogue_version: eb('dialogue_version', '+', 1),
      ...(data ? { data_version: eb('data_version', '+', 1) } : {}),
    }))
    .where('id', '=', 1)
    .execute();
  if (options.data === false) return;
  const parts = options.data === true ? ['all'] : [...new Set(options.data.parts)];
  if (parts.length > 0) await bumpDataParts(db, parts);
}

/** bumpDataParts: increments (or starts at 1) the version of each named data part. */
async function bumpDataParts(db: Kysely<Database>, parts: readonly string[]): Promise<void> {
  await db
    .insertInto('data_part_version')
    .values(parts.map((part) => ({ part, version: 1 })))
    .onConflict((conflict) =>
      conflict.column('part').doUpdateSet((eb) => ({ version: eb('data_part_version.version', '+', 1) })),
    )
    .execute();
}

/** readDataPartVersions: every data part's version. */
export async function readDataPartVersions(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db.selectFrom('data_part_version').select(['part', 'version']).execute();
  return new Map(rows.map((row) => [row.part, Number(row.version)]));
}

/** The data part of one metric's observations and series settings. */
export function metricPart(metricId: string): string {
  return `metric:${metricId}`;
}
