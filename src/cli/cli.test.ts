import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTend } from '../../test/helpers/cli.ts';
import { dataDir } from '../../test/helpers/paths.ts';
import { tendStoreArgs, testBackend } from '../../test/helpers/test-store.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-cli-'));
// The embedded store in scratch, or a fresh database on the DATABASE_URL server when that is set.
const testStore = await tendStoreArgs(path.join(scratch, 'db'));
const store = testStore.args;

describe('tend command line', () => {
  after(() => testStore.drop());
  before(async () => {
    const imported = await runTend([...store, 'import', path.join(dataDir, 'ods-trusts-2025', 'etr.csv')]);
    assert.equal(imported.code, 0, imported.stderr);
  });

  it('imports a tidy file, reports counts as JSON, and exports spreadsheet-safe CSV', async () => {
    const tidy = path.join(scratch, 'team-indicator.csv');
    fs.writeFileSync(
      tidy,
      'org_code,metric_id,period,value,note\nRYY,ae-dta-12hr,2024-06,4,"@SUM(A1:A2)"\nRYY,ae-dta-12hr,2024-07,,\n',
    );
    const imported = await runTend([...store, 'import', tidy]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(
      imported.stderr,
      /team-indicator\.csv: imported as batch \d+ \(Tend tidy template\): 2 rows, 2 observations — 2 new, 0 revised, 0 unchanged/,
    );
    const again = await runTend([...store, 'import', tidy]);
    assert.equal(again.code, 0);
    assert.match(again.stderr, /unchanged — this exact file was already imported as batch \d+/);

    const status = await runTend([...store, 'status', '--format', 'json']);
    assert.equal(status.code, 0, status.stderr);
    const counts = JSON.parse(status.stdout);
    assert.equal(counts.store, testBackend);
    // etr.csv: 210 trusts, naming 8 national groupings (7 regions and Wales) and 42 ICBs (Q99, which
    // ODS gives the Welsh trusts, is not an English ICB and makes no organisation).
    assert.equal(counts.organisations, 210 + 8 + 42);
    assert.equal(counts.observations, 2);
    assert.equal(counts.importBatches, 2);

    const csv = await runTend([
      ...store,
      'observations',
      '--org',
      'RYY',
      '--metric',
      'ae-dta-12hr',
      '--format',
      'csv',
    ]);
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.trim().split('\r\n');
    assert.equal(lines.length, 3);
    assert.match(lines[1], /^RYY,ae-dta-12hr,2024-06-01,2024-06-30,month,4,,,reported,'@SUM\(A1:A2\),/);
    assert.match(lines[2], /^RYY,ae-dta-12hr,2024-07-01,2024-07-31,month,,,,missing,,/);
  });

  it('refuses a bad file with every problem as file:row:column and a non-zero exit', async () => {
    const bad = path.join(scratch, 'bad.csv');
    fs.writeFileSync(
      bad,
      'org_code,metric_id,period,value,numerator,denominator\nRYY,ae-4hr-all,2024-6,90,9,10\nRYY,ae-4hr-all,2024-07,90,11,10\nRYY,no-such-metric,2024-08,1,,\n',
    );
    const result = await runTend([...store, 'import', bad]);
    assert.equal(result.code, 1);
    const problems = result.stderr
      .split('\n')
      .filter((line) => line.startsWith(`${bad}:`) && !line.includes('refused'));
    assert.deepEqual(problems, [
      `${bad}:2:C: period: "2024-6" is not a month (YYYY-MM) or a day (YYYY-MM-DD)`,
      `${bad}:3:E: numerator 11 is more than denominator 10`,
      `${bad}:4:B: metric_id: "no-such-metric" is not in the catalogue; list metrics with \`tend metrics\``,
    ]);
    assert.match(result.stderr, /refused — 3 problem\(s\); nothing from this file was saved/);
  });

  it('never answers coverage with silence', async () => {
    const unknown = await runTend([...store, 'coverage', 'ae-4hr-typ1']);
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /No metric has the id "ae-4hr-typ1"\. Did you mean ae-4hr-type1/);
    const empty = await runTend([...store, 'coverage', 'ae-4hr-type1']);
    assert.equal(empty.code, 0);
    assert.match(
      empty.stdout,
      /ae-4hr-type1 \(A&E 4-hour performance, type 1\) has no observations yet\.\nMetrics with data:\n {2}ae-dta-12hr \(2 observations\)/,
    );
    const json = await runTend([...store, 'coverage', 'ae-dta-12hr', '--format', 'json']);
    const coverage = JSON.parse(json.stdout);
    assert.deepEqual(
      coverage.organisations.map((row: { org_code: string; reported: number; not_reported: number }) => [
        row.org_code,
        row.reported,
        row.not_reported,
      ]),
      [['RYY', 1, 1]],
    );
  });

  it('lists organisations and metrics', async () => {
    const icbs = await runTend([...store, 'orgs', '--kind', 'region', '--format', 'json']);
    assert.equal(icbs.code, 0, icbs.stderr);
    assert.deepEqual(
      JSON.parse(icbs.stdout).map((row: { code: string }) => row.code),
      ['W00', 'Y56', 'Y58', 'Y59', 'Y60', 'Y61', 'Y62', 'Y63'],
    );
    const metrics = await runTend([...store, 'metrics', '--format', 'csv']);
    assert.match(metrics.stdout, /^id,name,unit,direction,domain\r\n/);
    assert.match(
      metrics.stdout,
      /ae-4hr-type1,"A&E 4-hour performance, type 1",%,higher_is_better,Urgent and emergency care/,
    );
  });

  it('explains bad options and bad configuration and exits non-zero', async () => {
    const format = await runTend([...store, 'status', '--format', 'xml']);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /invalid --format: xml/);
    // --database-url would override the bad DATABASE_URL, so this one names the embedded store.
    const config = await runTend(['--data-dir', path.join(scratch, 'db'), 'status'], {
      env: { PORT: 'eighty', DATABASE_URL: 'mysql://x' },
    });
    assert.equal(config.code, 78);
    assert.match(config.stderr, /configuration has 2 problem\(s\)/);
    assert.match(config.stderr, /DATABASE_URL: must start with postgres:\/\/ or postgresql:\/\//);
    assert.match(config.stderr, /PORT: must be a number/);
  });
});
