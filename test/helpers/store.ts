import { openStore, type Store } from '../../src/store/db.ts';
import { openTestStore, resetTestStore } from './test-store.ts';

/** A store backend the store suites run against. */
export interface Backend {
  readonly name: string;
  open(): Promise<Store>;
}

/**
 * PGlite (in memory) always; the PostgreSQL server too when `DATABASE_URL` is set, each open on a
 * fresh database of its own there (see `openTestStore`), dropped on close. `TEND_TEST_BACKENDS`
 * (e.g. `pglite` or `postgres`) narrows the list.
 */
export function storeBackends(): Backend[] {
  const backends: Backend[] = [
    { name: 'pglite', open: () => openStore({ databaseUrl: undefined, dataDir: 'memory://' }) },
  ];
  if (process.env.DATABASE_URL) backends.push({ name: 'postgres', open: () => openTestStore() });
  const only = process.env.TEND_TEST_BACKENDS?.split(',').map((name) => name.trim());
  return only ? backends.filter((backend) => only.includes(backend.name)) : backends;
}

/** Empties every table and puts the built-in metrics back, so each test starts from a new store. */
export async function resetStore(store: Store): Promise<void> {
  await resetTestStore(store);
}
