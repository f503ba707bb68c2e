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
 * `tend demo`'s first and second start are `runDemoStartBench` below (`npm run bench -- demo-start`).
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

/** What one `tend demo` start took, in milliseconds from spawn. */
interface DemoStart {
  /** "Tend is running at …": the server answers. */
  running: number;
  /** The first 200 from `/organisations/RYY`, and how long that one request took. */
  firstTrustPage: number;
  trustPageRequest: number;
  /** "Tend is ready": every page prepared. */
  ready: number;
  /** Whether it reused the store it built before. */
  reused: boolean;
}

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `tend demo` on `dataDir`, asks for `/organisations/RYY` every 100 ms from spawn until it
 * answers 200, waits for "Tend is ready", then stops it with Ctrl+C (SIGINT).
 */
async function demoStart(dataDir: string, env: NodeJS.ProcessEnv): Promise<DemoStart> {
  const { spawn } = await import('node:child_process');
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [main, 'demo', '--data-dir', dataDir, '--port', String(port)], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const seen = (pattern: RegExp) =>
    new Promise<number>((resolve, reject) => {
      const check = () => {
        if (pattern.test(stderr)) {
          child.stderr.off('data', check);
          resolve(performance.now() - started);
        }
      };
      child.stderr.on('data', check);
      child.once('exit', (code) =>
        reject(new Error(`tend demo ended (${code}) before ${pattern}: ${stderr}`)),
      );
      check();
    });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  try {
    const running = seen(/Tend is running at/);
    const ready = seen(/Tend is ready/);
    let firstTrustPage = 0;
    let trustPageRequest = 0;
    while (!firstTrustPage) {
      if (child.exitCode !== null) throw new Error(`tend demo ended (${child.exitCode}): ${stderr}`);
      const asked = performance.now();
      try {
        const response = await fetch(`http://127.0.0.1:${port}/organisations/RYY`);
        await response.arrayBuffer();
        if (response.status === 200) {
          firstTrustPage = performance.now() - started;
          trustPageRequest = performance.now() - asked;
          break;
        }
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return {
      running: await running,
      firstTrustPage,
      trustPageRequest,
      ready: await ready,
      reused: /reusing it/.test(stderr),
    };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
  }
}

/**
 * `npm run bench -- demo-start` (or the startup part with TEND_BENCH_DEMO=1): `tend demo` on a new
 * folder (the first start: the bundled data loaded, about 20 s) and again on the same folder (the
 * second start, reusing the store), each timed from spawn to "Tend is running", to the first 200 from
 * `/organisations/RYY` and to "Tend is ready"; against `tend --help` measured in the same run. Aims:
 * a first trust page within 30 s of the first start, and the second start serving within 5 s.
 */
export async function runDemoStartBench(): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-bench-demo-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '' };
  delete env.LOG_LEVEL;
  try {
    const help = percentile(timings([main, '--help'], env, 5), 0.5);
    const dataDir = path.join(scratch, 'demo');
    const first = await demoStart(dataDir, env);
    const second = await demoStart(dataDir, env);
    if (first.reused || !second.reused)
      throw new Error('the second start did not reuse the first one’s store');
    const [one, five, fifteen] = os.loadavg();
    console.log(
      `\nDemo start: \`tend demo\` on a new folder, then again on the same folder; ms from spawn (Node ${process.version}, ${os.cpus().length} CPUs, load average ${format(one, 2)} ${format(five, 2)} ${format(fifteen, 2)})`,
    );
    const s = (ms: number) => format(ms / 1000, 1);
    console.log(
      table(
        ['run', '"running" s', 'first trust page s', 'its request ms', '"ready" s', '× baseline', 'aim'],
        [
          ['tend --help (baseline)', s(help), '', '', '', '1.0', ''],
          ...[
            {
              what: 'first start (builds the store)',
              run: first,
              aims: [{ text: 'first trust page < 30 s', met: first.firstTrustPage < 30_000 }],
            },
            {
              what: 'second start (reuses it)',
              run: second,
              aims: [
                { text: 'serving < 5 s', met: second.running < 5_000 },
                { text: 'first trust page < 5 s', met: second.firstTrustPage < 5_000 },
              ],
            },
          ].map(({ what, run, aims }) => [
            what,
            s(run.running),
            s(run.firstTrustPage),
            format(run.trustPageRequest, 0),
            s(run.ready),
            format(run.firstTrustPage / help, 0),
            aims.map((aim) => `${aim.text}: ${aim.met ? 'met' : 'missed'}`).join('; '),
          ]),
        ],
      ),
    );
    console.log(
      '× baseline: the first trust page against `tend --help` (Node and the command line starting).',
    );
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
