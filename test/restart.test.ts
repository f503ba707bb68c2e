/**
 * Restarting `tend serve` under load: a steady 50 requests a second (pages and API) on a server run
 * as its own process over a store in a folder (or a PostgreSQL database when `DATABASE_URL` is set),
 * then SIGTERM; once that process has exited (and so released the store), a new one on the same store
 * and port. No request may be refused for more than 2 s in a row, and none may be answered with a
 * 5xx. The load is a bounded loop of `fetch` to 127.0.0.1 that stops by itself.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importFile } from '../src/app/import-file.ts';
import { openStore } from '../src/store/db.ts';
import { dataDir, repoRoot } from './helpers/paths.ts';
import { tendStoreArgs, testBackend } from './helpers/test-store.ts';

/** Requests a second, and the longest run of refusals allowed. */
const perSecond = 50;
const longestRefusalMs = 2000;
/** How soon after it starts the new process must accept connections (it binds its port before Tend loads). */
const bindWithinMs = 1000;
/** A request not answered within this is counted as refused. */
const answerWithinMs = 20_000;

/** Pages and API routes the load cycles through. */
const routes = [
  '/health',
  '/',
  '/organisations',
  '/organisations?search=kent',
  '/organisations/RYY',
  '/metrics',
  '/systems',
  '/api/v1/metrics',
  '/api/v1/organisations?search=kent',
  '/api/v1/organisations/RYY',
];

interface Outcome {
  route: string;
  sentAt: number;
  doneAt: number;
  /** HTTP status, or undefined when the request was refused, reset or not answered in time. */
  status?: number;
  error?: string;
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Server {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startServer(storeArgs: readonly string[], port: number): Server {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'src', 'cli', 'main.ts'), ...storeArgs, 'serve', '--port', String(port)],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: '',
        LOG_LEVEL: 'warn',
        TEND_SESSION_SECRET: 'restart-test-secret-restart-test-secret',
        // One client sends every request here; the limit is not what this test measures.
        TEND_RATE_LIMIT_PER_MINUTE: '1000000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitUntilReady(base: string, server: Server, withinMs: number): Promise<void> {
  const deadline = performance.now() + withinMs;
  while (performance.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`tend serve exited early:\n${server.output()}`);
    try {
      const response = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`tend serve was not ready within ${withinMs} ms:\n${server.output()}`);
}

/** Sends one request every 1000/perSecond ms until `stop()`; resolves with every outcome once all have settled. */
function steadyLoad(base: string): { stop: () => Promise<Outcome[]> } {
  const outcomes: Outcome[] = [];
  const pending = new Set<Promise<void>>();
  let sent = 0;
  const send = () => {
    const route = routes[sent++ % routes.length];
    const sentAt = performance.now();
    const request = fetch(`${base}${route}`, { signal: AbortSignal.timeout(answerWithinMs) })
      .then(async (response) => {
        await response.arrayBuffer();
        outcomes.push({ route, sentAt, doneAt: performance.now(), status: response.status });
      })
      .catch((error: Error & { cause?: { code?: string } }) => {
        outcomes.push({
          route,
          sentAt,
          doneAt: performance.now(),
          error: error.cause?.code ?? error.name,
        });
      })
      .finally(() => pending.delete(request));
    pending.add(request);
  };
  const timer = setInterval(send, 1000 / perSecond);
  return {
    async stop() {
      clearInterval(timer);
      while (pending.size) await Promise.all([...pending]);
      return outcomes.sort((a, b) => a.sentAt - b.sentAt);
    },
  };
}

/** The longest time from a refused request to the next one answered, in send order. */
function longestRefusal(outcomes: readonly Outcome[]): { ms: number; from: number } {
  let longest = { ms: 0, from: 0 };
  let firstRefused: number | undefined;
  for (const outcome of outcomes) {
    if (outcome.status === undefined) firstRefused ??= outcome.sentAt;
    else if (firstRefused !== undefined) {
      if (outcome.sentAt - firstRefused > longest.ms)
        longest = { ms: outcome.sentAt - firstRefused, from: firstRefused };
      firstRefused = undefined;
    }
  }
  if (firstRefused !== undefined) {
    const last = outcomes[outcomes.length - 1].sentAt;
    if (last - firstRefused > longest.ms) longest = { ms: last - firstRefused, from: firstRefused };
  }
  return longest;
}

describe(`restarting tend serve under load (${testBackend})`, () => {
  let folder: string;
  let store: { args: string[]; drop(): Promise<void> };
  const running: Server[] = [];

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-restart-'));
    const pgdata = path.join(folder, 'pgdata');
    store = await tendStoreArgs(pgdata);
    const databaseUrl = store.args[0] === '--database-url' ? store.args[1] : undefined;
    // Organisations and a quarter of Oversight Framework data, so that pages and warm-up have work to do.
    const seed = await openStore({ databaseUrl, dataDir: pgdata });
    try {
      for (const file of [
        path.join(dataDir, 'ods-trusts-2025', 'etr.csv'),
        path.join(dataDir, 'ods-trusts-2025', 'trust_region_icb_lookup.csv'),
        path.join(
          dataDir,
          'nhse-nof-2025-26-mh-community',
          'nhs-oversight-framework-mental-health-and-community-trust-league-table.csv',
        ),
      ])
        assert.equal((await importFile(seed.db, file)).outcome, 'imported', file);
    } finally {
      await seed.close();
    }
  });

  after(async () => {
    for (const server of running) if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await store.drop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('refuses no request for more than 2 s in a row and answers none with a 5xx', {
    timeout: 60_000,
  }, async (t) => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = startServer(store.args, port);
    running.push(first);
    await waitUntilReady(base, first, 30_000);

    const load = steadyLoad(base);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const stoppedAt = performance.now();
    first.child.kill('SIGTERM');
    // The old process must have released the store (the embedded database is one process's).
    const firstExit = await first.exited;
    const exitedAt = performance.now();
    const second = startServer(store.args, port);
    const secondStartedAt = performance.now();
    running.push(second);
    await waitUntilReady(base, second, 30_000);
    const readyAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const outcomes = await load.stop();
    second.child.kill('SIGTERM');
    const secondExit = await second.exited;

    const refused = outcomes.filter((outcome) => outcome.status === undefined);
    const serverErrors = outcomes.filter((outcome) => (outcome.status ?? 0) >= 500);
    const longest = longestRefusal(outcomes);
    const slowest = Math.max(...outcomes.map((outcome) => outcome.doneAt - outcome.sentAt));
    t.diagnostic(
      `${outcomes.length} requests; SIGTERM to exit ${Math.round(exitedAt - stoppedAt)} ms; new process ready ${Math.round(readyAt - exitedAt)} ms after; ` +
        `${refused.length} refused (${[...new Set(refused.map((each) => each.error))].join(', ') || 'none'}), longest run ${Math.round(longest.ms)} ms; ` +
        `slowest answer ${Math.round(slowest)} ms; ${serverErrors.length} 5xx`,
    );
    assert.equal(firstExit, 0, `the first process stops cleanly on SIGTERM:\n${first.output()}`);
    assert.equal(secondExit, 0, `the second process stops cleanly on SIGTERM:\n${second.output()}`);
    assert.ok(outcomes.length >= perSecond * 4, `the load ran throughout (${outcomes.length} requests)`);
    assert.ok(
      longest.ms <= longestRefusalMs,
      `requests were refused for ${Math.round(longest.ms)} ms in a row, from ${Math.round(longest.from - stoppedAt)} ms after SIGTERM`,
    );
    const refusedLate = refused.filter((outcome) => outcome.sentAt > secondStartedAt + bindWithinMs);
    assert.deepEqual(
      refusedLate.map(
        (each) => `${Math.round(each.sentAt - secondStartedAt)} ms: ${each.route} ${each.error}`,
      ),
      [],
      `no request is refused more than ${bindWithinMs} ms after the new process started: it listens at once`,
    );
    assert.deepEqual(
      serverErrors.map((each) => `${each.route} ${each.status}`),
      [],
      'no request is answered with a 5xx',
    );
    const unexpected = outcomes.filter((outcome) => outcome.status !== undefined && outcome.status !== 200);
    assert.deepEqual(
      unexpected.map((each) => `${each.route} ${each.status}`),
      [],
      'every answered request is answered in full',
    );
    assert.ok(
      outcomes.some((outcome) => outcome.status === 200 && outcome.sentAt > exitedAt),
      'the new process served requests',
    );
  });
});
