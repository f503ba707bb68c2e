/**
 * National practice scale: a synthetic national store of GP practices on PostgreSQL, at three sizes
 * (1× = a tenth of national, 630 practices; 3×; 10× = national, 6,300 practices and about 15 M
 * observations: 20 metrics × 120 months), each in a scratch database dropped afterwards.
 *
 * For each size: generating and loading the store (`COPY … FROM STDIN`), bumping the data parts'
 * versions, computing every signal and keeping each metric's readings and candidates as an import
 * does; then `tend serve` started as a process of its own on that database — its resident memory
 * (VmHWM, VmRSS), the time to `/health/ready`, the first visit of every page type (cold) and each
 * page's p95 under 20 connections (warm, the load generator in its own process); and `tend spc
 * --metric X --all` end to end against PostgreSQL returning the same rows (`copy (select …) to
 * stdout`). Then how each cost grows from 1× against the data's own growth.
 *
 * Goals: server memory under 1 GB; every page cold under 1 s and warm p95 under 100 ms; `tend spc
 * --all` within 3 × PostgreSQL's time; no cost growing faster than the data.
 *
 * Run with `npm run bench -- practice-scale` (only when named). `TEND_BENCH_PRACTICE_SIZES` picks the
 * sizes (default `1,3,10`), `TEND_BENCH_SECONDS` the seconds of each warm run (default 5),
 * `TEND_BENCH_CONNECTIONS` the connections (default 20).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { demoFiles } from '../src/app/demo-data.ts';
import { importFile } from '../src/app/import-file.ts';
import { keepMetricResults } from '../src/app/kept-metric-results.ts';
import { computeSignals } from '../src/app/signals/compute.ts';
import { openStore, type Store } from '../src/store/db.ts';
import { bumpStoreVersion } from '../src/store/repos/version-repo.ts';
import { dataDir } from '../test/helpers/paths.ts';
import { format, scratchDatabase, seededRandom, table } from './support.ts';
import { generateLoad, percentile } from './web.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const practicesAt1x = 630;
const months = 120;
const metricCount = 20;
/** The last month of the synthetic series. */
const lastMonth = { year: 2026, month: 9 };
const publication = 'Synthetic national practice benchmark';

/**
 * A synthetic practice's ODS code: `SYN` and five digits. Tend's ODS code pattern accepts it (2–10
 * letters and digits), but no real code has this shape: GP practice codes are one letter and five
 * digits (A81001), trusts three characters (RYY), their sites five (RYY01), ICBs and regions three.
 */
const practiceCode = (index: number) => `SYN${String(index + 1).padStart(5, '0')}`;

interface SyntheticMetric {
  id: string;
  name: string;
  unit: string;
  direction: 'higher_is_better' | 'lower_is_better' | 'neutral';
  /** Typical level and spread between practices, and month-to-month noise. */
  level: number;
  spread: number;
  noise: number;
  /** A rate with a numerator and denominator (denominator about this size). */
  denominator?: number;
}

/** Twenty synthetic metrics: eight rates with numerator and denominator, eight per-1,000 rates, four counts. */
const syntheticMetrics: readonly SyntheticMetric[] = Array.from({ length: metricCount }, (_, index) => {
  const id = `syn-gp-${String(index + 1).padStart(2, '0')}`;
  if (index < 8)
    return {
      id,
      name: `Synthetic practice rate ${index + 1}`,
      unit: '%',
      direction: index % 2 === 0 ? 'higher_is_better' : 'lower_is_better',
      level: 40 + index * 5,
      spread: 6,
      noise: 2,
      denominator: 400 + index * 50,
    };
  if (index < 16)
    return {
      id,
      name: `Synthetic practice rate per 1,000 patients ${index - 7}`,
      unit: 'per 1,000',
      direction: index % 2 === 0 ? 'lower_is_better' : 'higher_is_better',
      level: 20 + index,
      spread: 4,
      noise: 1.5,
    };
  return {
    id,
    name: `Synthetic practice count ${index - 15}`,
    unit: 'count',
    direction: 'neutral',
    level: 300 + index * 10,
    spread: 60,
    noise: 15,
  };
});

/** The first day and last day of the month `offset` months before the last. */
function monthAt(offset: number): { start: string; end: string } {
  const index = lastMonth.year * 12 + (lastMonth.month - 1) - offset;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const end = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const mm = String(month).padStart(2, '0');
  return { start: `${year}-${mm}-01`, end: `${year}-${mm}-${end}` };
}

/** An approximately normal draw (the sum of four uniforms, centred and scaled). */
function normal(random: () => number): number {
  return (random() + random() + random() + random() - 2) * 1.73;
}

/** The ICB and region pairs trusts belong to after the ODS import: the practices are spread across them. */
async function icbsWithRegions(store: Store): Promise<{ icb: string; region: string }[]> {
  const result = await sql<{ icb: string; region: string }>`
    select distinct icb.parent_code as icb, region.parent_code as region
    from membership icb
    join membership region on region.member_code = icb.parent_code and region.relation = 'region'
    where icb.relation = 'icb_ods'
    order by 1`.execute(store.db);
  if (result.rows.length > 0) return result.rows;
  const trusts = await sql<{ icb: string; region: string }>`
    select distinct icb.parent_code as icb, region.parent_code as region
    from membership icb
    join membership region on region.member_code = icb.member_code and region.relation = 'region'
    where icb.relation = 'icb_ods'
    order by 1`.execute(store.db);
  return trusts.rows;
}

/** Streams text to a `COPY … FROM STDIN` on a connection of its own. */
async function copyLines(url: string, statement: string, lines: Iterable<string>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const stream = client.query(copyFrom(statement));
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    let buffer = '';
    for (const line of lines) {
      buffer += line;
      if (buffer.length > 1 << 20) {
        if (!stream.write(buffer)) await new Promise((resolve) => stream.once('drain', resolve));
        buffer = '';
      }
    }
    stream.end(buffer);
    await done;
  } finally {
    await client.end();
  }
}

/**
 * Every observation of the synthetic store as COPY text lines: each practice × metric a level with
 * noise; about one series in six shifts by three sigma within the last two years (a third of those
 * at the very end), one in ten trends over its last three years, so SPC finds concerns and improvements.
 */
function* observationLines(practices: number, batchId: number): Generator<string> {
  const random = seededRandom(20261201);
  const periods = Array.from({ length: months }, (_, index) => monthAt(months - 1 - index));
  for (let practice = 0; practice < practices; practice++) {
    const code = practiceCode(practice);
    for (const metric of syntheticMetrics) {
      const base = metric.level + normal(random) * metric.spread;
      const pick = random();
      const shiftAt =
        pick < 0.06
          ? months - 1 - Math.floor(random() * 3)
          : pick < 0.17
            ? months - 24 + Math.floor(random() * 21)
            : -1;
      const shift = (random() < 0.5 ? -3 : 3) * metric.noise;
      const trend = random() < 0.1 ? (random() < 0.5 ? -1 : 1) * metric.noise * 0.15 : 0;
      const size = metric.denominator ? Math.round(metric.denominator * (0.6 + random() * 0.8)) : 0;
      for (let index = 0; index < months; index++) {
        let value = base + normal(random) * metric.noise;
        if (shiftAt >= 0 && index >= shiftAt) value += shift;
        if (trend !== 0 && index >= months - 36) value += trend * (index - (months - 36));
        const period = periods[index];
        let numerator = '\\N';
        let denominator = '\\N';
        if (metric.denominator) {
          const denominatorValue = Math.max(1, size + Math.round(normal(random) * 10));
          const share = Math.min(1, Math.max(0, value / 100));
          const numeratorValue = Math.round(share * denominatorValue);
          value = (100 * numeratorValue) / denominatorValue;
          numerator = String(numeratorValue);
          denominator = String(denominatorValue);
        } else if (metric.unit === 'count') value = Math.max(0, Math.round(value));
        else value = Math.max(0, Math.round(value * 100) / 100);
        yield `${code}\t${metric.id}\t${period.start}\t${period.end}\tmonth\t${value}\t${numerator}\t${denominator}\treported\t${batchId}\t${publication}\n`;
      }
    }
  }
}

export interface Generated {
  practices: number;
  observations: number;
  organisationsMs: number;
  copyMs: number;
  versionsMs: number;
  signalsMs: number;
  /** Keeping each metric's readings and candidates, as an import does after its signals. */
  keptMs: number;
  signals: string;
  metric: string;
  practice: string;
  icb: string;
  region: string;
}

/** Imports the bundled ODS files, then writes the practices, memberships, metrics and observations. */
export async function generateStore(url: string, multiple: number): Promise<Generated> {
  const practices = practicesAt1x * multiple;
  const store = await openStore({ databaseUrl: url, dataDir: 'memory://' });
  try {
    for (const file of demoFiles(dataDir).filter((each) => each.includes('ods-trusts-2025'))) {
      const result = await importFile(store, file, { computeSignals: false });
      if (result.outcome !== 'imported') throw new Error(`${file} was not imported`);
    }
    const pairs = await icbsWithRegions(store);
    if (pairs.length === 0) throw new Error('the ODS import gave no ICBs with regions');
    const organisationsStarted = performance.now();
    await copyLines(
      url,
      'copy organisation (code, name, kind, postcode, opened_on, source) from stdin',
      Array.from(
        { length: practices },
        (_, index) =>
          `${practiceCode(index)}\tSynthetic Practice ${index + 1}\tother_provider\t\\N\t2010-04-01\t${publication}\n`,
      ),
    );
    await copyLines(
      url,
      'copy membership (member_code, parent_code, relation, valid_from, source) from stdin',
      Array.from({ length: practices }, (_, index) => {
        const pair = pairs[index % pairs.length];
        return [
          `${practiceCode(index)}\t${pair.icb}\ticb_ods\t2010-04-01\t${publication}\n`,
          `${practiceCode(index)}\t${pair.region}\tregion\t2010-04-01\t${publication}\n`,
        ].join('');
      }),
    );
    await store.db
      .insertInto('metric')
      .values(
        syntheticMetrics.map((metric) => ({
          id: metric.id,
          name: metric.name,
          description: `${metric.name} (synthetic, for the practice-scale benchmark).`,
          unit: metric.unit,
          direction: metric.direction,
          domain: 'Synthetic primary care',
          subdomain: null,
          source_publication: publication,
          numerator_definition: metric.denominator ? 'Synthetic numerator' : null,
          denominator_definition: metric.denominator ? 'Synthetic denominator' : null,
          builtin: false,
        })),
      )
      .execute();
    const now = new Date();
    const batch = await store.db
      .insertInto('import_batch')
      .values({
        file_name: 'practice-scale.synthetic',
        content_hash: `practice-scale-${multiple}`,
        format: 'synthetic',
        publication,
        edition: null,
        row_count: practices * metricCount * months,
        observation_count: practices * metricCount * months,
        inserted_count: practices * metricCount * months,
        updated_count: 0,
        unchanged_count: 0,
        imported_by: 'bench',
        issues: '[]',
        outcome: 'imported',
        started_at: now,
        finished_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const organisationsMs = performance.now() - organisationsStarted;

    const copyStarted = performance.now();
    await copyLines(
      url,
      'copy observation (org_code, metric_id, period_start, period_end, granularity, value, numerator, denominator, status, batch_id, publication) from stdin',
      observationLines(practices, batch.id),
    );
    // As autovacuum would soon after a bulk load: the visibility map lets reads use the covering index
    // alone, and the rows' hint bits are set once here rather than by whichever reader comes first.
    await sql`vacuum (analyze) observation`.execute(store.db);
    const copyMs = performance.now() - copyStarted;

    const versionsStarted = performance.now();
    await store.db.transaction().execute((trx) =>
      bumpStoreVersion(trx, {
        data: { parts: ['reference', ...syntheticMetrics.map((metric) => `metric:${metric.id}`)] },
      }),
    );
    const versionsMs = performance.now() - versionsStarted;
    process.stderr.write(`  computing signals…\n`);
    const signals = await computeSignals(store.db, () => new Date(), {
      metricIds: syntheticMetrics.map((metric) => metric.id),
    });
    process.stderr.write(`  keeping each metric's readings and candidates…\n`);
    const kept = await keepMetricResults(
      store.db,
      syntheticMetrics.map((metric) => metric.id),
    );
    const concern = await store.db
      .selectFrom('signal')
      .select(['org_code', 'metric_id'])
      .where('kind', '=', 'concern')
      .where('closed_at', 'is', null)
      // the last such practice by code: warm-up renders a page of the first practice holding the first metric
      .orderBy('org_code', 'desc')
      .limit(1)
      .executeTakeFirst();
    const home = await store.db
      .selectFrom('membership')
      .select(['parent_code', 'relation'])
      .where('member_code', '=', concern?.org_code ?? practiceCode(0))
      .execute();
    return {
      practices,
      observations: practices * metricCount * months,
      organisationsMs,
      copyMs,
      versionsMs,
      signalsMs: signals.milliseconds,
      keptMs: kept.milliseconds,
      signals: `${signals.episodes} episodes`,
      metric: concern?.metric_id ?? syntheticMetrics[0].id,
      practice: concern?.org_code ?? practiceCode(0),
      icb: home.find((row) => row.relation === 'icb_ods')?.parent_code ?? pairs[0].icb,
      region: home.find((row) => row.relation === 'region')?.parent_code ?? pairs[0].region,
    };
  } finally {
    await store.close();
  }
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A process's peak and current resident memory in MiB (VmHWM, VmRSS), or NaN. */
function memoryOf(pid: number | undefined): { peakMb: number; rssMb: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1]);
    return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
  } catch {
    return { peakMb: Number.NaN, rssMb: Number.NaN };
  }
}

/** The seconds a command takes, its output thrown away. */
function timeCommand(command: string, args: readonly string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: repoRoot, maxBuffer: 1 << 30, env: { ...process.env, LOG_LEVEL: 'warn' } },
      (error) => {
        if (error) reject(error);
        else resolve((performance.now() - started) / 1000);
      },
    );
  });
}

interface SizeResult {
  generated: Generated;
  readyMs: number;
  memory: { peakMb: number; rssMb: number };
  pages: { type: string; url: string; coldMs: number; status: number; warmP95: number }[];
  spcSeconds: number;
  postgresSeconds: number;
}

/** Starts `tend serve` on the database and measures memory, readiness, every page type and `tend spc --all`. */
export async function measureServer(url: string, generated: Generated, connections: number, seconds: number) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const started = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(repoRoot, 'src', 'cli', 'main.ts'), '--database-url', url, 'serve', '--port', String(port)],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        TEND_SESSION_SECRET: 'practice-scale-bench-secret-practice-scale',
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
  try {
    let readyMs = Number.NaN;
    const deadline = performance.now() + 900_000;
    while (performance.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`tend serve exited:\n${output}`);
      try {
        const response = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(5000) });
        await response.arrayBuffer();
        if (response.status === 200) {
          readyMs = performance.now() - started;
          break;
        }
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    process.stderr.write(`  ready after ${format(readyMs / 1000)} s; first visits…\n`);
    const pageTypes: [string, string][] = [
      ['home', '/'],
      ['organisation list', '/organisations'],
      ['search', '/organisations?search=synthetic%20practice%2012'],
      ['practice', `/organisations/${generated.practice}`],
      ['practice chart', `/organisations/${generated.practice}/metrics/${generated.metric}`],
      ['metric', `/metrics/${generated.metric}`],
      ['system', `/systems/${generated.icb}`],
      ['region', `/regions/${generated.region}`],
      ['signals', '/signals'],
      ['league tables', '/league-tables'],
      ['what changed', '/changes'],
    ];
    const pages: SizeResult['pages'] = [];
    for (const [type, page] of pageTypes) {
      const visit = performance.now();
      let status = 0;
      try {
        const response = await fetch(`${base}${page}`, { signal: AbortSignal.timeout(600_000) });
        await response.arrayBuffer();
        status = response.status;
      } catch {}
      pages.push({ type, url: page, coldMs: performance.now() - visit, status, warmP95: Number.NaN });
      process.stderr.write(`    ${type}: ${Math.round(pages.at(-1)?.coldMs ?? 0)} ms (${status})\n`);
    }
    for (const page of pages) {
      if (page.status !== 200) continue;
      const result = await generateLoad({ url: `${base}${page.url}`, connections, seconds });
      result.latencies.sort((a, b) => a - b);
      page.warmP95 = percentile(result.latencies, 0.95);
    }
    const memory = memoryOf(child.pid);
    return { readyMs, memory, pages };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

/** `tend spc --metric X --all` end to end, and PostgreSQL returning the same rows (the median of three each). */
async function spcAgainstPostgres(url: string, metric: string): Promise<{ spc: number; postgres: number }> {
  const median = async (run: () => Promise<number>) => {
    const times = [await run(), await run(), await run()].sort((a, b) => a - b);
    return times[1];
  };
  const spc = await median(() =>
    timeCommand(process.execPath, [
      path.join(repoRoot, 'src', 'cli', 'main.ts'),
      '--database-url',
      url,
      'spc',
      '--metric',
      metric,
      '--all',
    ]),
  );
  const postgres = await median(() =>
    timeCommand('psql', [
      url,
      '-q',
      '-c',
      `copy (select org_code, period_start, value from observation where metric_id = '${metric}' order by org_code, period_start) to stdout`,
      '-o',
      '/dev/null',
    ]),
  );
  return { spc, postgres };
}

const ms = (value: number) => (Number.isNaN(value) ? '-' : format(value, 0));

/** The practice-scale scenario at each size, a table per size and one of growth. */
export async function runPracticeScaleBench(): Promise<void> {
  const sizes = (process.env.TEND_BENCH_PRACTICE_SIZES ?? '1,3,10').split(',').map(Number);
  const connections = Number(process.env.TEND_BENCH_CONNECTIONS ?? 20);
  const seconds = Number(process.env.TEND_BENCH_SECONDS ?? 5);
  const results = new Map<number, SizeResult>();
  for (const size of sizes) {
    const database = await scratchDatabase(`tend_bench_practice_${size}x`);
    if (!database) {
      process.stderr.write(
        'No PostgreSQL server answered (TEND_BENCH_ADMIN_URL); the practice scale needs one.\n',
      );
      return;
    }
    try {
      process.stderr.write(`${size}×: generating ${practicesAt1x * size} practices…\n`);
      const generated = await generateStore(database.url, size);
      process.stderr.write(`  ${size}×: ${generated.observations} observations; starting tend serve…\n`);
      const served = await measureServer(database.url, generated, connections, seconds);
      const { spc, postgres } = await spcAgainstPostgres(database.url, generated.metric);
      const result: SizeResult = { generated, ...served, spcSeconds: spc, postgresSeconds: postgres };
      results.set(size, result);
      printSize(size, result);
    } finally {
      await database.drop();
    }
  }
  printGrowth(results);
}

function printSize(size: number, result: SizeResult): void {
  const { generated } = result;
  console.log(
    `\nPractice scale ${size}×: ${generated.practices.toLocaleString('en-GB')} practices, ${generated.observations.toLocaleString('en-GB')} observations (load ${fs.readFileSync('/proc/loadavg', 'utf8').trim()})\n`,
  );
  const rows: string[][] = [
    ['organisations, memberships, metrics (COPY)', ms(generated.organisationsMs), '', ''],
    ['observations (COPY, then analyze)', ms(generated.copyMs), '', ''],
    ['data part versions bumped', ms(generated.versionsMs), '', ''],
    [`every signal computed (${generated.signals})`, ms(generated.signalsMs), '', ''],
    ['readings and candidates kept', ms(generated.keptMs), '', ''],
    ['tend serve: start to /health/ready', ms(result.readyMs), '', ''],
    [
      'tend serve: memory, peak / now (MiB; aim under 1,024)',
      `${format(result.memory.peakMb, 0)} / ${format(result.memory.rssMb, 0)}`,
      '',
      '',
    ],
    ...result.pages.map((page) => [
      `${page.type} ${page.url}${page.status === 200 ? '' : ` (answered ${page.status})`}`,
      ms(page.coldMs),
      ms(page.warmP95),
      '',
    ]),
    [
      `tend spc --metric ${generated.metric} --all (s; aim within 3 × PostgreSQL)`,
      format(result.spcSeconds * 1000, 0),
      '',
      format(result.spcSeconds / result.postgresSeconds, 1),
    ],
    [
      'PostgreSQL returning the same rows (copy to stdout)',
      format(result.postgresSeconds * 1000, 0),
      '',
      '1.0',
    ],
  ];
  console.log(table(['what (ms)', 'cold / once', 'warm p95', 'ratio'], rows));
}

function printGrowth(results: Map<number, SizeResult>): void {
  const base = results.get(1);
  if (!base || results.size < 2) return;
  const sizes = [...results.keys()].filter((size) => size !== 1);
  const costs: [string, (result: SizeResult) => number][] = [
    ['observations (the data)', (result) => result.generated.observations],
    ['load (COPY)', (result) => result.generated.copyMs],
    ['signals computed', (result) => result.generated.signalsMs],
    ['readings and candidates kept', (result) => result.generated.keptMs],
    ['start to ready', (result) => result.readyMs],
    ['server peak memory', (result) => result.memory.peakMb],
    ...base.pages.flatMap((page, index): [string, (result: SizeResult) => number][] => [
      [`${page.type}, cold`, (result) => result.pages[index].coldMs],
      [`${page.type}, warm p95`, (result) => result.pages[index].warmP95],
    ]),
    ['tend spc --all', (result) => result.spcSeconds],
    ['PostgreSQL rows', (result) => result.postgresSeconds],
  ];
  console.log('\nGrowth: each cost over its cost at 1× (the data grows as the first row)\n');
  console.log(
    table(
      ['cost', ...sizes.map((size) => `${size}×`)],
      costs.map(([name, of]) => [
        name,
        ...sizes.map((size) => {
          const result = results.get(size);
          return result ? format(of(result) / of(base), 1) : '-';
        }),
      ]),
    ),
  );
}
