/**
 * Soak of Tend's web server: `tend serve` run as its own process over a store loaded with the
 * bundled demo data, and a steady 200 requests a second for ten minutes over a mix of pages and API
 * routes, from 40 clients behind one trusted proxy (each client's `X-Forwarded-For`, with
 * `TEND_TRUSTED_PROXY=127.0.0.1` and the rate limit at 600 a minute per client: each client sends
 * 300 a minute, so the limit is configured, counted per client, and never reached).
 *
 * Reports errors (refused, reset, timed out, or any answer but 200; goal 0), p50/p95/p99 per route
 * and overall, and the server's resident memory before the load, at the start of the steady state
 * (after the first tenth of the run), at the middle and at the end (goal: growth from start to end
 * under 10 %). The baseline measured in the same run is `/health` (one tiny query through the same
 * stack): ratio = a route's p95 over `/health`'s.
 *
 * Run with `npm run bench -- soak`. `TEND_SOAK_SECONDS` sets the length (default 600),
 * `TEND_SOAK_RATE` the requests a second (default 200). The store is an embedded database in a
 * scratch folder, or the PostgreSQL database `DATABASE_URL` names (the demo data is imported into
 * it). Loopback only; every request has a 30 s timeout, and at most 2,000 are outstanding.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDemoData } from '../src/cli/commands/serve.ts';
import { openStore } from '../src/store/db.ts';
import { format, table } from './support.ts';
import { percentile } from './web.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const baseline = '/health';
/** Pages and API routes, each sent equally often. */
const routes = [
  baseline,
  '/',
  '/organisations',
  '/organisations?search=kent',
  '/organisations/RYY',
  '/organisations/RYY/metrics/OF5002',
  '/league-tables/mental-health-and-community-trust',
  '/metrics',
  '/metrics/ae-4hr-type1',
  '/systems',
  '/systems/QKS',
  '/api/v1/metrics',
  '/api/v1/organisations?search=kent',
  '/api/v1/organisations/RYY',
  '/api/v1/metrics/ae-4hr-type1/latest',
  '/api/v1/observations?org=RYY&metric=OF5002',
];
const clients = 40;
const perClientPerMinute = 600;
const timeoutMs = 30_000;
const maxOutstanding = 2000;

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The resident memory of a process in MiB (Linux), or NaN. */
function residentMb(pid: number | undefined): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}

async function waitUntilReady(base: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tend serve exited:\n${output()}`);
    try {
      const response = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`tend serve was not ready within 120 s:\n${output()}`);
}

interface Sample {
  route: string;
  ms: number;
  /** The status, or the error's code when there was no answer. */
  outcome: number | string;
}

export async function runSoakBench(options: { seconds?: number; perSecond?: number } = {}): Promise<void> {
  const seconds = options.seconds ?? Number(process.env.TEND_SOAK_SECONDS ?? 600);
  const perSecond = options.perSecond ?? Number(process.env.TEND_SOAK_RATE ?? 200);
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-soak-'));
  const dataDir = path.join(folder, 'pgdata');
  let child: ChildProcess | undefined;
  try {
    process.stderr.write(`Loading the demo data into ${databaseUrl ? 'PostgreSQL' : dataDir}…\n`);
    const store = await openStore({ databaseUrl, dataDir });
    try {
      await loadDemoData(store, undefined, () => true);
    } finally {
      await store.close();
    }

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let output = '';
    child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'src', 'cli', 'main.ts'),
        ...(databaseUrl ? ['--database-url', databaseUrl] : ['--data-dir', dataDir]),
        'serve',
        '--port',
        String(port),
      ],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          LOG_LEVEL: 'warn',
          TEND_SESSION_SECRET: 'soak-bench-secret-soak-bench-secret-soak',
          TEND_TRUSTED_PROXY: '127.0.0.1',
          TEND_RATE_LIMIT_PER_MINUTE: String(perClientPerMinute),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    await waitUntilReady(base, child, () => output);
    for (const route of routes) {
      const response = await fetch(`${base}${route}`, { headers: { 'x-forwarded-for': '10.0.0.250' } });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${route} answered ${response.status}`);
    }
    const idleMb = residentMb(child.pid);

    process.stderr.write(
      `Soaking for ${seconds} s at ${perSecond} requests a second over ${routes.length} routes…\n`,
    );
    const samples: Sample[] = [];
    const memory: { at: string; mb: number }[] = [{ at: 'before the load', mb: idleMb }];
    let peakMb = idleMb;
    let outstanding = 0;
    let skipped = 0;
    let sent = 0;
    const pending = new Set<Promise<void>>();
    const send = () => {
      if (outstanding >= maxOutstanding) {
        skipped++;
        return;
      }
      const route = routes[sent % routes.length];
      const client = `10.0.0.${(sent % clients) + 1}`;
      sent++;
      outstanding++;
      const started = performance.now();
      const request = fetch(`${base}${route}`, {
        headers: { 'x-forwarded-for': client },
        signal: AbortSignal.timeout(timeoutMs),
      })
        .then(async (response) => {
          await response.arrayBuffer();
          samples.push({ route, ms: performance.now() - started, outcome: response.status });
        })
        .catch((error: Error & { cause?: { code?: string } }) => {
          samples.push({ route, ms: performance.now() - started, outcome: error.cause?.code ?? error.name });
        })
        .finally(() => {
          outstanding--;
          pending.delete(request);
        });
      pending.add(request);
    };

    // Sends in ticks of 50 ms, catching up on any tick the timer was late for.
    const started = performance.now();
    const totalMs = seconds * 1000;
    const marks = [
      { at: 0.1, label: 'start of steady state (10 %)' },
      { at: 0.5, label: 'middle (50 %)' },
    ];
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const elapsed = performance.now() - started;
        const due = Math.min(
          Math.floor((Math.min(elapsed, totalMs) / 1000) * perSecond),
          seconds * perSecond,
        );
        while (sent + skipped < due) send();
        const mb = residentMb(child?.pid);
        peakMb = Math.max(peakMb, mb);
        while (marks.length && elapsed >= marks[0].at * totalMs) {
          memory.push({ at: marks[0].label, mb });
          marks.shift();
        }
        if (elapsed >= totalMs) {
          clearInterval(tick);
          resolve();
        }
      }, 50);
    });
    memory.push({ at: 'end (100 %)', mb: residentMb(child.pid) });
    while (pending.size) await Promise.all([...pending]);

    const byRoute = new Map<string, Sample[]>();
    for (const sample of samples) byRoute.set(sample.route, [...(byRoute.get(sample.route) ?? []), sample]);
    const latencies = (of: readonly Sample[]) =>
      of
        .filter((sample) => typeof sample.outcome === 'number')
        .map((sample) => sample.ms)
        .sort((a, b) => a - b);
    const errors = (of: readonly Sample[]) => of.filter((sample) => sample.outcome !== 200).length;
    const floor = percentile(latencies(byRoute.get(baseline) ?? []), 0.95);
    const rows = [...routes, 'all'].map((route) => {
      const of = route === 'all' ? samples : (byRoute.get(route) ?? []);
      const sorted = latencies(of);
      const p95 = percentile(sorted, 0.95);
      return [
        route,
        String(of.length),
        String(errors(of)),
        format(percentile(sorted, 0.5), 2),
        format(p95, 2),
        format(percentile(sorted, 0.99), 2),
        format(p95 / floor, 1),
      ];
    });
    const kinds = new Map<string, number>();
    for (const sample of samples)
      if (sample.outcome !== 200)
        kinds.set(String(sample.outcome), (kinds.get(String(sample.outcome)) ?? 0) + 1);
    const steady = memory[1]?.mb ?? Number.NaN;
    const end = memory[memory.length - 1].mb;
    const growth = ((end - steady) / steady) * 100;

    console.log(
      `\nSoak: ${seconds} s at ${perSecond} requests/s (${sent} sent, ${skipped} not sent: ${maxOutstanding} outstanding) ` +
        `on ${databaseUrl ? 'postgres' : 'pglite'}, ${clients} clients via a trusted proxy, rate limit ${perClientPerMinute}/min per client. ` +
        `Latency in ms; ratio = p95 against ${baseline}'s p95 in the same run.\n`,
    );
    console.log(table(['route', 'requests', 'errors', 'p50', 'p95', 'p99', 'ratio'], rows));
    const answered = samples.filter((sample) => sample.outcome === 200).length;
    console.log(
      `\nAnswered 200: ${answered} (${format(answered / seconds, 1)} a second, against ${perSecond} sent a second)`,
    );
    console.log(
      `Errors: ${errors(samples) + skipped} (goal 0)${kinds.size ? `: ${[...kinds].map(([kind, count]) => `${kind} ×${count}`).join(', ')}` : ''}`,
    );
    console.log('\nServer resident memory (MiB):');
    console.log(
      table(
        ['when', 'RSS'],
        [...memory.map((each) => [each.at, format(each.mb, 1)]), ['peak', format(peakMb, 1)]],
      ),
    );
    console.log(
      `Growth from the start of the steady state to the end: ${format(growth, 1)} % (goal under 10 %)`,
    );
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
