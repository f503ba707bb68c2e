import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runTend } from '../../test/helpers/cli.ts';
import { openStoreOf } from '../../test/helpers/people-store.ts';
import { tendStoreArgs, testBackend } from '../../test/helpers/test-store.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-prompt-sets-'));
const testStore = await tendStoreArgs(path.join(scratch, 'db'));
const store = testStore.args;

describe(`tend prompt-sets (${testBackend})`, () => {
  after(async () => {
    await testStore.drop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('lists the five seeded domains, shows one, and saves a new version from a file as the operator', async () => {
    const listed = await runTend([...store, 'prompt-sets', '--format', 'json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      JSON.parse(listed.stdout)
        .map((set: { domain: string; version: number }) => `${set.domain}@${set.version}`)
        .sort(),
      ['access_flow@1', 'finance@1', 'patient_experience@1', 'safety_quality@1', 'workforce@1'],
    );
    const shown = await runTend([...store, 'prompt-sets', 'show', 'patient_experience']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /Who will be in the room\?/);

    const file = path.join(scratch, 'workforce.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        title: 'Workload, morale and teams',
        description: 'Revised after the listening sessions.',
        fields: [{ id: 'workload', label: 'What is the workload like?', type: 'textarea', required: true }],
      }),
    );
    const edited = await runTend([...store, 'prompt-sets', 'edit', 'workforce', '--file', file]);
    assert.equal(edited.code, 0, edited.stderr);
    assert.match(edited.stdout, /version 2/);
    fs.writeFileSync(file, JSON.stringify({ title: '', fields: [] }));
    const refused = await runTend([...store, 'prompt-sets', 'edit', 'workforce', '--file', file]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /title/);
    assert.match(refused.stderr, /description/);
    assert.match(refused.stderr, /fields/);

    const check = await openStoreOf(store);
    try {
      const entries = await check.db
        .selectFrom('audit_log')
        .select(['action', 'actor_label'])
        .where('entity_type', '=', 'prompt_set')
        .execute();
      assert.equal(entries.length, 1);
      assert.match(entries[0].actor_label, /^cli/);
    } finally {
      await check.close();
    }
  });
});
