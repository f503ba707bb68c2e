import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import { sql } from 'kysely';
import { importFile } from '../src/app/import-file.ts';
import { builtinMetrics } from '../src/domain/metric-catalogue.ts';
import { openStore, type Store } from '../src/store/db.ts';
import { upsertMetrics } from '../src/store/repos/metric-repo.ts';
import { format, measure, scratchDatabase, seededRandom, table } from './support.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const aeHistory = path.join(root, 'data', 'nhse-ae-by-provider-2015-2024', 'ae_by_provider_monthly.csv');
const etr = path.join(root, 'data', 'ods-trusts-2025', 'etr.csv');

/**
 * Writes a tidy file of `rows` rows: 300 trusts × 12 metrics × as many months as it takes; given
 * `tableFile`, also the same rows as `observation` holds them, as CSV for the `COPY` baseline.
 */
export function generateTidyFile(file: string, rows: number, tableFile?: string): void {
  const random = seededRandom(20261121);
  const codes = fs
    .readFileSync(etr, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(',')[0].replaceAll('"', ''));
  const metrics = builtinMetrics.filter((metric) => metric.id.startsWith('ae-')).map((metric) => metric.id);
  const out = fs.openSync(file, 'w');
  const tableOut = tableFile === undefined ? undefined : fs.openSync(tableFile, 'w');
  let buffer = 'org_code,metric_id,period,value,numerator,denominator\n';
  let tableBuffer = '';
  let written = 0;
  for (let month = 0; written < rows; month++) {
    const year = 1990 + Math.floor(month / 12);
    const period = `${year}-${String((month % 12) + 1).padStart(2, '0')}`;
    const periodEnd = new Date(Date.UTC(year, (month % 12) + 1, 0)).toISOString().slice(0, 10);
    for (const code of codes) {
      for (const metric of metrics) {
        if (written >= rows) break;
        const denominator = 1000 + Math.floor(random() * 9000);
        const numerator = Math.floor(denominator * (0.6 + random() * 0.4));
        // A percentage with its numerator and denominator; a count is a whole number on its own.
        const figures = metric.startsWith('ae-4hr-')
          ? `${((100 * numerator) / denominator).toFixed(4)},${numerator},${denominator}`
          : `${denominator},,`;
        buffer += `${code},${metric},${period},${figures}\n`;
        if (tableOut !== undefined)
          tableBuffer += `${code},${metric},${period}-01,${periodEnd},month,${figures},reported,0,bench\n`;
        written++;
        if (buffer.length > 1 << 20) {
          fs.writeSync(out, buffer);
          buffer = '';
          if (tableOut !== undefined) fs.writeSync(tableOut, tableBuffer);
          tableBuffer = '';
        }
      }
    }
  }
  fs.writeSync(out, buffer);
  fs.closeSync(out);
  if (tableOut !== undefined) {
    fs.writeSync(tableOut, tableBuffer);
    fs.closeSync(tableOut);
  }
}

const copyColumns =
  'org_code, metric_id, period_start, period_end, granularity, value, numerator, denominator, status, batch_id, publication';

/**
 * The baseline: the same rows loaded into the same (empty) `observation` table with one plain
 * `COPY` and nothing else, as `\copy` would: through `pg-copy-streams` on PostgreSQL, from
 * `/dev/blob` on PGlite (its only way in). Returns the rows copied.
 */
async function copyOnly(store: Store, tableFile: string): Promise<number> {
  if (store.pglite) {
    const blob = new Blob([fs.readFileSync(tableFile)]);
    const copied = await store.pglite.query(
      `copy observation (${copyColumns}) from '/dev/blob' with (format csv)`,
      [],
      { blob },
    );
    return copied.affectedRows ?? 0;
  }
  return store.session(async (_db, startCopy) => {
    if (!startCopy) throw new Error('the PostgreSQL store offers COPY');
    const copy = startCopy(`copy observation (${copyColumns}) from stdin with (format csv)`);
    for await (const chunk of fs.createReadStream(tableFile, { highWaterMark: 1 << 18, encoding: 'utf8' }))
      await copy.write(chunk as string);
    await copy.end();
    const { rows } = await sql<{ count: number }>`select count(*)::integer as count from observation`.execute(
      store.db,
    );
    return rows[0].count;
  });
}

/** The floor: reading and CSV-parsing the same file with nothing else, measured in the same run. */
async function parseOnly(file: string): Promise<number> {
  let records = 0;
  for await (const _record of fs.createReadStream(file).pipe(parse({ bom: true, relax_column_count: true })))
    records++;
  return records - 1;
}

async function freshStore(kind: 'pglite' | 'postgres', databaseUrl: string | undefined): Promise<Store> {
  const store = await openStore({
    databaseUrl: kind === 'postgres' ? databaseUrl : undefined,
    dataDir: 'memory://',
  });
  // The audit log refuses TRUNCATE by trigger; the bench lifts it for its own statement, as the tests' reset does.
  await store.db.transaction().execute(async (trx) => {
    await sql`alter table audit_log disable trigger audit_log_no_truncate`.execute(trx);
    await sql`alter table narrative_version disable trigger narrative_version_no_truncate`.execute(trx);
    await sql`truncate audit_log, narrative_version, narrative_reader, narrative, annotation, series_config,
      observation, observation_history, import_batch, membership, metric, organisation restart identity cascade`.execute(
      trx,
    );
    await sql`alter table audit_log enable trigger audit_log_no_truncate`.execute(trx);
    await sql`alter table narrative_version enable trigger narrative_version_no_truncate`.execute(trx);
  });
  await upsertMetrics(store.db, builtinMetrics);
  return store;
}

/**
 * Import throughput: the A&E history and generated tidy files, on PGlite and PostgreSQL; the largest
 * file (`rows`, a million by default) also against a plain `COPY` of the same rows into `observation`.
 * `quick` (a smoke run) imports only the largest file.
 */
export async function runImportBench(options: { rows?: number; quick?: boolean } = {}): Promise<void> {
  const million = options.rows ?? 1_000_000;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-bench-'));
  const small = path.join(scratch, 'tidy-small.csv');
  const large = path.join(scratch, 'tidy-large.csv');
  const largeTable = path.join(scratch, 'tidy-large-as-table.csv');
  process.stderr.write(`Generating tidy files of ${million / 4} and ${million} rows…\n`);
  if (!options.quick) generateTidyFile(small, million / 4);
  generateTidyFile(large, million, largeTable);

  const server = process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, drop: async () => {} }
    : await scratchDatabase('tend_bench');
  const backends: ('pglite' | 'postgres')[] = server ? ['pglite', 'postgres'] : ['pglite'];
  if (!server)
    process.stderr.write('No PostgreSQL server answered (set DATABASE_URL); measuring PGlite only.\n');

  const rows: string[][] = [];
  const against: string[][] = [];
  const files: (readonly [string, string])[] = options.quick
    ? [[`tidy, ${million} rows`, large]]
    : [
        ['A&E provider history', aeHistory],
        [`tidy, ${million / 4} rows`, small],
        [`tidy, ${million} rows`, large],
      ];
  for (const [label, file] of files) {
    const floor = await measure(() => parseOnly(file));
    rows.push([
      `${label}: read + parse only (floor)`,
      '-',
      String(floor.result),
      '-',
      format(floor.seconds, 2),
      format(floor.result / floor.seconds, 0),
      format(floor.peakRssMb - floor.startRssMb, 0),
      format(floor.peakRssMb, 0),
      '1.0',
    ]);
    for (const backend of backends) {
      let copied: Awaited<ReturnType<typeof measure<number>>> | undefined;
      if (file === large) {
        const bare = await freshStore(backend, server?.url);
        copied = await measure(() => copyOnly(bare, largeTable));
        if (copied.result !== million) throw new Error(`COPY loaded ${copied.result} rows on ${backend}`);
        await bare.close();
      }
      const store = await freshStore(backend, server?.url);
      await importFile(store, etr);
      const run = await measure(() => importFile(store, file));
      if (run.result.outcome !== 'imported')
        throw new Error(`${file} was not imported on ${backend}: ${run.result.issues[0]?.message}`);
      rows.push([
        `${label}: import`,
        backend,
        String(run.result.rows),
        String(run.result.observations),
        format(run.seconds, 2),
        format(run.result.rows / run.seconds, 0),
        format(run.peakRssMb - run.startRssMb, 0),
        format(run.peakRssMb, 0),
        format(run.seconds / floor.seconds, 1),
      ]);
      if (copied) {
        const phases = run.result.phaseSeconds;
        against.push([
          backend,
          String(copied.result),
          format(run.seconds, 2),
          format(run.seconds - (phases.afterCommitSignals ?? 0) - (phases.afterCommitKept ?? 0), 2),
          `${format(phases.readAndStage ?? 0, 1)} / ${format(phases.check ?? 0, 1)} / ${format(phases.merge ?? 0, 1)}`,
          `${format(phases.afterCommitSignals ?? 0, 1)} / ${format(phases.afterCommitKept ?? 0, 1)}`,
          format(copied.seconds, 2),
          format(run.seconds / copied.seconds, 2),
          format(run.peakRssMb - run.startRssMb, 0),
          format(copied.peakRssMb - copied.startRssMb, 0),
          format(run.peakRssMb, 0),
        ]);
      }
      await store.close();
    }
  }
  await server?.drop();
  fs.rmSync(scratch, { recursive: true, force: true });
  console.log(
    '\nImport throughput (memory = peak resident growth during the run; peak = the process’s peak resident size; ratio = time against read + parse only)\n',
  );
  console.log(
    table(
      ['file', 'store', 'rows', 'observations', 'seconds', 'rows/s', 'memory MB', 'peak MB', 'ratio'],
      rows,
    ),
  );
  console.log(
    `\nImporting ${million} tidy rows against a plain COPY of the same rows into observation (goals: PostgreSQL under 20 s and ≤ 3 ×; PGlite ≤ 5 ×; memory = peak resident growth; peak RSS = the process's, which keeps an embedded store's memory once grown)\n`,
  );
  console.log(
    table(
      [
        'store',
        'rows',
        'import s',
        'of which to commit s',
        'stage / check / merge s',
        'after commit: signals / kept s',
        'COPY s',
        'ratio',
        'import memory MB',
        'COPY memory MB',
        'peak RSS MB',
      ],
      against,
    ),
  );
}
