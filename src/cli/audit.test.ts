import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTend } from '../../test/helpers/cli.ts';
import { addPerson } from '../../test/helpers/people.ts';
import { addTwoTrusts, openStoreOf } from '../../test/helpers/people-store.ts';
import { tendStoreArgs, testBackend } from '../../test/helpers/test-store.ts';
import { revokeRole } from '../app/accounts/users.ts';
import { operator } from '../policies/actor.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-audit-'));
const testStore = await tendStoreArgs(path.join(scratch, 'db'));
const store = testStore.args;

describe(`tend audit (${testBackend})`, () => {
  before(async () => {
    const seeded = await openStoreOf(store);
    try {
      await addTwoTrusts(seeded);
      // user.add and role.grant for each person at their time, then Ada's role ended.
      await addPerson(
        seeded,
        'ada@example.nhs.uk',
        [{ role: 'admin', scopeKind: 'organisation', scopeCode: 'RYY' }],
        () => new Date('2026-11-01T09:00:00Z'),
      );
      await addPerson(
        seeded,
        'bob@example.nhs.uk',
        [{ role: 'member', scopeKind: 'organisation', scopeCode: 'RJ1' }],
        () => new Date('2026-11-10T09:00:00Z'),
      );
      await revokeRole(
        { db: seeded.db, actor: operator('cli:alice'), clock: () => new Date('2026-11-20T15:30:00Z') },
        { email: 'ada@example.nhs.uk', role: 'admin', scopeKind: 'organisation', scopeCode: 'RYY' },
      );
    } finally {
      await seeded.close();
    }
  });
  after(() => testStore.drop());

  it("shows one organisation's entries newest first, with before and after as JSON", async () => {
    const result = await runTend([...store, 'audit', '--org', 'ryy', '--format', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const entries = JSON.parse(result.stdout);
    assert.deepEqual(
      entries.map((entry: { action: string; at: string; orgCode: string }) => [
        entry.action,
        entry.at,
        entry.orgCode,
      ]),
      [
        ['role.revoke', '2026-11-20T15:30:00.000Z', 'RYY'],
        ['role.grant', '2026-11-01T09:00:00.000Z', 'RYY'],
      ],
    );
    assert.equal(entries[0].actorLabel, 'cli:alice');
    assert.equal(entries[0].before[0].role, 'admin');
    assert.equal(entries[0].after, null);
    assert.equal(entries[1].after.scope_code, 'RYY');
  });

  it('shows time, actor, action, entity and organisation as text, from a day on, up to a limit', async () => {
    const since = await runTend([...store, 'audit', '--since', '2026-11-10']);
    assert.equal(since.code, 0, since.stderr);
    const lines = since.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^time \(UTC\)\s+actor\s+action\s+entity\s+org$/);
    assert.equal(lines.length, 4, since.stdout);
    assert.match(lines[1], /^2026-11-20 15:30:00\s+cli:alice\s+role\.revoke\s+role_grant 1\s+RYY$/);
    assert.match(lines[2], /^2026-11-10 09:00:00\s+test\s+role\.grant\s+role_grant 2\s+RJ1$/);
    assert.match(lines[3], /^2026-11-10 09:00:00\s+test\s+user\.add\s+user 2$/);

    const limited = await runTend([...store, 'audit', '--limit', '1']);
    assert.equal(limited.code, 0, limited.stderr);
    assert.equal(limited.stdout.trimEnd().split('\n').length, 2);
    assert.match(limited.stderr, /Showing the newest 1 entries; older ones remain/);
  });

  it('lists every problem with the filter at once (exit 2), and an unknown organisation is not found (exit 3)', async () => {
    const bad = await runTend([...store, 'audit', '--since', '2026-02-30', '--limit', '0', '--org', 'R*Y']);
    assert.equal(bad.code, 2);
    const problems = bad.stderr
      .split('\n')
      .filter((line) => line.startsWith('  '))
      .map((line) => line.trim());
    assert.deepEqual(problems, [
      'org: must be an ODS code, such as RYY',
      'since: must be a real date',
      'limit: must be at least 1',
    ]);
    const unknown = await runTend([...store, 'audit', '--org', 'ZZZ9']);
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /No organisation has the code ZZZ9/);
  });
});
