/**
 * Benchmark of the improvement directory's candidates over the whole demo store (the bundled A&E
 * history from 2015, the monthly files, the Oversight Framework data and NHS England's other
 * publications): the candidates of every metric computed afresh (`computeEveryMetricCandidates`:
 * every series read, charted and tested for sustained improvement and best-of-peers), median of
 * three. Aim: under 2 s. The in-run baseline is reading every metric's observations out of the store
 * (`metricObservationsText`), the floor any computation over every series pays.
 *
 * On PGlite and, when a server answers, PostgreSQL. Run with `npm run bench -- directory`.
 */

import { demoFiles } from '../src/app/demo-data.ts';
import { computeEveryMetricCandidates } from '../src/app/directory/candidates.ts';
import { importFile } from '../src/app/import-file.ts';
import { openStore, type Store } from '../src/store/db.ts';
import { listAllMetrics } from '../src/store/repos/metric-repo.ts';
import { metricObservationsText } from '../src/store/repos/signal-repo.ts';
import { dataDir } from '../test/helpers/paths.ts';
import { format, scratchDatabase, table } from './support.ts';

interface Row {
  what: string;
  backend: string;
  ms: number;
  ratio: number;
  note: string;
}

async function medianOfThree(work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[1];
}

async function runs(store: Store, backend: string): Promise<Row[]> {
  for (const file of demoFiles(dataDir)) {
    const result = await importFile(store, file, { computeSignals: false });
    if (result.outcome !== 'imported') throw new Error(`${file} was not imported`);
  }
  const metrics = await listAllMetrics(store.db);
  const floor = await medianOfThree(async () => {
    for (const metric of metrics) await metricObservationsText(store.db, metric.id);
  });
  let found: Awaited<ReturnType<typeof computeEveryMetricCandidates>> = [];
  const every = await medianOfThree(async () => {
    found = await computeEveryMetricCandidates(store.db);
  });
  const candidates = found.reduce((sum, metric) => sum + metric.candidates.length, 0);
  const series = found.reduce((sum, metric) => sum + metric.seriesRead, 0);
  return [
    { what: 'read every series (baseline, median of 3)', backend, ms: floor, ratio: 1, note: '' },
    {
      what: 'candidates for every metric (aim: under 2 s)',
      backend,
      ms: every,
      ratio: every / floor,
      note: `${found.length} metrics, ${series} series, ${candidates} candidates`,
    },
  ];
}

/** The directory: candidates for every metric over the demo store. */
export async function runDirectoryBench(): Promise<void> {
  const server = process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, drop: async () => {} }
    : await scratchDatabase('tend_bench_directory');
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
        rows.push(...(await runs(store, backend)));
      } finally {
        await store.close();
      }
    }
  } finally {
    await server?.drop();
  }
  console.log('\nImprovement directory over the demo store (ms; ratio = against reading every series)\n');
  console.log(
    table(
      ['what', 'store', 'ms', 'ratio', ''],
      rows.map((row) => [row.what, row.backend, format(row.ms, 0), format(row.ratio, 2), row.note]),
    ),
  );
}
