import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTend } from '../../test/helpers/cli.ts';
import { bundled } from '../../test/helpers/loaded-store.ts';
import { tendStoreArgs, testBackend } from '../../test/helpers/test-store.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-reviews-'));
const testStore = await tendStoreArgs(path.join(scratch, 'db'));
const store = testStore.args;
const quarter = 'Q4 2025/26';

/** NHS England's published average metric score of a trust in the league table file, as printed there. */
function publishedAverage(code: string): string {
  const line = fs
    .readFileSync(bundled.nofLeagueTable, 'utf8')
    .split(/\r?\n/)
    .find((row) => row.startsWith(quarter) && row.split(',')[4] === code);
  assert.ok(line, `${code} is in the published league table`);
  return Number(line.split(',')[6]).toFixed(2);
}

describe(`tend reviews pack (${testBackend})`, () => {
  before(async () => {
    for (const file of [bundled.odsTrusts, bundled.trustLookup, bundled.nofData, bundled.nofLeagueTable]) {
      const imported = await runTend([...store, 'import', file]);
      assert.equal(imported.code, 0, imported.stderr);
    }
  });
  after(async () => {
    await testStore.drop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('gives the pack as JSON with the Oversight Framework position NHS England published', async () => {
    const run = await runTend([
      ...store,
      'reviews',
      'pack',
      '--org',
      'ryy',
      '--quarter',
      quarter,
      '--format',
      'json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const pack = JSON.parse(run.stdout);
    assert.equal(pack.org.code, 'RYY');
    assert.equal(pack.quarter, quarter);
    assert.equal(pack.nof.quarter, quarter);
    assert.equal(pack.nof.average, publishedAverage('RYY'));
    assert.equal(pack.lastReview, null);
    assert.deepEqual(pack.since, { date: '2026-01-01', basis: 'quarter-start' });
  });

  it('writes the pack as HTML and as a tagged PDF', async () => {
    const html = path.join(scratch, 'pack.html');
    const written = await runTend([
      ...store,
      'reviews',
      'pack',
      '--org',
      'RYY',
      '--quarter',
      quarter,
      '--out',
      html,
    ]);
    assert.equal(written.code, 0, written.stderr);
    const page = fs.readFileSync(html, 'utf8');
    assert.match(
      page,
      /<h1>Review pack: Kent Community Health NHS Foundation Trust \(RYY\), Q4 2025\/26<\/h1>/,
    );
    assert.ok(page.indexOf('What is improving') < page.indexOf('The Oversight Framework position'));
    const pdf = path.join(scratch, 'pack.pdf');
    const printed = await runTend([
      ...store,
      'reviews',
      'pack',
      '--org',
      'RYY',
      '--quarter',
      quarter,
      '--format',
      'pdf',
      '--out',
      pdf,
    ]);
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }), /^Tagged:\s+yes$/m);
    assert.match(
      execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }),
      new RegExp(publishedAverage('RYY').replace('.', '\\.')),
    );
  });

  it('refuses what it cannot do, with the exit codes of its errors', async () => {
    const format = await runTend([
      ...store,
      'reviews',
      'pack',
      '--org',
      'RYY',
      '--quarter',
      quarter,
      '--format',
      'docx',
    ]);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /--format/);
    const noFile = await runTend([
      ...store,
      'reviews',
      'pack',
      '--org',
      'RYY',
      '--quarter',
      quarter,
      '--format',
      'pdf',
    ]);
    assert.equal(noFile.code, 2);
    const noChromium = await runTend(
      [
        ...store,
        'reviews',
        'pack',
        '--org',
        'RYY',
        '--quarter',
        quarter,
        '--format',
        'pdf',
        '--out',
        path.join(scratch, 'x.pdf'),
      ],
      { env: { CHROMIUM_PATH: path.join(scratch, 'no-chromium-here') } },
    );
    assert.equal(noChromium.code, 69, noChromium.stderr);
    assert.match(noChromium.stderr, /CHROMIUM_PATH/);
    const unknown = await runTend([...store, 'reviews', 'pack', '--org', 'ZZZ9', '--quarter', quarter]);
    assert.equal(unknown.code, 3);
    const badQuarter = await runTend([...store, 'reviews', 'pack', '--org', 'RYY', '--quarter', 'spring']);
    assert.equal(badQuarter.code, 2);
    assert.match(badQuarter.stderr, /quarter/);
  });
});
