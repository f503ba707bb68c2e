/**
 * Benchmark of Tend's signals over the whole demo store (the bundled A&E history from 2015, the
 * monthly files and the Oversight Framework data):
 *
 * - computing every signal after an import: the demo loaded without its last monthly A&E file and its
 *   signals computed, then that file imported and every signal computed again (episodes continue,
 *   open and close), and once more on unchanged data. Aim: under 2 s. The in-run baseline is reading
 *   every metric's observations out of the store (`metricObservationsText`), the floor any computation
 *   pays.
 * - `/signals` under 20 connections for 10 s, anonymous (kept page) and signed in (rendered per
 *   request), against `/health` on the same server. Aim: p95 under 100 ms.
 *
 * On PGlite and, when a server answers, PostgreSQL. Run with `npm run bench -- signals`;
 * `TEND_BENCH_SECONDS` and `TEND_BENCH_CONNECTIONS` shorten or widen the web runs.
 */
import { addUser, grantRole } from '../src/app/accounts/users.ts';
import { demoFiles } from '../src/app/demo-data.ts';
import { importFile } from '../src/app/import-file.ts';
import { computeSignals } from '../src/app/signals/compute.ts';
import { operator } from '../src/policies/actor.ts';
import { openStore, type Store } from '../src/store/db.ts';
import { listAllMetrics } from '../src/store/repos/metric-repo.ts';
import { metricObservationsText } from '../src/store/repos/signal-repo.ts';
import { buildApp } from '../src/web/app.ts';
import { dataDir } from '../test/helpers/paths.ts';
import { format, scratchDatabase, table } from './support.ts';
import { generateLoad, percentile } from './web.ts';

const benchPassword = 'bench-harbour-lantern-42';

interface Row {
  what: string;
  backend: string;
  ms: number;
  p95?: number;
  ratio: number;
  note: string;
}

async function time<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

/** Loads the demo, all but its last monthly A&E file, then measures the computation around that file's import. */
async function computeRuns(store: Store, backend: string): Promise<Row[]> {
  const files = demoFiles(dataDir);
  const lastMonthly = files.filter((file) => file.includes('nhse-ae-monthly-csv')).at(-1) as string;
  for (const file of files.filter((each) => each !== lastMonthly)) {
    const result = await importFile(store, file, { computeSignals: false });
    if (result.outcome !== 'imported') throw new Error(`${file} was not imported`);
  }
  const first = await time(() => computeSignals(store.db, () => new Date()));
  const imported = await importFile(store, lastMonthly, { computeSignals: false });
  if (imported.outcome !== 'imported') throw new Error(`${lastMonthly} was not imported`);
  const baselines: number[] = [];
  const metrics = await listAllMetrics(store.db);
  const readEverySeries = async () => {
    for (const metric of metrics) await metricObservationsText(store.db, metric.id);
  };
  for (let run = 0; run < 3; run++) baselines.push((await time(readEverySeries)).ms);
  baselines.sort((a, b) => a - b);
  const floor = baselines[1];
  const afterImport = await time(() => computeSignals(store.db, () => new Date()));
  const unchanged = await time(() => computeSignals(store.db, () => new Date()));
  const describe = (result: Awaited<ReturnType<typeof computeSignals>>) =>
    `${result.episodes} episodes, ${result.written} written, ${result.closed} closed`;
  return [
    { what: 'read every series (baseline, median of 3)', backend, ms: floor, ratio: 1, note: '' },
    {
      what: 'every signal, first computation',
      backend,
      ms: first.ms,
      ratio: first.ms / floor,
      note: describe(first.result),
    },
    {
      what: 'every signal after an import (aim: under 2 s)',
      backend,
      ms: afterImport.ms,
      ratio: afterImport.ms / floor,
      note: describe(afterImport.result),
    },
    {
      what: 'every signal again, data unchanged',
      backend,
      ms: unchanged.ms,
      ratio: unchanged.ms / floor,
      note: describe(unchanged.result),
    },
  ];
}

async function load(url: string, connections: number, seconds: number, headers?: Record<string, string>) {
  const result = await generateLoad({ url, connections, seconds, ...(headers ? { headers } : {}) });
  result.latencies.sort((a, b) => a - b);
  return { p95: percentile(result.latencies, 0.95), non2xx: result.non2xx, errors: result.errors };
}

async function signInOverHttp(address: string, email: string): Promise<string> {
  const page = await fetch(`${address}/sign-in`);
  const first = page.headers.getSetCookie().map((each) => each.split(';')[0]);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const response = await fetch(`${address}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: first.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: benchPassword, _csrf: csrf }).toString(),
  });
  if (response.status !== 303) throw new Error(`sign-in answered ${response.status}`);
  return response.headers
    .getSetCookie()
    .map((each) => each.split(';')[0])
    .join('; ');
}

/** `/signals` under load, anonymous and signed in, against `/health`. */
async function webRuns(store: Store, backend: string, connections: number, seconds: number): Promise<Row[]> {
  const app = await buildApp({
    store,
    config: { logLevel: 'silent' },
    rateLimitPerMinute: Number.MAX_SAFE_INTEGER,
    signInPerMinute: Number.MAX_SAFE_INTEGER,
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const context = { db: store.db, actor: operator('bench'), clock: () => new Date() };
    const reader = `signals-reader-${Date.now()}@example.nhs.uk`;
    await addUser(context, { email: reader, name: 'Bench reader', password: benchPassword });
    await grantRole(context, { email: reader, role: 'oversight', scopeKind: 'england' });
    const cookie = await signInOverHttp(address, reader);
    const runs: [string, string, Record<string, string> | undefined][] = [
      ['/health (baseline)', '/health', undefined],
      ['/signals, anonymous (aim: p95 under 100 ms)', '/signals', undefined],
      ['/signals, signed in (aim: p95 under 100 ms)', '/signals', { cookie }],
      ['/signals?kind=concern&age=long, signed in', '/signals?kind=concern&age=long', { cookie }],
    ];
    for (const [, url, headers] of runs) await load(`${address}${url}`, connections, 1, headers);
    const rows: Row[] = [];
    let floor = Number.NaN;
    for (const [what, url, headers] of runs) {
      process.stderr.write(`  ${what} for ${seconds} s…\n`);
      const result = await load(`${address}${url}`, connections, seconds, headers);
      if (url === '/health') floor = result.p95;
      rows.push({
        what,
        backend,
        ms: Number.NaN,
        p95: result.p95,
        ratio: result.p95 / floor,
        note: `${result.errors} errors, ${result.non2xx} non-2xx`,
      });
    }
    return rows;
  } finally {
    await app.close();
  }
}

/** Signals: every signal computed after an import, and `/signals` under load. */
export async function runSignalsBench(
  options: { connections?: number; seconds?: number } = {},
): Promise<void> {
  const connections = options.connections ?? Number(process.env.TEND_BENCH_CONNECTIONS ?? 20);
  const seconds = options.seconds ?? Number(process.env.TEND_BENCH_SECONDS ?? 10);
  const server = process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, drop: async () => {} }
    : await scratchDatabase('tend_bench_signals');
  if (!server)
    process.stderr.write('No PostgreSQL server answered (set DATABASE_URL); measuring PGlite only.\n');
  const rows: Row[] = [];
  try {
    for (const backend of server ? (['pglite', 'postgres'] as const) : (['pglite'] as const)) {
      process.stderr.write(`Loading the demo data into ${backend}…\n`);
      const store = await openStore({
        databaseUrl: backend === 'postgres' ? server?.url : undefined,
        dataDir: 'memory://',
      });
      try {
        rows.push(...(await computeRuns(store, backend)));
        rows.push(...(await webRuns(store, backend, connections, seconds)));
      } finally {
        await store.close();
      }
    }
  } finally {
    await server?.drop();
  }
  console.log(
    `\nSignals over the demo store (ms; ratio = against the baseline of its group on the same store; web: ${connections} connections for ${seconds} s)\n`,
  );
  console.log(
    table(
      ['what', 'store', 'ms', 'p95 ms', 'ratio', ''],
      rows.map((row) => [
        row.what,
        row.backend,
        Number.isNaN(row.ms) ? '-' : format(row.ms, 0),
        row.p95 === undefined ? '-' : format(row.p95, 2),
        format(row.ratio, 1),
        row.note,
      ]),
    ),
  );
}
