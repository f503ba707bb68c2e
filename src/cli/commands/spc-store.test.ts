import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { runTend } from '../../../test/helpers/cli.ts';
import { dataDir } from '../../../test/helpers/paths.ts';
import { tendStoreArgs } from '../../../test/helpers/test-store.ts';

const monthlyDir = path.join(dataDir, 'nhse-ae-monthly-csv-2024-25');
const monthlyFiles = fs
  .readdirSync(monthlyDir)
  .filter((name) => name.endsWith('.csv'))
  .sort()
  .map((name) => path.join(monthlyDir, name));
// The embedded store in a scratch folder, or a fresh database on the DATABASE_URL server when that is set.
const testStore = await tendStoreArgs(
  path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tend-spc-store-')), 'db'),
);
const store = testStore.args;

/** RJ1's type 1 4-hour percentage per month, read straight from the publication (booked included). */
function publishedFourHourType1(orgCode: string): number[] {
  return monthlyFiles.map((file) => {
    const rows = parse(fs.readFileSync(file), {
      bom: true,
      columns: true,
      relax_column_count: true,
    }) as Record<string, string>[];
    const row = rows.find((candidate) => candidate['Org Code'].trim() === orgCode);
    assert.ok(row, `${orgCode} in ${file}`);
    const attendances =
      Number(row['A&E attendances Type 1']) + Number(row['A&E attendances Booked Appointments Type 1']);
    const over =
      Number(row['Attendances over 4hrs Type 1']) +
      Number(row['Attendances over 4hrs Booked Appointments Type 1']);
    return (100 * (attendances - over)) / attendances;
  });
}

describe('tend spc over the store', () => {
  after(() => testStore.drop());
  before(async () => {
    const imported = await runTend([...store, 'import', ...monthlyFiles]);
    assert.equal(imported.code, 0, imported.stderr);
  });

  it("charts one organisation's series with the metric's direction", async () => {
    const result = await runTend([
      ...store,
      'spc',
      '--org',
      'RJ1',
      '--metric',
      'ae-4hr-type1',
      '--format',
      'json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const [series] = JSON.parse(result.stdout).series;
    const published = publishedFourHourType1('RJ1');
    assert.equal(series.points.length, 13);
    assert.equal(series.improvementDirection, 'increase');
    for (const [index, point] of (series.points as { value: number }[]).entries()) {
      assert.ok(Math.abs(point.value - published[index]) < 1e-9, `point ${index}`);
    }
    const mean = published.reduce((sum, value) => sum + value, 0) / published.length;
    assert.ok(Math.abs(series.points[0].centreLine - mean) < 1e-9);
    assert.match(series.description.variation, /A&E 4-hour performance, type 1/);
  });

  it('draws it as an accessible SVG', async () => {
    const result = await runTend([
      ...store,
      'spc',
      '--org',
      'RJ1',
      '--metric',
      'ae-4hr-type1',
      '--format',
      'svg',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /<svg[^>]*role="img"/);
    assert.match(result.stdout, /<title[^>]*>/);
    assert.match(result.stdout, /<desc[^>]*>/);
  });

  it('gives every organisation with the metric a row of icons', async () => {
    const result = await runTend([...store, 'spc', '--metric', 'ae-4hr-type1', '--all', '--format', 'csv']);
    assert.equal(result.code, 0, result.stderr);
    const rows = parse(result.stdout, { columns: true }) as Record<string, string>[];
    const coverage = JSON.parse(
      (await runTend([...store, 'coverage', 'ae-4hr-type1', '--format', 'json'])).stdout,
    );
    assert.equal(rows.length, coverage.organisations.length);
    const rj1 = rows.find((row) => row.org_code === 'RJ1');
    assert.ok(rj1);
    assert.equal(rj1.points, '13');
    assert.ok(
      ['common_cause', 'improvement_high', 'improvement_low', 'concern_high', 'concern_low'].includes(
        rj1.variation_icon,
      ),
      rj1.variation_icon,
    );
  });

  it('says what to do when the series is not there', async () => {
    const noData = await runTend([...store, 'spc', '--org', 'RYY', '--metric', 'ae-4hr-type1']);
    assert.equal(noData.code, 3);
    assert.match(noData.stderr, /RYY has no observations of ae-4hr-type1/);
    const noMetric = await runTend([...store, 'spc', '--org', 'RJ1']);
    assert.equal(noMetric.code, 2);
    assert.match(noMetric.stderr, /need --metric ID/);
  });
});
