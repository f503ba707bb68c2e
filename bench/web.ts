/**
 * Benchmark of Tend's web server: the app over a store loaded with the bundled demo data,
 * listening on a loopback port, loaded by autocannon with 20 connections for 10 seconds per route.
 * Measures an organisation page and a league table against `/health` (one tiny query, the floor
 * of a request through the same stack) measured in the same run, on PGlite and, when a server
 * answers, PostgreSQL. Ratio = the route's p95 latency over `/health`'s.
 *
 * Signed in: the same organisation page fetched with a session cookie (rendered per request, never
 * kept), while a writer posts narratives through the API at 5 per second; and the time one
 * sign-in spends (argon2id hashing), against the 100–500 ms aim.
 *
 * Run with `npm run bench -- web`. `TEND_BENCH_SECONDS` and `TEND_BENCH_CONNECTIONS` shorten or
 * widen the runs; PostgreSQL is `DATABASE_URL`, else a scratch database on
 * postgres://postgres@127.0.0.1:5432 (or `TEND_BENCH_ADMIN_URL`), dropped afterwards.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createToken } from '../src/app/accounts/tokens.ts';
import { addUser, grantRole } from '../src/app/accounts/users.ts';
import { loadDemoData } from '../src/cli/commands/serve.ts';
import { operator } from '../src/policies/actor.ts';
import { openStore, type Store } from '../src/store/db.ts';
import { buildApp } from '../src/web/app.ts';
import { warmUpPages } from '../src/web/server.ts';
import { format, scratchDatabase, table } from './support.ts';

/** A latency in ms, or '-' when no request completed in the run. */
const ms = (value: number) => (Number.isNaN(value) ? '-' : format(value, 2));

/** The load generator: autocannon in a process of its own (bench/load-generator.ts). */
const loadGenerator = fileURLToPath(new URL('./load-generator.ts', import.meta.url));

/** Runs the load generator against `url` and returns its latencies and totals. */
export function generateLoad(options: {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
}): Promise<{ latencies: number[]; requestsPerSecond: number; errors: number; non2xx: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [loadGenerator, JSON.stringify(options)],
      { maxBuffer: 256 * 1024 * 1024 },
      (error, stdout) => {
        if (error) reject(error);
        else resolve(JSON.parse(stdout));
      },
    );
  });
}

const baseline = '/health';
/** The two pages the web aim names first, then one of each other heavy page type. */
const routes = [
  '/organisations/RYY',
  '/league-tables/mental-health-and-community-trust',
  '/',
  '/organisations/RYY/metrics/OF5002',
  '/metrics/ae-4hr-type1',
  '/systems/QKS',
  '/regions/Y59',
  '/changes',
  '/organisations?search=kent',
];

/**
 * Every page type, each with addresses no one has visited yet: the first visits after the server
 * is ready (`warmUpPages`, as `tend serve` and `tend demo` do before they say so) are timed once each.
 */
export const firstVisitPages: readonly (readonly [type: string, urls: readonly string[]])[] = [
  ['home', ['/']],
  ['organisation list', ['/organisations']],
  [
    'search',
    ['/organisations?search=kent', '/organisations?search=GSTT', '/organisations?search=Adenbrookes'],
  ],
  [
    'organisation',
    [
      '/organisations/RYY',
      '/organisations/RXT',
      '/organisations/RJ1',
      '/organisations/RVV',
      '/organisations/QKS',
    ],
  ],
  [
    'organisation, earlier quarter',
    ['/organisations/RYY?quarter=Q1%202025%2F26', '/organisations/RXT?quarter=Q2%202025%2F26'],
  ],
  [
    'chart',
    [
      '/organisations/RYY/metrics/OF5002',
      '/organisations/RJ1/metrics/ae-4hr-type1',
      '/organisations/RVV/metrics/ae-4hr-all',
    ],
  ],
  ['metric list', ['/metrics']],
  ['metric', ['/metrics/ae-4hr-type1', '/metrics/ae-4hr-all', '/metrics/OF5002']],
  [
    'league tables',
    [
      '/league-tables',
      '/league-tables/mental-health-and-community-trust',
      '/league-tables?quarter=Q1%202025%2F26',
    ],
  ],
  ['system list', ['/systems']],
  ['system', ['/systems/QKS', '/systems/QOP', '/systems/QMJ']],
  ['region list', ['/regions']],
  ['region', ['/regions/Y59', '/regions/Y56', '/regions/Y60']],
  ['what changed', ['/changes', '/changes?quarter=Q2%202025%2F26']],
  ['signals', ['/signals']],
  ['API documentation', ['/api/docs']],
];

/**
 * The first visit of every page type right after warm-up: each address of `firstVisitPages` fetched
 * once, one after another, on the server at `address` (routes the app does not have are left out).
 * One row per page type (p50, p95 and p99 over its addresses) and one over every first visit.
 */
async function firstVisits(address: string, routeUrls: ReadonlySet<string>): Promise<RouteResult[]> {
  const rows: RouteResult[] = [];
  const all: number[] = [];
  let allFailures = 0;
  for (const [type, urls] of firstVisitPages) {
    const area = `/${new URL(urls[0], address).pathname.split('/')[1]}`;
    if (![...routeUrls].some((url) => url === area || url.startsWith(`${area}/`))) continue;
    const times: number[] = [];
    let failures = 0;
    for (const url of urls) {
      const started = performance.now();
      const response = await fetch(`${address}${url}`);
      await response.arrayBuffer();
      times.push(performance.now() - started);
      if (response.status !== 200) failures++;
    }
    all.push(...times);
    allFailures += failures;
    times.sort((a, b) => a - b);
    rows.push({
      route: `first visit: ${type} (${urls.length})`,
      p50: percentile(times, 0.5),
      p95: percentile(times, 0.95),
      p99: percentile(times, 0.99),
      requestsPerSecond: Number.NaN,
      errors: 0,
      non2xx: failures,
    });
  }
  all.sort((a, b) => a - b);
  rows.push({
    route: `first visits, every page type (${all.length}; aim: p95 under 1,000 ms)`,
    p50: percentile(all, 0.5),
    p95: percentile(all, 0.95),
    p99: percentile(all, 0.99),
    requestsPerSecond: Number.NaN,
    errors: 0,
    non2xx: allFailures,
  });
  return rows;
}

interface RouteResult {
  route: string;
  p50: number;
  p95: number;
  p99: number;
  requestsPerSecond: number;
  errors: number;
  non2xx: number;
}

/** The value at `fraction` of sorted samples (nearest rank). */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

async function load(
  url: string,
  connections: number,
  seconds: number,
  headers?: Record<string, string>,
  label?: string,
): Promise<RouteResult> {
  const result = await generateLoad({ url, connections, seconds, ...(headers ? { headers } : {}) });
  const latencies = result.latencies;
  latencies.sort((a, b) => a - b);
  return {
    route: label ?? new URL(url).pathname,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    requestsPerSecond: result.requestsPerSecond,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

async function benchStore(
  store: Store,
  options: { connections: number; seconds: number },
): Promise<RouteResult[]> {
  await loadDemoData(store, undefined, () => true);
  // No rate limit: the benchmark is one client asking as fast as it can.
  const app = await buildApp({
    store,
    config: { logLevel: 'silent' },
    rateLimitPerMinute: Number.MAX_SAFE_INTEGER,
    signInPerMinute: Number.MAX_SAFE_INTEGER,
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    // What `tend serve` prepares before it says it is ready, then the first visit of every page type.
    const warming = performance.now();
    await warmUpPages(app);
    process.stderr.write(
      `  warm-up before ready: ${Math.round(performance.now() - warming)} ms; first visits…\n`,
    );
    const firstVisitRows = await firstVisits(address, new Set(app.routeList.map((route) => route.url)));
    // Warm up: JIT, template cache, connection pool, and the assessment the pages reuse.
    for (const route of [baseline, ...routes]) {
      const response = await fetch(`${address}${route}`);
      if (response.status !== 200) throw new Error(`${route} answered ${response.status}`);
      await load(`${address}${route}`, options.connections, Math.min(2, options.seconds));
    }
    const results: RouteResult[] = [];
    for (const route of [baseline, ...routes]) {
      if (route === routes[0]) results.push(...firstVisitRows);
      process.stderr.write(`  ${route} for ${options.seconds} s…\n`);
      results.push(await load(`${address}${route}`, options.connections, options.seconds));
    }
    results.push(...(await signedInRuns(store, address, options)));
    return results;
  } finally {
    await app.close();
  }
}

/** The password of the bench's accounts (passes the rules). */
const benchPassword = 'bench-harbour-lantern-42';

/** Signs in through the form and returns the session cookie, timing the sign-in request. */
async function signInOverHttp(address: string, email: string): Promise<{ cookie: string; ms: number }> {
  const page = await fetch(`${address}/sign-in`);
  const first = page.headers.getSetCookie().map((each) => each.split(';')[0]);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const started = performance.now();
  const response = await fetch(`${address}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: first.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: benchPassword, _csrf: csrf }).toString(),
  });
  const ms = performance.now() - started;
  if (response.status !== 303) throw new Error(`sign-in answered ${response.status}`);
  const cookie = response.headers.getSetCookie().map((each) => each.split(';')[0]);
  return { cookie: cookie.join('; '), ms };
}

/**
 * The organisation page signed in and anonymous while a writer posts a narrative through the API
 * five times a second, and the time of a sign-in (median of five).
 */
async function signedInRuns(
  store: Store,
  address: string,
  options: { connections: number; seconds: number },
): Promise<RouteResult[]> {
  const context = { db: store.db, actor: operator('bench'), clock: () => new Date() };
  const reader = `reader-${Date.now()}@example.nhs.uk`;
  const writer = `writer-${Date.now()}@example.nhs.uk`;
  await addUser(context, { email: reader, name: 'Bench reader', password: benchPassword });
  await grantRole(context, { email: reader, role: 'member', scopeKind: 'organisation', scopeCode: 'RYY' });
  await addUser(context, { email: writer, name: 'Bench writer' });
  await grantRole(context, {
    email: writer,
    role: 'contributor',
    scopeKind: 'organisation',
    scopeCode: 'RYY',
  });
  const { secret } = await createToken(context, { email: writer, name: 'bench' });

  const signIns: number[] = [];
  let cookie = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const signedIn = await signInOverHttp(address, reader);
    signIns.push(signedIn.ms);
    cookie = signedIn.cookie;
  }
  signIns.sort((a, b) => a - b);

  let written = 0;
  let writeFailures = 0;
  const writing = setInterval(() => {
    written++;
    fetch(`${address}/api/v1/narratives`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        org: 'RYY',
        metric: 'OF5002',
        kind: 'metric_commentary',
        title: `Bench commentary ${written}`,
        body: 'What the chart shows, why, what we are doing, and the risks.',
        visibility: written % 2 ? 'public' : 'organisation',
        status: 'published',
      }),
    }).then(
      (response) => {
        if (response.status !== 201) writeFailures++;
        return response.arrayBuffer();
      },
      () => writeFailures++,
    );
  }, 200);
  try {
    const page = '/organisations/RYY';
    process.stderr.write(
      `  ${page} signed in and anonymous, narratives written at 5/s, ${options.seconds} s each…\n`,
    );
    const signedInPage = await load(
      `${address}${page}`,
      options.connections,
      options.seconds,
      { cookie },
      `${page} (signed in, writes 5/s)`,
    );
    const anonymousPage = await load(
      `${address}${page}`,
      options.connections,
      options.seconds,
      undefined,
      `${page} (anonymous, writes 5/s)`,
    );
    return [
      signedInPage,
      anonymousPage,
      {
        route: `sign-in (median of 5; ${written} narratives written, ${writeFailures} failed)`,
        p50: signIns[2],
        p95: signIns[4],
        p99: signIns[4],
        requestsPerSecond: Number.NaN,
        errors: 0,
        non2xx: 0,
      },
    ];
  } finally {
    clearInterval(writing);
  }
}

/** Web server latency and throughput on PGlite and, when a server answers, PostgreSQL. */
export async function runWebBench(options: { connections?: number; seconds?: number } = {}): Promise<void> {
  const connections = options.connections ?? Number(process.env.TEND_BENCH_CONNECTIONS ?? 20);
  const seconds = options.seconds ?? Number(process.env.TEND_BENCH_SECONDS ?? 10);
  const server = process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, drop: async () => {} }
    : await scratchDatabase('tend_bench_web');
  if (!server)
    process.stderr.write('No PostgreSQL server answered (set DATABASE_URL); measuring PGlite only.\n');

  const rows: string[][] = [];
  try {
    for (const backend of server ? (['pglite', 'postgres'] as const) : (['pglite'] as const)) {
      process.stderr.write(`Loading the demo data into ${backend}…\n`);
      const store = await openStore({
        databaseUrl: backend === 'postgres' ? server?.url : undefined,
        dataDir: 'memory://',
      });
      try {
        const results = await benchStore(store, { connections, seconds });
        const floor = results[0].p95;
        for (const result of results)
          rows.push([
            result.route,
            backend,
            ms(result.p50),
            ms(result.p95),
            ms(result.p99),
            format(result.requestsPerSecond, 0),
            String(result.errors),
            String(result.non2xx),
            Number.isNaN(result.p95) ? '-' : format(result.p95 / floor, 1),
          ]);
      } finally {
        await store.close();
      }
    }
  } finally {
    await server?.drop();
  }
  console.log(
    `\nWeb server: ${connections} connections for ${seconds} s per route (latency in ms; ratio = p95 against ${baseline}'s p95 on the same store)\n`,
  );
  console.log(
    table(['route', 'store', 'p50', 'p95', 'p99', 'requests/s', 'errors', 'non-2xx', 'ratio'], rows),
  );
}
