import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { runTend } from '../../../test/helpers/cli.ts';
import { webTestFiles } from '../../../test/helpers/loaded-store.ts';
import { tendStoreArgs } from '../../../test/helpers/test-store.ts';

// The embedded store in a scratch folder, or a fresh database on the DATABASE_URL server when that is set.
const testStore = await tendStoreArgs(
  path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tend-directory-')), 'db'),
);
const store = testStore.args;

describe('tend directory', () => {
  after(() => testStore.drop());
  before(async () => {
    const imported = await runTend([...store, 'import', ...webTestFiles]);
    assert.equal(imported.code, 0, imported.stderr);
  });

  it('lists a metric’s candidates as JSON and CSV, the same organisations in the same order', async () => {
    const json = await runTend([
      ...store,
      'directory',
      'candidates',
      '--metric',
      'ae-4hr-type1',
      '--format',
      'json',
    ]);
    assert.equal(json.code, 0, json.stderr);
    const found = JSON.parse(json.stdout);
    assert.equal(found.metric.id, 'ae-4hr-type1');
    assert.ok(found.candidates.length > 0);
    const csv = await runTend([
      ...store,
      'directory',
      'candidates',
      '--metric',
      'ae-4hr-type1',
      '--format',
      'csv',
    ]);
    assert.equal(csv.code, 0, csv.stderr);
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    assert.deepEqual(
      rows.map((row) => row.org),
      found.candidates.map((candidate: { org: string }) => candidate.org),
    );
  });

  it('refuses an unknown metric and an unknown format', async () => {
    const unknown = await runTend([...store, 'directory', 'candidates', '--metric', 'no-such-metric']);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /no-such-metric/);
    const format = await runTend([...store, 'directory', 'coverage', '--format', 'xml']);
    assert.equal(format.code, 2);
  });

  it('gives the coverage: every scored metric with its gap to three', async () => {
    const json = await runTend([...store, 'directory', 'coverage', '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const coverage = JSON.parse(json.stdout);
    assert.equal(coverage.goal, 3);
    const scored = coverage.metrics.filter((metric: { scored: boolean }) => metric.scored);
    assert.ok(scored.length > 10);
    assert.ok(
      scored.every(
        (metric: { gap: number; publishedEntries: number }) => metric.gap === 3 - metric.publishedEntries,
      ),
    );
    const text = await runTend([...store, 'directory', 'coverage']);
    assert.match(text.stdout, /Open concerns with three or more offers of help/);
  });
});
