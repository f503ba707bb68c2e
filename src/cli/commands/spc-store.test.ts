import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { runTend } from '../../../test/helpers/cli.ts';
import { dataDir } from '../../../test/helpers/paths.ts';
import { openStoreOf } from '../../../test/helpers/people-store.ts';
import { tendStoreArgs } from '../../../test/helpers/test-store.ts';
import { withdrawAnnotation } from '../../app/annotations/change.ts';
import { createAnnotation } from '../../app/annotations/create.ts';
import { operator } from '../../policies/actor.ts';

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

  it('follows the rebases recorded for the series, for one organisation and for all', async () => {
    const reason = 'The new emergency floor opened in March and the shift has held since';
    const opened = await openStoreOf(store);
    let annotationId: number;
    try {
      ({ id: annotationId } = await createAnnotation(
        { db: opened.db, actor: operator('test'), clock: () => new Date() },
        {
          org: 'RJ1',
          metric: 'ae-4hr-type1',
          date: '2025-03-01',
          kind: 'rebase',
          text: 'New floor',
          rebaseReason: reason,
        },
      ));
    } finally {
      await opened.close();
    }
    const published = publishedFourHourType1('RJ1');
    const lastFour = published.slice(-4);
    const meanOfLastFour = lastFour.reduce((sum, value) => sum + value, 0) / lastFour.length;
    const one = await runTend([
      ...store,
      'spc',
      '--org',
      'RJ1',
      '--metric',
      'ae-4hr-type1',
      '--format',
      'json',
    ]);
    assert.equal(one.code, 0, one.stderr);
    const [series] = JSON.parse(one.stdout).series;
    assert.deepEqual(
      series.groups.map((group: { startDate: string; rebaseReason: string | null }) => [
        group.startDate,
        group.rebaseReason,
      ]),
      [
        ['2024-06-01', null],
        ['2025-03-01', reason],
      ],
    );
    assert.ok(Math.abs(series.points[12].centreLine - meanOfLastFour) < 1e-9);
    const all = await runTend([...store, 'spc', '--metric', 'ae-4hr-type1', '--all', '--format', 'csv']);
    const rj1 = (parse(all.stdout, { columns: true }) as Record<string, string>[]).find(
      (row) => row.org_code === 'RJ1',
    );
    assert.ok(Math.abs(Number(rj1?.mean) - meanOfLastFour) < 1e-9, rj1?.mean);

    const reopened = await openStoreOf(store);
    try {
      await withdrawAnnotation(
        { db: reopened.db, actor: operator('test'), clock: () => new Date() },
        annotationId,
      );
    } finally {
      await reopened.close();
    }
    const restored = await runTend([
      ...store,
      'spc',
      '--org',
      'RJ1',
      '--metric',
      'ae-4hr-type1',
      '--format',
      'json',
    ]);
    assert.equal(JSON.parse(restored.stdout).series[0].groups.length, 1);
  });
});
