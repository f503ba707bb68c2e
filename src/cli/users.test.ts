import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTend } from '../../test/helpers/cli.ts';
import { testPassword } from '../../test/helpers/people.ts';
import { addTwoTrusts, openStoreOf } from '../../test/helpers/people-store.ts';
import { tendStoreArgs, testBackend } from '../../test/helpers/test-store.ts';
import { verifyPassword } from '../app/accounts/passwords.ts';
import { findUserByEmail } from '../store/repos/user-repo.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-users-'));
const testStore = await tendStoreArgs(path.join(scratch, 'db'));
const store = testStore.args;

/** The detail lines of a VALIDATION_FAILED report: `  field: problem`. */
const problemLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('  '))
    .map((line) => line.trim());

const listed = async () => {
  const list = await runTend([...store, 'users', 'list', '--format', 'json']);
  assert.equal(list.code, 0, list.stderr);
  return JSON.parse(list.stdout) as {
    email: string;
    name: string;
    disabled: boolean;
    roles: {
      role: string;
      scopeKind: string;
      scopeCode: string | null;
      validFrom: string;
      validTo: string | null;
    }[];
  }[];
};

describe(`tend users (${testBackend})`, () => {
  before(async () => {
    const seeded = await openStoreOf(store);
    try {
      await addTwoTrusts(seeded);
    } finally {
      await seeded.close();
    }
  });
  after(() => testStore.drop());

  it('adds a person with a password read from standard input, audited as the operator at this login', async () => {
    const added = await runTend(
      [...store, 'users', 'add', 'Ada@Example.nhs.uk', '--name', 'Ada Lovelace', '--password-stdin'],
      { input: `${testPassword}\n` },
    );
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.stdout.trim(), 'Added ada@example.nhs.uk (Ada Lovelace).');
    const withoutPassword = await runTend([
      ...store,
      'users',
      'add',
      'grace@example.nhs.uk',
      '--name',
      'Grace',
    ]);
    assert.equal(withoutPassword.code, 0, withoutPassword.stderr);
    assert.match(withoutPassword.stdout, /without a password: they can sign in with single sign-on/);

    const check = await openStoreOf(store);
    try {
      const ada = await findUserByEmail(check.db, 'ada@example.nhs.uk');
      assert.ok(ada?.password_hash, 'a password was set');
      assert.equal(
        await verifyPassword(testPassword, ada.password_hash),
        true,
        'the line break is not part of it',
      );
      assert.equal((await findUserByEmail(check.db, 'grace@example.nhs.uk'))?.password_hash, null);
      const entries = await check.db
        .selectFrom('audit_log')
        .select(['action', 'actor_label', 'actor_user_id'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        entries.map((entry) => entry.action),
        ['user.add', 'user.add'],
      );
      for (const entry of entries) {
        assert.equal(entry.actor_label, `cli:${os.userInfo().username}`);
        assert.equal(entry.actor_user_id, null);
      }
    } finally {
      await check.close();
    }
  });

  it('lists every problem with a new person at once, one a line, and exits 2', async () => {
    const refused = await runTend([...store, 'users', 'add', 'not-an-email', '--password-stdin'], {
      input: 'short',
    });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /^tend: 3 problem\(s\); nothing was done:/);
    assert.deepEqual(problemLines(refused.stderr), [
      'email: must be an email address',
      'name: must not be empty',
      'password: must be at least 12 characters (three random words make a good one)',
    ]);
    assert.equal(refused.stdout, '');
  });

  it('grants roles over the scope each takes, and lists the roles in force today', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const grants = [
      ['admin', '--org', 'ryy'],
      ['oversight', '--england'],
      ['member', '--org', 'RJ1', '--from', tomorrow],
      ['facilitator'],
    ];
    for (const grant of grants) {
      const granted = await runTend([...store, 'users', 'grant', 'ada@example.nhs.uk', ...grant]);
      assert.equal(granted.code, 0, granted.stderr);
    }
    const ada = (await listed()).find((person) => person.email === 'ada@example.nhs.uk');
    const today = new Date().toISOString().slice(0, 10);
    assert.deepEqual(
      ada?.roles.map((role) => [role.role, role.scopeKind, role.scopeCode, role.validFrom, role.validTo]),
      [
        ['admin', 'organisation', 'RYY', today, null],
        ['oversight', 'england', null, today, null],
        ['facilitator', 'none', null, today, null],
      ],
      'the member role starts tomorrow, so it is not in force today',
    );
    const text = await runTend([...store, 'users', 'list']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^email\s+name\s+status\s+role\s+scope\s+from\s+until$/m);
    assert.match(
      text.stdout,
      /^ada@example\.nhs\.uk\s+Ada Lovelace\s+active\s+admin\s+organisation RYY\s+\d{4}/m,
    );
    assert.match(text.stdout, /^grace@example\.nhs\.uk\s+Grace\s+active$/m);
  });

  it('refuses a scope that does not fit the role, and lists every problem of a grant at once', async () => {
    const wrongScope = await runTend([
      ...store,
      'users',
      'grant',
      'ada@example.nhs.uk',
      'system-lead',
      '--org',
      'RYY',
    ]);
    assert.equal(wrongScope.code, 2);
    assert.deepEqual(problemLines(wrongScope.stderr), [
      'scope: system-lead is granted with --system ICB_CODE',
    ]);
    const facilitatorWithOrg = await runTend([
      ...store,
      'users',
      'grant',
      'ada@example.nhs.uk',
      'facilitator',
      '--org',
      'RYY',
    ]);
    assert.equal(facilitatorWithOrg.code, 2);
    assert.match(
      problemLines(facilitatorWithOrg.stderr)[0],
      /^scope: facilitator applies everywhere and takes no --org/,
    );

    const several = await runTend([
      ...store,
      'users',
      'grant',
      'nobody@example.nhs.uk',
      'oversight',
      '--region',
      'QKS',
      '--from',
      '2026-02-30',
    ]);
    assert.equal(several.code, 2);
    assert.deepEqual(problemLines(several.stderr), [
      'email: no user has the email address nobody@example.nhs.uk',
      'scope: QKS is not an NHS England region',
      'from: must be a date, YYYY-MM-DD',
    ]);
  });

  it('ends a role from today, and says when there is no such role to end (exit 3)', async () => {
    const ended = await runTend([...store, 'users', 'revoke', 'ada@example.nhs.uk', 'admin', '--org', 'RYY']);
    assert.equal(ended.code, 0, ended.stderr);
    assert.match(
      ended.stdout,
      /Ended the admin role \(organisation RYY\) of ada@example\.nhs\.uk from today/,
    );
    const ada = (await listed()).find((person) => person.email === 'ada@example.nhs.uk');
    assert.deepEqual(
      ada?.roles.map((role) => role.role),
      ['oversight', 'facilitator'],
    );
    const again = await runTend([...store, 'users', 'revoke', 'ada@example.nhs.uk', 'admin', '--org', 'RYY']);
    assert.equal(again.code, 3);
    assert.match(again.stderr, /holds no admin role for RYY today/);
  });

  it('sets a password only from standard input, and disables an account', async () => {
    const fromArguments = await runTend([...store, 'users', 'password', 'grace@example.nhs.uk']);
    assert.equal(fromArguments.code, 2);
    assert.match(fromArguments.stderr, /never read from the command line/);
    const set = await runTend([...store, 'users', 'password', 'grace@example.nhs.uk', '--password-stdin'], {
      input: 'quiet-otter-lantern-58\r\n',
    });
    assert.equal(set.code, 0, set.stderr);
    const disabled = await runTend([...store, 'users', 'disable', 'grace@example.nhs.uk']);
    assert.equal(disabled.code, 0, disabled.stderr);
    const unknown = await runTend([...store, 'users', 'disable', 'nobody@example.nhs.uk']);
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /No user has the email address nobody@example\.nhs\.uk/);

    const check = await openStoreOf(store);
    try {
      const row = await findUserByEmail(check.db, 'grace@example.nhs.uk');
      assert.ok(row?.disabled_at, 'disabled');
      assert.ok(row?.password_hash);
      assert.equal(await verifyPassword('quiet-otter-lantern-58', row.password_hash), true);
    } finally {
      await check.close();
    }
  });
});
