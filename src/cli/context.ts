import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, loadConfig } from '../config/config.ts';
import type { Store } from '../store/db.ts';

/** The repository root (holding `data/` with the bundled demo data), found from this file. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Options every command accepts, mapped onto environment variables. */
export interface GlobalOptions {
  databaseUrl?: string;
  dataDir?: string;
}

export function configFrom(options: GlobalOptions & { port?: string; host?: string }): Config {
  return loadConfig(process.env, {
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.dataDir ? { TEND_DATA_DIR: options.dataDir } : {}),
    ...(options.port ? { PORT: options.port } : {}),
    ...(options.host ? { HOST: options.host } : {}),
  });
}

/** Opens the store for one command and always closes it (the store's code loads only then). */
export async function withStore<T>(config: Config, work: (store: Store) => Promise<T>): Promise<T> {
  const { openStore } = await import('../store/db.ts');
  const store = await openStore(config);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Writes text to stdout and waits until it is flushed (large CSVs piped to `head` included). */
export function print(text: string): Promise<void> {
  return new Promise((resolve) => {
    const flushed = process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    if (flushed) resolve();
    else process.stdout.once('drain', () => resolve());
  });
}

/** Left-aligned plain-text table for terminal output. */
export function textTable(
  header: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => (cell === null ? '' : String(cell))));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
