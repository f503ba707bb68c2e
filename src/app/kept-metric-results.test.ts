import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deserialize } from 'node:v8';
import { bundled, openLoadedStore } from '../../test/helpers/loaded-store.ts';
import { testBackend } from '../../test/helpers/test-store.ts';
import type { Store } from '../store/db.ts';
import { computationsOf } from './assessment-cache.ts';
import { metricCoverage } from './catalogue.ts';
import { computeMetricCandidates } from './directory/candidates.ts';
import { importFile } from './import-file.ts';
import { metricReadings } from './metric-across.ts';

/**
 * An import keeps the readings across organisations and the directory's candidates of the metrics
 * it changed, and only those: counted with `computationsOf`, the memo's own count, and read back
 * from `kept_result`, where the next process finds them.
 */
describe(`an import keeps the results of the metrics it changed (${testBackend})`, () => {
  let store: Store;
  let folder: string;
  let trusts: string[];
  const changed = 'ae-4hr-type1';
  const other = 'ae-4hr-all';
  const months = Array.from({ length: 24 }, (_, index) => {
    const day = new Date(Date.UTC(2023, 3 + index, 1));
    return day.toISOString().slice(0, 7);
  });

  before(async () => {
    store = await openLoadedStore([bundled.odsTrusts, bundled.trustLookup], { computeSignals: false });
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-kept-metric-'));
    const rows = await store.db
      .selectFrom('organisation')
      .select('code')
      .where('kind', '=', 'trust')
      .orderBy('code')
      .limit(12)
      .execute();
    trusts = rows.map((row) => row.code);
    assert.equal(trusts.length, 12, 'the register holds trusts');
  });
  after(async () => {
    await store?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  /** A tidy file of `metrics` for every trust and month; the first trust's last value moved by `shift`. */
  async function importMetrics(name: string, metrics: readonly string[], shift = 0) {
    const lines = ['org_code,metric_id,period,value,numerator,denominator,status,note'];
    for (const metric of metrics)
      for (const [index, code] of trusts.entries())
        for (const [at, month] of months.entries()) {
          const last = index === 0 && at === months.length - 1;
          const value = 60 + index + 3 * Math.sin(at * 2.3) + (last ? shift : 0);
          lines.push(`${code},${metric},${month},${value.toFixed(1)},,,,`);
        }
    const file = path.join(folder, name);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const result = await importFile(store, file);
    assert.equal(result.outcome, 'imported', name);
    assert.ok(result.inserted + result.updated > 0, `${name} changed something`);
  }

  const counts = () => ({
    changedCoverage: computationsOf(`metric-coverage|${changed}`),
    otherCoverage: computationsOf(`metric-coverage|${other}`),
    changedReadings: computationsOf(`metric-readings|${changed}`),
    changedCandidates: computationsOf(`directory-candidates|${changed}`),
    otherReadings: computationsOf(`metric-readings|${other}`),
    otherCandidates: computationsOf(`directory-candidates|${other}`),
  });

  it('computes both metrics’ readings and candidates once, as the import commits, and keeps them', async () => {
    const before = counts();
    await importMetrics('both.csv', [changed, other]);
    const afterImport = counts();
    assert.deepEqual(afterImport, {
      changedCoverage: before.changedCoverage + 1,
      otherCoverage: before.otherCoverage + 1,
      changedReadings: before.changedReadings + 1,
      changedCandidates: before.changedCandidates + 1,
      otherReadings: before.otherReadings + 1,
      otherCandidates: before.otherCandidates + 1,
    });
    // a page asking afterwards computes nothing
    const readings = await metricReadings(store.db, changed);
    await computeMetricCandidates(store.db, changed);
    const coverage = await metricCoverage(store.db, changed);
    assert.deepEqual(counts(), afterImport);
    assert.equal(coverage.organisations.length, trusts.length);
    assert.deepEqual(coverage.periods, { first: `${months[0]}-01`, last: `${months.at(-1)}-01`, count: 24 });
    assert.equal(readings.organisations.length, trusts.length);

    const kept = await store.db
      .selectFrom('kept_result')
      .select(['key', 'value'])
      .where('key', 'in', [`metric-readings|${changed}`, `directory-candidates|${other}`])
      .orderBy('key')
      .execute();
    assert.deepEqual(
      kept.map((row) => row.key),
      [`directory-candidates|${other}`, `metric-readings|${changed}`],
    );
    // what the next process reads is what was computed
    assert.deepEqual(deserialize(kept[1].value), readings);
  });

  it('after an import of one metric, computes that metric’s results again and leaves the other’s', async () => {
    const before = counts();
    const keptBefore = await store.db
      .selectFrom('kept_result')
      .select(['key', 'token'])
      .where('key', '=', `metric-readings|${other}`)
      .executeTakeFirstOrThrow();
    await importMetrics('one.csv', [changed], 5);
    assert.deepEqual(counts(), {
      ...before,
      changedCoverage: before.changedCoverage + 1,
      changedReadings: before.changedReadings + 1,
      changedCandidates: before.changedCandidates + 1,
    });
    const readings = await metricReadings(store.db, changed);
    const first = readings.organisations.find((row) => row.code === trusts[0]);
    assert.equal(first?.latest?.date, `${months.at(-1)}-01`);
    assert.notEqual(first?.latest?.value, Number((60 + 3 * Math.sin(23 * 2.3)).toFixed(1)), 'the new value');
    await metricReadings(store.db, other);
    await computeMetricCandidates(store.db, other);
    assert.equal(counts().otherReadings, before.otherReadings, 'the other metric was not charted again');
    const keptAfter = await store.db
      .selectFrom('kept_result')
      .select(['key', 'token'])
      .where('key', '=', `metric-readings|${other}`)
      .executeTakeFirstOrThrow();
    assert.deepEqual(keptAfter, keptBefore, 'the other metric’s kept readings are as they were');
  });
});
