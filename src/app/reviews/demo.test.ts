import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bundled, openLoadedStore } from '../../../test/helpers/loaded-store.ts';
import { testBackend } from '../../../test/helpers/test-store.ts';
import { operator } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { createDemoAccounts } from '../demo-accounts.ts';
import { createDemoReviews } from './demo.ts';
import { reviewPack } from './pack.ts';

const now = new Date('2026-12-01T09:00:00Z');

describe(`the demo review (${testBackend})`, () => {
  let store: Store;
  before(async () => {
    store = await openLoadedStore([bundled.odsTrusts, bundled.trustLookup], { computeSignals: false });
  });
  after(async () => {
    await store?.close();
  });

  it('records a completed example review of the trust with its region, its follow-ups due minutes after now', async () => {
    const context = { db: store.db, actor: operator('demo'), clock: () => now };
    await createDemoAccounts(context);
    const followUpAt = new Date(now.getTime() + 3 * 60_000);
    const made = await createDemoReviews(
      context,
      { orgCode: 'RYY', metricId: 'ae-4hr-type1' },
      { followUpAt },
    );
    const review = await store.db
      .selectFrom('review')
      .selectAll()
      .where('id', '=', made.reviewId)
      .executeTakeFirstOrThrow();
    assert.equal(review.state, 'held');
    assert.equal(review.is_example, true);
    assert.equal(review.org_code, 'RYY');
    const region = await store.db
      .selectFrom('membership')
      .select('parent_code')
      .where('member_code', '=', 'RYY')
      .where('relation', '=', 'region')
      .executeTakeFirstOrThrow();
    assert.equal(review.overseer_org_code, region.parent_code);
    assert.equal(String(review.follow_up_on).slice(0, 10), '2026-12-01');
    assert.equal(String(review.held_on).slice(0, 10), '2026-10-20', 'six weeks before');
    assert.match(review.notes, /^Example:/);
    const actions = await store.db
      .selectFrom('review_action')
      .selectAll()
      .where('review_id', '=', made.reviewId)
      .orderBy('id')
      .execute();
    assert.equal(actions.length, 2);
    const contributor = await store.db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', 'contributor.ryy@tend-demo.example')
      .executeTakeFirstOrThrow();
    assert.equal(actions[0].owner_user_id, contributor.id);
    assert.equal(actions[1].owner_side, 'overseer');
    assert.ok(actions.every((action) => action.description.startsWith('Example:')));
    const followUps = await store.db
      .selectFrom('follow_up')
      .selectAll()
      .where('review_id', '=', made.reviewId)
      .execute();
    assert.deepEqual(
      followUps.map((row) => [row.review_action_id, String(row.due_on).slice(0, 10), row.state]).sort(),
      actions.map((action) => [action.id, '2026-12-01', 'scheduled']).sort(),
    );
    const agreedBy = await store.db
      .selectFrom('app_user')
      .select('email')
      .where('id', '=', review.agreed_by)
      .executeTakeFirst();
    assert.equal(agreedBy?.email, `oversight.${region.parent_code.toLowerCase()}@tend-demo.example`);
    // The next quarter's review is planned, and its pack shows what was agreed at this one.
    const next = await store.db
      .selectFrom('review')
      .selectAll()
      .where('id', '=', made.nextReviewId as number)
      .executeTakeFirstOrThrow();
    assert.deepEqual([next.state, next.quarter, next.is_example], ['planned', 'Q4 2026/27', true]);
    const pack = await reviewPack(context, { org: 'RYY', quarter: next.quarter, reviewId: next.id });
    const agreed = JSON.stringify(pack);
    for (const action of actions) assert.ok(agreed.includes(action.description), action.description);
  });
});
