import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundled, openLoadedStore, webTestFiles } from '../../test/helpers/loaded-store.ts';
import { testBackend } from '../../test/helpers/test-store.ts';
import { frameworkForQuarter } from '../engines/nof/index.ts';
import type { Store } from '../store/db.ts';
import { readStoreVersion } from '../store/repos/version-repo.ts';
import { assessFromStore } from './assessment.ts';
import {
  cachedAssessment,
  cachedExplanation,
  computationsOf,
  nofDependency,
  nofQuarters,
  untilDataChangeMemo,
} from './assessment-cache.ts';
import { importFile } from './import-file.ts';
import { metricAcrossOrganisations } from './metric-across.ts';

/**
 * After an import, only the kept results that read the data it changed are computed again: the
 * Oversight Framework assessments read the framework's metrics, a metric across organisations reads
 * that metric. Counted with `computationsOf`, the memo's own count of computations.
 */
describe(`kept results are recomputed only when the data they read change (${testBackend})`, () => {
  let store: Store;
  let folder: string;
  let quarter: string;
  let framework: string;
  before(async () => {
    store = await openLoadedStore(webTestFiles, { computeSignals: false });
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-recompute-'));
    [quarter] = await nofQuarters(store.db);
    framework = frameworkForQuarter(quarter)?.id as string;
    assert.ok(framework, 'the store holds an Oversight Framework quarter');
  });
  after(async () => {
    await store?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  /** Reads every kept result the test watches, so each is computed or found. */
  async function readAll() {
    await cachedAssessment(store.db, { framework, quarter });
    await cachedExplanation(store.db, { quarter, org: 'RYY' });
    await metricAcrossOrganisations(store.db, 'ae-4hr-type1');
    await metricAcrossOrganisations(store.db, 'ae-4hr-all');
  }
  const counts = () => ({
    assessment: computationsOf(`assess|${JSON.stringify([framework, quarter])}`.slice(0, -1)),
    explanation: computationsOf('explain|'),
    type1: computationsOf('metric-across|ae-4hr-type1'),
    all: computationsOf('metric-across|ae-4hr-all'),
  });

  async function importText(name: string, text: string) {
    const file = path.join(folder, name);
    fs.writeFileSync(file, text);
    const result = await importFile(store, file, { computeSignals: false });
    assert.equal(result.outcome, 'imported', name);
    assert.ok(result.inserted + result.updated > 0, `${name} changed something`);
  }

  it('keeps the assessment and the other metric when one A&E metric changes, and recomputes that metric', async () => {
    await readAll();
    await readAll();
    const first = counts();
    assert.ok(first.assessment >= 1 && first.type1 >= 1 && first.all >= 1);
    assert.deepEqual(counts(), first, 'reading again computes nothing');
    const version = await readStoreVersion(store.db);
    await importText(
      'one-value.csv',
      'org_code,metric_id,period,value,numerator,denominator,status,note\nRJ1,ae-4hr-type1,2024-06,12.5,125,1000,,\n',
    );
    assert.equal((await readStoreVersion(store.db)).data, version.data + 1, 'the import changed the data');
    await readAll();
    assert.deepEqual(counts(), { ...first, type1: first.type1 + 1 });
  });

  it('recomputes the assessments, and nothing else, when an Oversight Framework value changes', async () => {
    await readAll();
    const before = counts();
    const lines = fs.readFileSync(bundled.nofData, 'utf8').split('\n');
    const header = lines[0].replace(/^\uFEFF/, '').split(',');
    const valueColumn = header.indexOf('Value');
    const quarterColumn = header.indexOf('Quarter');
    const row = lines.findIndex(
      (line, index) =>
        index > 0 && line.startsWith(quarter) && /^\d+(\.\d+)?$/.test(line.split(',')[valueColumn] ?? ''),
    );
    assert.ok(row > 0 && quarterColumn === 0, 'a simple row of the quarter to change');
    const cells = lines[row].split(',');
    cells[valueColumn] = String(Number(cells[valueColumn]) + 1);
    lines[row] = cells.join(',');
    await importText('nof-changed.csv', lines.join('\n'));
    await readAll();
    const afterChange = counts();
    assert.equal(afterChange.assessment, before.assessment + 1, 'the assessment was computed again');
    assert.equal(afterChange.type1, before.type1, 'the A&E metrics were kept');
    assert.equal(afterChange.all, before.all);
  });

  it('keeps each assessment in the store: the next process reads it, until the data it read change', async () => {
    const kept = await store.db.selectFrom('kept_result').select('key').execute();
    assert.ok(
      kept.some((row) => row.key === `assess|${JSON.stringify([framework, quarter, null, null])}`),
      'cachedAssessment kept its result in the store',
    );
    let computed = 0;
    const compute = async () => {
      computed++;
      return assessFromStore(store.db, { framework, quarter });
    };
    // each memo below stands for a new process: nothing of the one before is in its memory
    const first = await untilDataChangeMemo(4)(store.db, 'assess|kept-check', compute, nofDependency, {
      kept: true,
    });
    const next = await untilDataChangeMemo(4)(store.db, 'assess|kept-check', compute, nofDependency, {
      kept: true,
    });
    assert.equal(computed, 1, 'the next process read the kept result');
    assert.deepEqual(next, first, 'and it is the same result, Maps and all');
    const lines = fs.readFileSync(bundled.nofData, 'utf8').split('\n');
    const valueColumn = lines[0]
      .replace(/^\uFEFF/, '')
      .split(',')
      .indexOf('Value');
    const row = lines.findIndex(
      (line, index) =>
        index > 0 && line.startsWith(quarter) && /^\d+(\.\d+)?$/.test(line.split(',')[valueColumn] ?? ''),
    );
    const cells = lines[row].split(',');
    cells[valueColumn] = String(Number(cells[valueColumn]) + 7);
    lines[row] = cells.join(',');
    await importText('nof-changed-again.csv', lines.join('\n'));
    await untilDataChangeMemo(4)(store.db, 'assess|kept-check', compute, nofDependency, { kept: true });
    assert.equal(computed, 2, 'after the framework data changed, the kept result is not used');
  });
});
