import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addPerson } from '../../test/helpers/people.ts';
import { addTwoTrusts } from '../../test/helpers/people-store.ts';
import { openTestStore, testBackend } from '../../test/helpers/test-store.ts';
import { anonymous, operator } from '../policies/actor.ts';
import type { Store } from '../store/db.ts';
import { loadUserActor } from './accounts/actor.ts';
import { listAudit } from './audit.ts';
import { auditedWrite } from './context.ts';

describe(`listAudit: who reads which entries (${testBackend})`, () => {
  let store: Store;
  const now = new Date('2026-11-30T10:00:00Z');
  const clock = () => now;
  const ids: Record<string, number> = {};
  const as = async (name: string) => {
    const actor = await loadUserActor(store.db, ids[name], now, 'session');
    assert.ok(actor);
    return { db: store.db, actor, clock };
  };

  before(async () => {
    store = await openTestStore();
    await addTwoTrusts(store);
    const day = (date: string) => () => new Date(`${date}T09:00:00Z`);
    // Each person: a user.add entry (no organisation) and a role.grant entry (the role's organisation).
    ids.ada = await addPerson(
      store,
      'ada@example.nhs.uk',
      [{ role: 'admin', scopeKind: 'organisation', scopeCode: 'RYY' }],
      day('2026-11-01'),
    );
    ids.bob = await addPerson(
      store,
      'bob@example.nhs.uk',
      [{ role: 'admin', scopeKind: 'organisation', scopeCode: 'RJ1' }],
      day('2026-11-02'),
    );
    ids.cat = await addPerson(
      store,
      'cat@example.nhs.uk',
      [{ role: 'member', scopeKind: 'organisation', scopeCode: 'RYY' }],
      day('2026-11-03'),
    );
    ids.dan = await addPerson(
      store,
      'dan@example.nhs.uk',
      [{ role: 'oversight', scopeKind: 'england' }],
      day('2026-11-04'),
    );
    // Cat writes something for RYY, as herself.
    const cat = await as('cat');
    await auditedWrite({ ...cat, clock: day('2026-11-05') }, {}, async () => ({
      result: undefined,
      audit: {
        action: 'narrative.create',
        entityType: 'narrative',
        entityId: 7,
        orgCode: 'RYY',
        after: { title: 'x' },
      },
    }));
  });
  after(() => store.close());

  it("gives an organisation's admin its entries only, newest first, naming the people who acted", async () => {
    const ada = await as('ada');
    const { entries, more } = await listAudit(ada, { orgCode: 'ryy' });
    assert.equal(more, false);
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.orgCode, entry.actorName, entry.actorLabel]),
      [
        ['narrative.create', 'RYY', 'cat', `user:${ids.cat} cat@example.nhs.uk`],
        ['role.grant', 'RYY', null, 'test'],
        ['role.grant', 'RYY', null, 'test'],
      ],
    );
    const everything = await listAudit(ada);
    assert.deepEqual(
      everything.entries.map((entry) => entry.id),
      entries.map((entry) => entry.id),
      'without an organisation: the entries of the organisations she administers',
    );
    const since = await listAudit(ada, { orgCode: 'RYY', since: '2026-11-03' });
    assert.deepEqual(
      since.entries.map((entry) => entry.at.toISOString()),
      ['2026-11-05T09:00:00.000Z', '2026-11-03T09:00:00.000Z'],
    );
  });

  it("refuses everyone else: another organisation's admin, its members, national oversight, and visitors", async () => {
    await assert.rejects(listAudit(await as('ada'), { orgCode: 'RJ1' }), { code: 'FORBIDDEN' });
    await assert.rejects(listAudit(await as('bob'), { orgCode: 'RYY' }), { code: 'FORBIDDEN' });
    await assert.rejects(listAudit(await as('cat'), { orgCode: 'RYY' }), { code: 'FORBIDDEN' });
    await assert.rejects(listAudit(await as('cat')), { code: 'FORBIDDEN' });
    await assert.rejects(listAudit(await as('dan'), { orgCode: 'RYY' }), { code: 'FORBIDDEN' });
    await assert.rejects(listAudit({ db: store.db, actor: anonymous, clock }, { orgCode: 'RYY' }), {
      code: 'UNAUTHENTICATED',
    });
    const bob = await listAudit(await as('bob'));
    assert.deepEqual(
      bob.entries.map((entry) => entry.orgCode),
      ['RJ1'],
    );
  });

  it('gives the operator everything, a page at a time', async () => {
    const context = { db: store.db, actor: operator('cli:test'), clock };
    const all = await listAudit(context);
    assert.equal(all.entries.length, 9, 'four people added, four roles granted, one narrative');
    assert.equal(
      all.entries.filter((entry) => entry.orgCode === null).length,
      5,
      'user.add, and the England grant',
    );
    const first = await listAudit(context, { limit: 4 });
    assert.equal(first.more, true);
    const second = await listAudit(context, { limit: 4, before: first.entries[3].id });
    const third = await listAudit(context, { limit: 4, before: second.entries[3].id });
    assert.equal(third.more, false);
    assert.deepEqual(
      [...first.entries, ...second.entries, ...third.entries].map((entry) => entry.id),
      all.entries.map((entry) => entry.id),
    );
    await assert.rejects(listAudit(context, { orgCode: 'ZZZ9' }), { code: 'NOT_FOUND' });
  });

  it('lists every problem with the query at once, once the actor may read the log at all', async () => {
    const query = { orgCode: 'R Y', since: '2026-11-31', limit: 1.5, before: -1 };
    await assert.rejects(listAudit(await as('ada'), query), { code: 'FORBIDDEN' }, 'no admin of "R Y"');
    await assert.rejects(
      listAudit({ db: store.db, actor: operator('cli:test'), clock }, query),
      (error: { code: string; details: string[] }) => {
        assert.equal(error.code, 'VALIDATION_FAILED');
        assert.deepEqual(error.details, [
          'org: must be an ODS code, such as RYY',
          'since: must be a real date',
          'limit: must be a whole number',
          'before: must be a positive entry id',
        ]);
        return true;
      },
    );
  });
});
