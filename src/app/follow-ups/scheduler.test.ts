import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { addCast, addTwoOrganisations, orgA } from '../../../test/helpers/narratives.ts';
import { addReviewFixture } from '../../../test/helpers/reviews.ts';
import { createTestDatabase, testBackend } from '../../../test/helpers/test-store.ts';
import type { Store } from '../../store/db.ts';
import { openStore } from '../../store/db.ts';
import { inboxOnlyMailer } from '../mail/mailer.ts';
import { followUpQueue, startFollowUpScheduler } from './scheduler.ts';

const dueOn = '2026-11-12';

async function stateOf(store: Store, id: number): Promise<string | undefined> {
  return (await store.db.selectFrom('follow_up').select('state').where('id', '=', id).executeTakeFirst())
    ?.state;
}

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(`the follow-up schedule on pg-boss (${testBackend})`, () => {
  let store: Store;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  before(async () => {
    database = await createTestDatabase();
    store = await openStore({ databaseUrl: database?.url, dataDir: 'memory://' });
  });
  after(async () => {
    await store.close();
    await database?.drop();
  });

  it('starts on the store, sweeps once at start and when triggered after the clock moves six weeks, and stops', async () => {
    await addTwoOrganisations(store);
    let now = new Date('2026-10-01T12:00:00Z');
    const clock = () => now;
    const people = await addCast(store, clock);
    const { followUpIds } = await addReviewFixture(store, {
      orgCode: orgA,
      overseerCode: 'Y01',
      heldOn: '2026-10-01',
      followUpOn: dueOn,
      agreedBy: people.oversightRegionA.id,
      actions: [{ description: 'a discharge lounge', ownerUserId: people.contributorA.id }],
    });
    const errors: unknown[] = [];
    const sweeps: number[][] = [];
    const scheduler = await startFollowUpScheduler(store, {
      mailer: inboxOnlyMailer,
      databaseUrl: database?.url,
      clock,
      pollingIntervalSeconds: 0.5,
      onError: (error) => errors.push(error),
      onSweep: (result) => sweeps.push([...result.asked]),
    });
    try {
      // The schedule is recorded, every minute.
      const schedules = await scheduler.boss.getSchedules(followUpQueue);
      assert.deepEqual(
        schedules.map((each) => each.cron),
        ['* * * * *'],
      );
      // The job queued at start has run (on the clock's day nothing is due yet).
      await until(async () =>
        (await scheduler.boss.findJobs(followUpQueue)).some((job) => job.state === 'completed'),
      );
      assert.equal(await stateOf(store, followUpIds[0]), 'scheduled');

      now = new Date('2026-11-12T08:00:00Z');
      await scheduler.trigger();
      await until(async () => (await stateOf(store, followUpIds[0])) === 'asked');
      assert.deepEqual(sweeps, [followUpIds]);
      const inbox = await store.db
        .selectFrom('inbox_message')
        .select(['user_id', 'href'])
        .orderBy('user_id')
        .execute();
      assert.deepEqual(inbox, [
        { user_id: people.contributorA.id, href: `/follow-ups/${followUpIds[0]}` },
        { user_id: people.oversightRegionA.id, href: `/follow-ups/${followUpIds[0]}` },
      ]);
      assert.deepEqual(errors, []);
    } finally {
      await scheduler.stop();
    }
    // The store is still usable after pg-boss has stopped.
    const count = await sql<{ n: number }>`select count(*)::int as n from follow_up`.execute(store.db);
    assert.equal(count.rows[0].n, 1);
  });
});
