import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openTestStore, testBackend } from '../../test/helpers/test-store.ts';
import type { Store } from './db.ts';
import { insertAuditEntry } from './repos/audit-repo.ts';

describe(`the audit log is append-only in the database (${testBackend})`, () => {
  let store: Store;
  let snapshot = '';
  const rows = async () =>
    JSON.stringify((await sql`select * from audit_log order by id`.execute(store.db)).rows);

  before(async () => {
    store = await openTestStore();
    for (const action of ['user.add', 'role.grant'])
      await insertAuditEntry(store.db, {
        at: new Date('2026-11-30T10:00:00Z'),
        actorUserId: null,
        actorLabel: 'test',
        action,
        entityType: 'user',
        entityId: '1',
        orgCode: null,
        before: null,
        after: { email: 'ada@example.nhs.uk' },
      });
    snapshot = await rows();
  });
  after(() => store.close());

  for (const [name, statement] of [
    ['UPDATE', sql`update audit_log set actor_label = 'someone else' where action = 'user.add'`],
    ['UPDATE of every row', sql`update audit_log set after = null`],
    ['DELETE', sql`delete from audit_log where action = 'role.grant'`],
    ['DELETE of every row', sql`delete from audit_log`],
    ['TRUNCATE', sql`truncate audit_log`],
  ] as const)
    it(`refuses ${name}, and the entries stay as they were`, async () => {
      await assert.rejects(statement.execute(store.db), /audit_log table is append-only/);
      assert.equal(await rows(), snapshot);
    });

  it('still takes new entries', async () => {
    await insertAuditEntry(store.db, {
      at: new Date('2026-11-30T11:00:00Z'),
      actorUserId: null,
      actorLabel: 'test',
      action: 'user.disable',
      entityType: 'user',
      entityId: '1',
      orgCode: null,
      before: null,
      after: null,
    });
    const count = await sql<{ n: number }>`select count(*)::integer as n from audit_log`.execute(store.db);
    assert.equal(count.rows[0].n, 3);
  });
});
