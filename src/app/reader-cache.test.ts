import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestStore, testBackend } from '../../test/helpers/test-store.ts';
import { type Actor, anonymous, operator } from '../policies/actor.ts';
import type { Store } from '../store/db.ts';
import { bumpStoreVersion } from '../store/repos/version-repo.ts';
import { readerKey, rememberForReader } from './reader-cache.ts';

function user(userId: number, grants: { role: 'member' | 'admin'; scopeCode: string }[]): Actor {
  return {
    kind: 'user',
    userId,
    email: `person${userId}@example.nhs.uk`,
    name: `Person ${userId}`,
    via: 'session',
    grants: grants.map(({ role, scopeCode }) => ({
      role,
      scopeKind: 'organisation',
      scopeCode,
      validFrom: '2026-01-01',
      validTo: null,
    })),
  };
}

describe(`results kept per reader (${testBackend})`, () => {
  let store: Store;
  const day = new Date('2026-12-01T10:00:00Z');
  before(async () => {
    store = await openTestStore();
  });
  after(async () => {
    await store?.close();
  });

  it('names readers apart by id and by every grant, whatever the grants’ order', () => {
    const a = user(1, [
      { role: 'member', scopeCode: 'RYY' },
      { role: 'admin', scopeCode: 'RJ1' },
    ]);
    const sameGrantsOtherOrder = user(1, [
      { role: 'admin', scopeCode: 'RJ1' },
      { role: 'member', scopeCode: 'RYY' },
    ]);
    const keys = [
      readerKey(a),
      readerKey(user(2, [{ role: 'member', scopeCode: 'RYY' }])),
      readerKey(user(1, [{ role: 'member', scopeCode: 'RYY' }])),
      readerKey(user(1, [{ role: 'admin', scopeCode: 'RYY' }])),
      readerKey(anonymous),
      readerKey(operator('cli')),
      readerKey(operator('demo')),
    ];
    assert.equal(new Set(keys).size, keys.length, keys.join(' / '));
    assert.equal(readerKey(sameGrantsOtherOrder), readerKey(a));
  });

  it('reuses a result for the same reader until the store changes, and never for another reader or day', async () => {
    let computed = 0;
    const compute = async () => ++computed;
    const reader = user(7, [{ role: 'member', scopeCode: 'RYY' }]);
    const context = { db: store.db, actor: reader, clock: () => day };
    assert.equal(await rememberForReader(context, 'page', compute), 1);
    assert.equal(await rememberForReader(context, 'page', compute), 1, 'kept for the same reader');
    assert.equal(await rememberForReader(context, 'other page', compute), 2, 'another key is its own');
    assert.equal(await rememberForReader({ ...context, actor: anonymous }, 'page', compute), 3);
    assert.equal(
      await rememberForReader({ ...context, clock: () => new Date('2026-12-02T10:00:00Z') }, 'page', compute),
      4,
      'a new day reads again',
    );
    await store.db.transaction().execute((trx) => bumpStoreVersion(trx, { data: false }));
    assert.equal(await rememberForReader(context, 'page', compute), 5, 'a commit is seen by the next read');
    assert.equal(await rememberForReader(context, 'page', compute), 5);
  });

  it('forgets a failed computation, so the next read tries again', async () => {
    const context = { db: store.db, actor: anonymous, clock: () => day };
    await assert.rejects(
      rememberForReader(context, 'failing', async () => {
        throw new Error('store unavailable');
      }),
    );
    assert.equal(await rememberForReader(context, 'failing', async () => 'recovered'), 'recovered');
  });
});
