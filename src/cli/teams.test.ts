import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTend } from '../../test/helpers/cli.ts';
import { dataDir } from '../../test/helpers/paths.ts';
import { tendStoreArgs, testBackend } from '../../test/helpers/test-store.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-cli-teams-'));
const testStore = await tendStoreArgs(path.join(scratch, 'db'));
const store = testStore.args;

/** `tend teams add` and `tend teams list`, and `tend import` of a team's values in the tidy template. */
describe(`tend teams (${testBackend})`, () => {
  after(async () => {
    await testStore.drop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });
  before(async () => {
    const imported = await runTend([...store, 'import', path.join(dataDir, 'ods-trusts-2025', 'etr.csv')]);
    assert.equal(imported.code, 0, imported.stderr);
  });

  it('adds a team to an organisation and lists it', async () => {
    const added = await runTend([...store, 'teams', 'add', '--org', 'ryy', '--name', 'Maternity']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /Added the team Maternity \(RYYT01\) to .*\(RYY\)\./);
    const named = await runTend([
      ...store,
      'teams',
      'add',
      '--org',
      'RYY',
      '--name',
      'Health visiting',
      '--code',
      'RYYHV',
    ]);
    assert.equal(named.code, 0, named.stderr);
    const refused = await runTend([...store, 'teams', 'add', '--org', 'NOPE', '--name', '']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /org: No organisation has the code NOPE/);
    assert.match(refused.stderr, /name: Enter the team’s name/);
    const listed = await runTend([...store, 'teams', 'list', '--org', 'RYY', '--format', 'json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      JSON.parse(listed.stdout).teams.map((team: { code: string; name: string }) => [team.code, team.name]),
      [
        ['RYYHV', 'Health visiting'],
        ['RYYT01', 'Maternity'],
      ],
    );
    const text = await runTend([...store, 'teams', 'list', '--org', 'RJ1']);
    assert.equal(text.stdout.trim(), 'RJ1 has no teams.');
  });

  it('refuses a team’s values for an indicator it has not defined, naming the cell', async () => {
    const file = path.join(scratch, 'team-values.csv');
    fs.writeFileSync(
      file,
      'org_code,team,metric_id,period,value\nRYY,RYYT01,continuity-of-carer,2025-04,61.5\n',
    );
    const result = await runTend([...store, 'import', file]);
    assert.notEqual(result.code, 0);
    assert.match(
      result.stderr,
      /team-values\.csv:2:C: metric_id: "continuity-of-carer" is not an indicator of team RYYT01/,
    );
  });

  it('defines the indicator, imports its values, and the same file twice changes nothing', async () => {
    const defined = await runTend([
      ...store,
      'teams',
      'define',
      '--team',
      'RYYT01',
      '--name',
      'Continuity of carer',
      '--definition',
      'Women seen by a midwife they had met before.',
      '--unit',
      '%',
      '--direction',
      'higher_is_better',
      '--why',
      'Trust and continuity.',
      '--target',
      '75',
    ]);
    assert.equal(defined.code, 0, defined.stderr);
    assert.match(defined.stdout, /Defined Continuity of carer \(team\.RYYT01\.continuity-of-carer\)/);
    const file = path.join(scratch, 'team-values.csv');
    const first = await runTend([...store, 'import', file, '--format', 'json']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout)[0].inserted, 1);
    const again = await runTend([...store, 'import', file, '--format', 'json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout)[0].outcome, 'unchanged');
    const metrics = await runTend([...store, 'metrics']);
    assert.doesNotMatch(metrics.stdout, /team\./, 'never in the national catalogue');
  });
});
