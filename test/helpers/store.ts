import { sql } from 'kysely';
import { builtinMetrics } from '../../src/domain/metric-catalogue.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { upsertMetrics } from '../../src/store/repos/metric-repo.ts';

/** A store backend the store suites run against. */
export interface Backend {
  readonly name: string;
  open(): Promise<Store>;
}

/**
 * PGlite (in memory) always; the PostgreSQL server too when `DATABASE_URL` is set. `TEND_TEST_BACKENDS`
 * (e.g. `pglite` or `postgres`) narrows the list.
 */
export function storeBackends(): Backend[] {
  const backends: Backend[] = [
    { name: 'pglite', open: () => openStore({ databaseUrl: undefined, dataDir: 'memory://' }) },
  ];
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl)
    backends.push({ name: 'postgres', open: () => openStore({ databaseUrl, dataDir: 'memory://' }) });
  const only = process.env.TEND_TEST_BACKENDS?.split(',').map((name) => name.trim());
  return only ? backends.filter((backend) => only.includes(backend.name)) : backends;
}

/** Empties every table and puts the built-in metrics back, so each test starts from a new store. */
export async function resetStore(store: Store): Promise<void> {
  await sql`truncate observation, observation_history, import_batch, membership, metric, organisation restart identity cascade`.execute(
    store.db,
  );
  await upsertMetrics(store.db, builtinMetrics);
}
