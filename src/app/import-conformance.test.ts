import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { dataDir, sharedDir, sharedSkipReason } from '../../test/helpers/paths.ts';
import { openTestStore } from '../../test/helpers/test-store.ts';
import type { Store } from '../store/db.ts';
import { importFile } from './import-file.ts';

/**
 * The A&E importers against independent published figures: NHSRdatasets' `ae_attendances` (an
 * NHS-R Community cut of the same NHS England publication), the England totals NHS England
 * publishes, and the two formats against each other for June 2024.
 */
const history = path.join(dataDir, 'nhse-ae-by-provider-2015-2024', 'ae_by_provider_monthly.csv');
const monthlyDir = path.join(dataDir, 'nhse-ae-monthly-csv-2024-25');
const monthlyFiles = fs
  .readdirSync(monthlyDir)
  .filter((name) => name.endsWith('.csv'))
  .sort();

describe('A&E importers reproduce the published figures', () => {
  let store: Store;
  before(async () => {
    store = await openTestStore();
    for (const file of [history, ...monthlyFiles.map((name) => path.join(monthlyDir, name))]) {
      const result = await importFile(store.db, file);
      assert.equal(
        result.outcome,
        'imported',
        `${file}: ${result.issues.map((issue) => issue.message).join('; ')}`,
      );
    }
  });
  after(() => store.close());

  it('agrees with NHSRdatasets ae_attendances on all but the one revised row (RAL, March 2019)', {
    skip: sharedSkipReason('data/nhsrdatasets'),
  }, async () => {
    const reference = parse(
      fs.readFileSync(path.join(sharedDir, 'data', 'nhsrdatasets', 'ae_attendances.csv')),
      { columns: true },
    ) as {
      period: string;
      org_code: string;
      type: string;
      attendances: string;
      breaches: string;
      admissions: string;
    }[];
    assert.equal(reference.length, 12765);
    const rows = await sql<{
      org_code: string;
      period_start: string;
      metric_id: string;
      value: number | null;
      numerator: number | null;
      denominator: number | null;
    }>`
      select org_code, period_start::text as period_start, metric_id, value, numerator, denominator from observation
      where period_start between '2016-04-01' and '2019-03-01'
        and metric_id in ('ae-attendances-type1','ae-attendances-type2','ae-attendances-other','ae-4hr-type1','ae-4hr-type2','ae-4hr-other',
                          'ae-emergency-admissions-type1','ae-emergency-admissions-type2','ae-emergency-admissions-other')`.execute(
      store.db,
    );
    const held = new Map(
      rows.rows.map((row) => [`${row.org_code}|${row.period_start}|${row.metric_id}`, row]),
    );
    const differences: string[] = [];
    for (const row of reference) {
      const department = row.type === '1' ? 'type1' : row.type === '2' ? 'type2' : 'other';
      const key = (metric: string) => `${row.org_code}|${row.period}|${metric}-${department}`;
      const attendances = held.get(key('ae-attendances'))?.value;
      const admissions = held.get(key('ae-emergency-admissions'))?.value;
      const fourHour = held.get(key('ae-4hr'));
      const breaches = fourHour ? (fourHour.denominator ?? 0) - (fourHour.numerator ?? 0) : 0;
      if (
        attendances !== Number(row.attendances) ||
        admissions !== Number(row.admissions) ||
        breaches !== Number(row.breaches)
      ) {
        differences.push(`${row.org_code} ${row.period} type ${row.type}`);
      }
    }
    assert.deepEqual(differences, ['RAL 2019-03-01 type 1']);
  });

  it('provider rows add up to the England total every month the publication states one', async () => {
    // Monthly CSVs: the importer checks every column against the TOTAL row and would refuse the file.
    // Here the stored type 1 attendances are summed again and compared with each file's TOTAL row.
    for (const name of monthlyFiles) {
      const records = parse(fs.readFileSync(path.join(monthlyDir, name)), {
        bom: true,
        columns: true,
        relax_column_count: true,
      }) as Record<string, string>[];
      const total = records.find((record) => record['Org Code'].trim().toUpperCase() === 'TOTAL'); // 'Total' in some months
      assert.ok(total, `${name} has a TOTAL row`);
      const published =
        Number(total['A&E attendances Type 1']) + Number(total['A&E attendances Booked Appointments Type 1']);
      const month = `${name.slice(11, 18)}-01`;
      const summed = await sql<{
        total: number;
      }>`select sum(value)::float8 as total from observation where metric_id = 'ae-attendances-type1' and period_start = ${month}`.execute(
        store.db,
      );
      assert.equal(summed.rows[0].total, published, name);
    }
    // Provider-month table: the England totals NHS England published for July 2015 and June 2024.
    for (const [month, published] of [
      ['2015-07-01', 1271523],
      ['2024-06-01', 1405658],
    ] as const) {
      const summed = await sql<{
        total: number;
      }>`select sum(value)::float8 as total from observation where metric_id = 'ae-attendances-type1' and period_start = ${month}`.execute(
        store.db,
      );
      assert.equal(summed.rows[0].total, published, month);
    }
  });

  it('June 2024 reconciles between the two formats (booked added to non-booked)', async () => {
    const batches = await sql<{
      file_name: string;
      inserted_count: number;
      updated_count: number;
      unchanged_count: number;
    }>`
      select file_name, inserted_count, updated_count, unchanged_count from import_batch where file_name = 'Monthly-AE-2024-06.csv'`.execute(
      store.db,
    );
    assert.equal(batches.rows.length, 1);
    // Every June 2024 figure from the monthly CSV was already in the store from the provider-month table, equal.
    assert.equal(batches.rows[0].inserted_count, 0);
    assert.equal(batches.rows[0].updated_count, 0);
    assert.ok(batches.rows[0].unchanged_count > 2000);
    const rgt = await sql<{
      metric_id: string;
      value: number;
      numerator: number | null;
      denominator: number | null;
    }>`
      select metric_id, value, numerator, denominator from observation where org_code = 'RGT' and period_start = '2024-06-01'
      and metric_id in ('ae-attendances-type1', 'ae-4hr-type1', 'ae-dta-4hr') order by metric_id`.execute(
      store.db,
    );
    // RGT type 1: 10,664 = 10,072 + 592 attendances; 5,207 = 4,963 + 244 over 4 hours; DTA > 4 h 1,097 = 449 + 648.
    assert.deepEqual(
      rgt.rows.map((row) => [row.metric_id, row.value, row.numerator, row.denominator]),
      [
        ['ae-4hr-type1', (100 * (10664 - 5207)) / 10664, 10664 - 5207, 10664],
        ['ae-attendances-type1', 10664, null, null],
        ['ae-dta-4hr', 1097, null, null],
      ],
    );
  });

  it('records the 2019–2023 field-test gap as missing, never zero', async () => {
    const gap = await sql<{ organisations: number; zero_values: number; months: number }>`
      select count(distinct org_code)::integer as organisations, count(*) filter (where value = 0)::integer as zero_values,
             count(distinct period_start)::integer as months
      from observation where metric_id = 'ae-4hr-type1' and status = 'missing'
        and period_start between '2019-05-01' and '2023-05-01'`.execute(store.db);
    assert.ok(gap.rows[0].organisations >= 10, `field-test trusts: ${gap.rows[0].organisations}`);
    assert.equal(gap.rows[0].zero_values, 0);
    const reportedZero = await sql<{ count: number }>`
      select count(*)::integer as count from observation where metric_id = 'ae-4hr-type1' and status = 'missing' and value is not null`.execute(
      store.db,
    );
    assert.equal(reportedZero.rows[0].count, 0);
  });
});
