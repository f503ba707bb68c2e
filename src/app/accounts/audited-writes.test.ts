import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { addPerson, testPassword } from '../../../test/helpers/people.ts';
import { addTwoTrusts } from '../../../test/helpers/people-store.ts';
import { openTestStore, resetTestStore, testBackend } from '../../../test/helpers/test-store.ts';
import { operator } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { saveSession } from '../../store/repos/session-repo.ts';
import { insertUser } from '../../store/repos/user-repo.ts';
import { auditedWrite, type UseCaseContext } from '../context.ts';
import { signInWithPassword } from './sign-in.ts';
import { createToken, revokeToken } from './tokens.ts';
import { addUser, disableUser, grantRole, revokeRole, setPassword } from './users.ts';

/** Every table a people write touches, and the audit log and versions, as one comparable text. */
async function snapshot(store: Store): Promise<string> {
  const tables = {
    app_user: sql`select * from app_user order by id`,
    role_grant: sql`select * from role_grant order by id`,
    api_token: sql`select * from api_token order by id`,
    web_session: sql`select * from web_session order by sid`,
    audit_log: sql`select * from audit_log order by id`,
    store_version: sql`select * from store_version`,
  };
  const rows: Record<string, unknown> = {};
  for (const [name, query] of Object.entries(tables)) rows[name] = (await query.execute(store.db)).rows;
  return JSON.stringify(rows);
}

const auditCount = async (store: Store) =>
  (await sql<{ n: number }>`select count(*)::integer as n from audit_log`.execute(store.db)).rows[0].n;

describe(`every account write is audited, once, or not at all (${testBackend})`, () => {
  let store: Store;
  let context: UseCaseContext;
  const now = new Date('2026-11-30T10:00:00Z');

  before(async () => {
    store = await openTestStore();
    context = { db: store.db, actor: operator('test'), clock: () => now };
  });
  after(() => store.close());
  beforeEach(async () => {
    await resetTestStore(store);
    await addTwoTrusts(store);
    const ada = await addPerson(
      store,
      'ada@example.nhs.uk',
      [{ role: 'admin', scopeKind: 'organisation', scopeCode: 'RYY' }],
      () => now,
    );
    await createToken(context, { email: 'ada@example.nhs.uk', name: 'notebook' });
    await saveSession(store.db, {
      sid: 'ada-session',
      userId: ada,
      data: { userId: ada },
      expiresAt: new Date('2026-12-01T10:00:00Z'),
      now,
    });
  });

  const writes: [name: string, action: string, run: () => Promise<unknown>][] = [
    [
      'addUser',
      'user.add',
      () => addUser(context, { email: 'grace@example.nhs.uk', name: 'Grace', password: testPassword }),
    ],
    [
      'setPassword',
      'user.set_password',
      () => setPassword(context, 'ada@example.nhs.uk', 'quiet-otter-lantern-58'),
    ],
    [
      'grantRole',
      'role.grant',
      () =>
        grantRole(context, {
          email: 'ada@example.nhs.uk',
          role: 'contributor',
          scopeKind: 'organisation',
          scopeCode: 'RJ1',
        }),
    ],
    [
      'revokeRole',
      'role.revoke',
      () =>
        revokeRole(context, {
          email: 'ada@example.nhs.uk',
          role: 'admin',
          scopeKind: 'organisation',
          scopeCode: 'RYY',
        }),
    ],
    ['disableUser', 'user.disable', () => disableUser(context, 'ada@example.nhs.uk')],
    [
      'createToken',
      'token.create',
      () => createToken(context, { email: 'ada@example.nhs.uk', name: 'script' }),
    ],
    [
      'revokeToken',
      'token.revoke',
      () => revokeToken(context, { email: 'ada@example.nhs.uk', name: 'notebook' }),
    ],
    [
      'signInWithPassword',
      'user.sign_in',
      () =>
        signInWithPassword(context, { email: 'ada@example.nhs.uk', password: testPassword, address: '::1' }),
    ],
    [
      'signInWithPassword (a wrong password)',
      'user.sign_in_failed',
      () =>
        signInWithPassword(context, {
          email: 'ada@example.nhs.uk',
          password: 'not-the-password',
          address: '::1',
        }),
    ],
  ];

  for (const [name, action, run] of writes) {
    it(`${name} leaves exactly one audit entry, ${action}, and moves the dialogue version on`, async () => {
      const entries = await auditCount(store);
      const version = await sql<{ v: number }>`select dialogue_version as v from store_version`.execute(
        store.db,
      );
      if (action === 'user.sign_in_failed') await assert.rejects(run(), { code: 'SIGN_IN_FAILED' });
      else await run();
      assert.equal(await auditCount(store), entries + 1);
      const newest = await store.db
        .selectFrom('audit_log')
        .select(['action', 'at'])
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(newest.action, action);
      assert.equal(newest.at.toISOString(), now.toISOString());
      const after = await sql<{ v: number }>`select dialogue_version as v from store_version`.execute(
        store.db,
      );
      assert.equal(Number(after.rows[0].v), Number(version.rows[0].v) + 1);
    });

    it(`${name} keeps nothing when its audit entry cannot be written after the change`, async () => {
      const held = await snapshot(store);
      await sql`create function tend_test_fail_audit() returns trigger language plpgsql as $$
        begin raise exception 'forced failure writing the audit entry'; end $$`.execute(store.db);
      await sql`create trigger tend_test_fail_audit before insert on audit_log
        for each row execute function tend_test_fail_audit()`.execute(store.db);
      try {
        await assert.rejects(run(), /forced failure writing the audit entry/);
      } finally {
        await sql`drop trigger tend_test_fail_audit on audit_log`.execute(store.db);
        await sql`drop function tend_test_fail_audit()`.execute(store.db);
      }
      assert.equal(await snapshot(store), held);
    });
  }

  it('a write refused by validation leaves no entry and changes nothing', async () => {
    const held = await snapshot(store);
    await assert.rejects(addUser(context, { email: 'not-an-email', name: '', password: 'short' }), {
      code: 'VALIDATION_FAILED',
    });
    await assert.rejects(
      grantRole(context, {
        email: 'ada@example.nhs.uk',
        role: 'system-lead',
        scopeKind: 'system',
        scopeCode: 'RYY',
      }),
      { code: 'VALIDATION_FAILED' },
    );
    await assert.rejects(setPassword(context, 'ada@example.nhs.uk', 'password123'), {
      code: 'VALIDATION_FAILED',
    });
    await assert.rejects(createToken(context, { email: 'ada@example.nhs.uk', name: 'notebook' }), {
      code: 'VALIDATION_FAILED',
    });
    assert.equal(await snapshot(store), held);
  });

  it('an error thrown inside auditedWrite after the write keeps neither the write nor an entry', async () => {
    const held = await snapshot(store);
    await assert.rejects(
      auditedWrite(context, {}, async (trx, at) => {
        await insertUser(trx, {
          email: 'grace@example.nhs.uk',
          displayName: 'Grace',
          passwordHash: null,
          createdAt: at,
        });
        throw new Error('forced failure after the write');
      }),
      /forced failure after the write/,
    );
    assert.equal(await snapshot(store), held);
  });
});
