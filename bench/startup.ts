/**
 * Benchmark of the command line's start: `tend --help` and `tend status`, each as its own process,
 * wall clock from spawn to exit over several runs (median and p95), after one run that is not counted
 * (so Node's compile cache is warm, as on a machine where Tend has run before). Aim: under 300 ms.
 *
 * In-run baselines, each a fresh process on the same Node: `node -e ""` (Node itself), and, for
 * `status`, the floor of the store it opens: the embedded database opened and asked `select 1`
 * (PGlite), or a `pg` client connecting and asking `select 1` (PostgreSQL, when a server answers).
 *
 * Run with `npm run bench -- startup`; `TEND_BENCH_STARTUP_RUNS` sets the runs (default 15).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../test/helpers/paths.ts';
import { format, scratchDatabase, table } from './support.ts';
import { percentile } from './web.ts';

const main = path.join(repoRoot, 'src', 'cli', 'main.ts');

/** Runs a process to its end and returns its wall clock in milliseconds; throws if it fails. */
function wallClock(args: readonly string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: repoRoot, env, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return ms;
}

/** One uncounted run, then `runs` counted ones, sorted. */
function timings(args: readonly string[], env: NodeJS.ProcessEnv, runs: number): number[] {
  wallClock(args, env);
  return Array.from({ length: runs }, () => wallClock(args, env)).sort((a, b) => a - b);
}

const pgliteFloor = `
const { PGlite } = await import('@electric-sql/pglite');
const db = new PGlite({ dataDir: process.env.FLOOR_DIR });
await db.query('select 1');
await db.close();`;

const postgresFloor = `
const { default: pg } = await import('pg');
const client = new pg.Client({ connectionString: process.env.FLOOR_URL });
await client.connect();
await client.query('select 1');
await client.end();`;

interface Row {
  what: string;
  times: number[];
  baseline: number;
  aim?: number;
}

export async function runStartupBench(): Promise<void> {
  const runs = Number(process.env.TEND_BENCH_STARTUP_RUNS ?? 15);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-bench-startup-'));
  const env = { ...process.env, DATABASE_URL: '' };
  const rows: Row[] = [];
  const server = await scratchDatabase('tend_bench_startup');
  try {
    const node = timings(['-e', ''], env, runs);
    const nodeMedian = percentile(node, 0.5);
    rows.push({ what: 'node -e "" (baseline: Node itself)', times: node, baseline: nodeMedian });
    rows.push({
      what: 'tend --help',
      times: timings([main, '--help'], env, runs),
      baseline: nodeMedian,
      aim: 300,
    });

    const dataDir = path.join(scratch, 'pgdata');
    // The first status creates the embedded database; the timed ones open it.
    wallClock([main, 'status', '--data-dir', dataDir], env);
    const floor = timings(['--input-type=module', '-e', pgliteFloor], { ...env, FLOOR_DIR: dataDir }, runs);
    rows.push({ what: 'PGlite opened, select 1 (floor)', times: floor, baseline: nodeMedian });
    rows.push({
      what: 'tend status (PGlite)',
      times: timings([main, 'status', '--data-dir', dataDir], env, runs),
      baseline: percentile(floor, 0.5),
      aim: 300,
    });

    if (server) {
      wallClock([main, 'status', '--database-url', server.url], env);
      const floor = timings(
        ['--input-type=module', '-e', postgresFloor],
        { ...env, FLOOR_URL: server.url },
        runs,
      );
      rows.push({ what: 'pg connect, select 1 (floor)', times: floor, baseline: nodeMedian });
      rows.push({
        what: 'tend status (PostgreSQL)',
        times: timings([main, 'status', '--database-url', server.url], env, runs),
        baseline: percentile(floor, 0.5),
        aim: 300,
      });
    }
  } finally {
    await server?.drop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }

  const [one, five, fifteen] = os.loadavg();
  console.log(
    `\nCommand-line start: wall clock of a fresh process, ${runs} runs after one uncounted (Node ${process.version}, ${os.cpus().length} CPUs, load average ${format(one, 2)} ${format(five, 2)} ${format(fifteen, 2)})`,
  );
  console.log(
    table(
      ['run', 'median ms', 'p95 ms', '× baseline', 'aim'],
      rows.map((row) => {
        const median = percentile(row.times, 0.5);
        return [
          row.what,
          format(median, 0),
          format(percentile(row.times, 0.95), 0),
          format(median / row.baseline, 1),
          row.aim === undefined ? '' : `< ${row.aim} ms: ${median < row.aim ? 'met' : 'missed'}`,
        ];
      }),
    ),
  );
  console.log(
    '× baseline: against `node -e ""`, or for `tend status` against its store’s floor (the line above it).',
  );
}
