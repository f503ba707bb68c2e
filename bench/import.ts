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

/** Writes a tidy file of `rows` rows: 300 trusts × 12 metrics × as many months as it takes. */
function generateTidyFile(file: string, rows: number): void {
  const random = seededRandom(20261121);
  const codes = fs
    .readFileSync(etr, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(',')[0].replaceAll('"', ''));
  const metrics = builtinMetrics.filter((metric) => metric.id.startsWith('ae-')).map((metric) => metric.id);
  const out = fs.openSync(file, 'w');
  let buffer = 'org_code,metric_id,period,value,numerator,denominator\n';
  let written = 0;
  for (let month = 0; written < rows; month++) {
    const year = 1990 + Math.floor(month / 12);
    const period = `${year}-${String((month % 12) + 1).padStart(2, '0')}`;
    for (const code of codes) {
      for (const metric of metrics) {
        if (written >= rows) break;
        const denominator = 1000 + Math.floor(random() * 9000);
        const numerator = Math.floor(denominator * (0.6 + random() * 0.4));
        // A percentage with its numerator and denominator; a count is a whole number on its own.
        buffer += metric.startsWith('ae-4hr-')
          ? `${code},${metric},${period},${((100 * numerator) / denominator).toFixed(4)},${numerator},${denominator}\n`
          : `${code},${metric},${period},${denominator},,\n`;
        written++;
        if (buffer.length > 1 << 20) {
          fs.writeSync(out, buffer);
          buffer = '';
        }
      }
    }
  }
  fs.writeSync(out, buffer);
  fs.closeSync(out);
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

/** Import throughput: the A&E history and generated tidy files, on PGlite and PostgreSQL. */
export async function runImportBench(options: { rows?: number } = {}): Promise<void> {
  const million = options.rows ?? 1_000_000;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-bench-'));
  const small = path.join(scratch, 'tidy-small.csv');
  const large = path.join(scratch, 'tidy-large.csv');
  process.stderr.write(`Generating tidy files of ${million / 4} and ${million} rows…\n`);
  generateTidyFile(small, million / 4);
  generateTidyFile(large, million);

  const server = process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, drop: async () => {} }
    : await scratchDatabase('tend_bench');
  const backends: ('pglite' | 'postgres')[] = server ? ['pglite', 'postgres'] : ['pglite'];
  if (!server)
    process.stderr.write('No PostgreSQL server answered (set DATABASE_URL); measuring PGlite only.\n');

  const rows: string[][] = [];
  for (const [label, file] of [
    ['A&E provider history', aeHistory],
    [`tidy, ${million / 4} rows`, small],
    [`tidy, ${million} rows`, large],
  ] as const) {
    const floor = await measure(() => parseOnly(file));
    rows.push([
      `${label}: read + parse only (floor)`,
      '-',
      String(floor.result),
      '-',
      format(floor.seconds, 2),
      format(floor.result / floor.seconds, 0),
      format(floor.peakRssMb - floor.startRssMb, 0),
      '1.0',
    ]);
    for (const backend of backends) {
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
        format(run.seconds / floor.seconds, 1),
      ]);
      await store.close();
    }
  }
  await server?.drop();
  fs.rmSync(scratch, { recursive: true, force: true });
  console.log(
    '\nImport throughput (memory = peak resident growth during the run; ratio = time against read + parse only)\n',
  );
  console.log(
    table(['file', 'store', 'rows', 'observations', 'seconds', 'rows/s', 'memory MB', 'ratio'], rows),
  );
}
