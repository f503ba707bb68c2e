import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  addCast,
  addTwoOrganisations,
  type CastMember,
  type CastName,
  contextFor,
  orgA,
  orgB,
} from '../../../test/helpers/narratives.ts';
import { addReviewFixture } from '../../../test/helpers/reviews.ts';
import { startSmtpServer, type TestSmtpServer } from '../../../test/helpers/smtp.ts';
import { openTestStore, resetTestStore, testBackend } from '../../../test/helpers/test-store.ts';
import { AppError } from '../../errors.ts';
import { type Actor, anonymous, operator } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { inboxOnlyMailer, type Mailer, smtpMailer } from '../mail/mailer.ts';
import { answerFollowUp } from './answer.ts';
import { askDueFollowUps } from './ask.ts';
import { readChangeOnSeries } from './change-claim.ts';
import { createDemoFollowUps } from './demo.ts';
import { followThrough, followThroughLines } from './follow-through.ts';
import { markInboxMessageRead, myInbox, readableOutbox, readInboxMessage, unreadCount } from './inbox.ts';
import { findFollowUps, getFollowUp } from './read.ts';

const heldOn = '2026-10-01';
const dueOn = '2026-11-12';
const beforeDue = () => new Date('2026-10-20T09:00:00Z');
const sixWeeksOn = () => new Date('2026-11-12T09:01:00Z');
const metric = 'ae-4hr-type1';

function rejectsWith(code: AppError['code'], check?: (error: AppError) => void) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    check?.(error);
    return true;
  };
}

describe(`follow-ups: asking on the due date, answering, the inbox and follow-through (${testBackend})`, () => {
  let store: Store;
  let smtp: TestSmtpServer;
  let people: Record<CastName, CastMember>;
  let followUpIds: number[];
  const sweep = (clock: () => Date, mailer: Mailer = inboxOnlyMailer) =>
    askDueFollowUps(contextFor(store, operator('follow-ups'), clock), mailer, {
      origin: 'https://tend.example.org',
    });
  const as = (actor: Actor, clock = sixWeeksOn) => contextFor(store, actor, clock);

  before(async () => {
    store = await openTestStore();
    smtp = await startSmtpServer();
  });
  after(async () => {
    await smtp.close();
    await store.close();
  });
  beforeEach(async () => {
    await resetTestStore(store);
    await addTwoOrganisations(store);
    people = await addCast(store, beforeDue);
    const ids = await addReviewFixture(store, {
      orgCode: orgA,
      overseerCode: 'Y01',
      heldOn,
      followUpOn: dueOn,
      agreedBy: people.oversightRegionA.id,
      offers: [
        { fromOrgCode: orgB, metricId: metric, state: 'accepted' },
        { fromOrgCode: orgB, metricId: metric, state: 'made' },
      ],
      actions: [
        { description: 'a discharge lounge open until 8pm', ownerUserId: people.contributorA.id, offer: 0 },
        { description: 'a daily board round on every ward' },
      ],
    });
    followUpIds = ids.followUpIds;
  });

  it('asks nobody before the due date, then on it asks once: inbox messages, outbox rows and emails that arrive', async () => {
    assert.deepEqual((await sweep(beforeDue)).asked, []);
    const received = smtp.received.length;
    const mailer = smtpMailer(smtp.url, 'tend@example.org');
    const first = await sweep(sixWeeksOn, mailer);
    assert.deepEqual(first.asked, followUpIds);
    // The owned action asks its owner and the overseer who agreed it; the other asks A's contributors and admins and the overseer.
    assert.equal(first.inboxMessages, 2 + 3);
    assert.equal(first.emails, 5);
    assert.equal(first.sent, 5);
    const mails = await smtp.waitFor(received + 5);
    const mine = mails
      .slice(received)
      .filter((mail) => mail.to && !Array.isArray(mail.to) && mail.to.text === people.contributorA.email);
    assert.equal(mine.length, 2);
    const lounge = mine.find((mail) => mail.subject?.includes('discharge lounge'));
    assert.equal(lounge?.subject, 'How did it go with a discharge lounge open until 8pm?');
    assert.match(lounge?.text ?? '', /Do you need any help to use their suggestions\?/);
    assert.match(lounge?.text ?? '', /Birch Hospitals NHS Foundation Trust/);
    assert.match(lounge?.text ?? '', new RegExp(`https://tend\\.example\\.org/follow-ups/${followUpIds[0]}`));

    const second = await sweep(sixWeeksOn, mailer);
    await mailer.close?.();
    assert.deepEqual(second.asked, []);
    assert.equal(smtp.received.length, received + 5);

    const inbox = await myInbox(as(people.contributorA.actor));
    assert.equal(inbox.length, 2);
    assert.equal(await unreadCount(as(people.contributorA.actor)), 2);
    assert.equal((await myInbox(as(people.adminA.actor))).length, 1);
    assert.equal((await myInbox(as(people.oversightRegionA.actor))).length, 2);
    assert.equal((await myInbox(as(people.memberA.actor))).length, 0);
    assert.equal((await myInbox(as(people.nationalOversight.actor))).length, 0);

    const outboxOfContributor = await readableOutbox(as(people.contributorA.actor));
    assert.equal(outboxOfContributor.length, 2);
    assert.ok(outboxOfContributor.every((row) => row.sent_at && row.transport === 'smtp' && !row.error));
    assert.equal((await readableOutbox(as(operator('cli')))).length, 5);
    await assert.rejects(readableOutbox(as(anonymous)), rejectsWith('UNAUTHENTICATED'));
  });

  it('opens only its own user’s message without writing; marking it read is one audited write, once', async () => {
    await sweep(sixWeeksOn);
    const [message] = await myInbox(as(people.contributorA.actor));
    for (const use of [readInboxMessage, markInboxMessageRead]) {
      await assert.rejects(use(as(people.adminA.actor), message.id), rejectsWith('NOT_FOUND'));
      await assert.rejects(use(as(operator('cli')), message.id), rejectsWith('FORBIDDEN'));
      await assert.rejects(use(as(anonymous), message.id), rejectsWith('UNAUTHENTICATED'));
    }
    const entries = async () =>
      Number(
        (
          await store.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('action', '=', 'inbox.read')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const opened = await readInboxMessage(as(people.contributorA.actor), message.id);
    assert.equal(opened.read_at, null, 'reading does not mark it read');
    assert.equal(await entries(), 0);
    const marked = await markInboxMessageRead(as(people.contributorA.actor), message.id);
    assert.ok(marked.read_at);
    assert.equal(await unreadCount(as(people.contributorA.actor)), 1);
    await markInboxMessageRead(as(people.contributorA.actor), message.id);
    assert.equal(await entries(), 1, 'marking it read again writes nothing');
  });

  it('without SMTP the outbox says inbox only; a failed send keeps the inbox message and records the error', async () => {
    await sweep(sixWeeksOn);
    const rows = await readableOutbox(as(operator('cli')));
    assert.equal(rows.length, 5);
    assert.ok(
      rows.every((row) => row.transport === 'inbox_only' && row.sent_at === null && row.error === null),
    );

    await resetTestStore(store);
    await addTwoOrganisations(store);
    people = await addCast(store, beforeDue);
    await addReviewFixture(store, {
      orgCode: orgA,
      overseerCode: 'Y01',
      heldOn,
      followUpOn: dueOn,
      agreedBy: people.oversightRegionA.id,
      actions: [{ description: 'a weekly huddle', ownerUserId: people.contributorA.id }],
    });
    const failing: Mailer = {
      transport: 'smtp',
      async send() {
        throw new Error('connection refused');
      },
    };
    const result = await sweep(sixWeeksOn, failing);
    assert.equal(result.failed, 2);
    assert.equal((await myInbox(as(people.contributorA.actor))).length, 1);
    const failed = await readableOutbox(as(operator('cli')));
    assert.ok(failed.every((row) => row.error === 'connection refused' && row.sent_at === null));
  });

  it('lets the owner, A’s writers and the overseer answer; others may not; every problem at once; once only', async () => {
    await sweep(sixWeeksOn);
    const [lounge, board] = followUpIds;
    await assert.rejects(
      answerFollowUp(as(people.memberB.actor), lounge, { outcome: 'partly', answer: 'x' }),
      rejectsWith('NOT_FOUND'),
    );
    await assert.rejects(
      answerFollowUp(as(people.facilitator.actor), lounge, { outcome: 'partly', answer: 'x' }),
      rejectsWith('NOT_FOUND'),
    );
    await assert.rejects(
      answerFollowUp(as(people.memberA.actor), lounge, { outcome: 'partly', answer: 'x' }),
      rejectsWith('FORBIDDEN'),
    );
    await assert.rejects(
      answerFollowUp(as(people.systemLeadA.actor), lounge, { outcome: 'partly', answer: 'x' }),
      rejectsWith('FORBIDDEN'),
    );
    await assert.rejects(
      answerFollowUp(as(people.contributorA.actor), lounge, {
        outcome: 'maybe',
        answer: '  ',
        change_made: 'yes',
        change_made_on: '2026-02-30',
      }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(
          error.details?.map((each) => each.slice(0, each.indexOf(':'))),
          ['outcome', 'answer', 'change_made_on'],
        ),
      ),
    );
    await assert.rejects(
      answerFollowUp(as(people.contributorA.actor), lounge, {
        outcome: 'partly',
        answer: 'Open until 8pm on weekdays.',
        change_made: 'yes',
        change_made_on: '2026-12-25',
      }),
      rejectsWith('VALIDATION_FAILED', (error) => assert.match(error.message, /must not be in the future/)),
    );
    await answerFollowUp(as(people.contributorA.actor), lounge, {
      outcome: 'partly',
      answer: 'Open until 8pm on weekdays.',
      change_made: 'yes',
      change_made_on: '2026-10-15',
    });
    await answerFollowUp(as(people.oversightRegionA.actor), board, {
      outcome: 'not_yet',
      answer: 'Starting in January.',
    });
    await assert.rejects(
      answerFollowUp(as(people.adminA.actor), lounge, { outcome: 'helped', answer: 'again' }),
      rejectsWith('CONFLICT'),
    );
    const detail = await getFollowUp(as(people.memberA.actor), lounge);
    assert.equal(detail?.followUp.outcome, 'partly');
    assert.equal(detail?.followUp.change_made_on, '2026-10-15');
    assert.equal(detail?.mayAnswer, false);
    // The accepted offer's metric is read since the change; A has no values of it yet.
    assert.deepEqual(
      detail?.readings.map((reading) => [reading.metricId, reading.verdict]),
      [[metric, 'no_points_yet']],
    );
    assert.deepEqual((await getFollowUp(as(people.memberA.actor), board))?.readings, []);
    assert.equal(await getFollowUp(as(people.contributorB.actor), lounge), null);
    assert.equal(await getFollowUp(as(anonymous), lounge), null);
  });

  it('lists follow-ups due by a date only to those who read the review', async () => {
    const due = (actor: Actor, dueBefore?: string) =>
      findFollowUps(as(actor), dueBefore ? { dueBefore } : {}).then((rows) => rows.map((row) => row.id));
    assert.deepEqual(await due(people.memberA.actor, dueOn), followUpIds);
    assert.deepEqual(await due(people.memberA.actor, '2026-11-11'), []);
    assert.deepEqual(await due(people.systemLeadA.actor), followUpIds);
    assert.deepEqual(await due(people.oversightRegionA.actor), followUpIds);
    assert.deepEqual(await due(people.nationalOversight.actor), followUpIds);
    assert.deepEqual(await due(operator('cli')), followUpIds);
    for (const outsider of ['memberB', 'adminB', 'facilitator', 'nobody'] as const)
      assert.deepEqual(await due(people[outsider].actor), [], outsider);
    assert.deepEqual(await due(anonymous), []);
  });

  it('counts follow-through for the organisation, its ICB, its region and England', async () => {
    await addReviewFixture(store, {
      orgCode: orgB,
      overseerCode: 'QBB',
      heldOn,
      followUpOn: '2026-11-05',
      agreedBy: null,
      offers: [{ fromOrgCode: orgA, metricId: metric, state: 'declined' }],
      actions: [
        { description: 'fix the rota', status: 'done', completedOn: '2026-11-10', dueOn: '2026-11-01' },
      ],
    });
    const day = '2026-11-20';
    const before = await followThrough(store.db, day);
    const a = before.organisations.find((each) => each.code === orgA)?.figures;
    assert.deepEqual(a, {
      organisations: 1,
      actionsDue: 2,
      actionsDoneOnTime: 0,
      offersMade: 2,
      offersAccepted: 1,
      followUpsDue: 2,
      followUpsAnswered: 0,
      followUpsAskedOnTime: 0,
    });
    const b = before.organisations.find((each) => each.code === orgB)?.figures;
    assert.equal(b?.actionsDoneOnTime, 0, 'done after its due date is not on time');
    assert.equal(b?.offersAccepted, 0);
    assert.equal(before.england.organisations, 2);
    assert.equal(before.england.offersMade, 3);

    await sweep(sixWeeksOn);
    await answerFollowUp(as(people.contributorA.actor), followUpIds[0], {
      outcome: 'partly',
      answer: 'Some of it.',
    });
    const afterwards = await followThrough(store.db, day);
    const system = afterwards.systems.get('QAA');
    assert.equal(system?.followUpsAnswered, 1);
    assert.equal(system?.followUpsAskedOnTime, 2);
    assert.equal(afterwards.regions.get('Y01')?.followUpsAnswered, 1);
    assert.equal(afterwards.regions.get('Y02')?.followUpsAnswered, 0);
    assert.equal(afterwards.england.followUpsDue, 3);
    assert.equal(afterwards.england.followUpsAskedOnTime, 2, 'B’s follow-up was never asked');
    assert.deepEqual(
      followThroughLines(afterwards.regions.get('Y01') ?? before.england).map((line) => [
        line.part,
        line.whole,
        line.share,
      ]),
      [
        [0, 2, 0],
        [1, 2, 50],
        [1, 2, 50],
        [2, 2, 100],
      ],
    );
  });
});

describe(`the demo's follow-ups (${testBackend})`, () => {
  it('lists the example follow-ups the schedule will ask, and none once asked', async () => {
    const store = await openTestStore();
    try {
      await resetTestStore(store);
      await addTwoOrganisations(store);
      const people = await addCast(store, beforeDue);
      const example = await addReviewFixture(store, {
        orgCode: orgA,
        overseerCode: 'Y01',
        heldOn,
        followUpOn: dueOn,
        agreedBy: people.oversightRegionA.id,
        actions: [{ description: 'an example action' }],
        isExample: true,
      });
      await addReviewFixture(store, {
        orgCode: orgB,
        overseerCode: 'Y02',
        heldOn,
        followUpOn: dueOn,
        agreedBy: null,
        actions: [{ description: 'a real action' }],
      });
      const demo = contextFor(store, operator('demo'), sixWeeksOn);
      assert.deepEqual(await createDemoFollowUps(demo), {
        toAsk: [{ id: example.followUpIds[0], dueOn, orgCode: orgA }],
      });
      await askDueFollowUps(demo, inboxOnlyMailer);
      assert.deepEqual(await createDemoFollowUps(demo), { toAsk: [] });
    } finally {
      await store.close();
    }
  });
});

describe('a claimed change read against the chart', () => {
  const months = (values: readonly number[]) =>
    values.map((value, index) => ({
      date: `${2024 + Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`,
      value,
    }));
  const noise = [70, 72, 69, 71, 70, 73, 68, 71, 70, 72, 69, 71, 70, 72, 71];

  it('sees special-cause improvement in a sustained shift after the change', () => {
    const points = months([...noise, 78, 79, 80, 78, 79, 80, 81, 79]);
    assert.equal(readChangeOnSeries(points, 'increase', '2025-04-01').verdict, 'improvement');
    assert.equal(readChangeOnSeries(points, 'decrease', '2025-04-01').verdict, 'no_change');
  });

  it('sees no change in common-cause variation, and gives no verdict on trial limits, no points or no direction', () => {
    const flat = months([...noise, 70, 71, 72, 70]);
    assert.equal(readChangeOnSeries(flat, 'increase', '2025-04-01').verdict, 'no_change');
    assert.equal(readChangeOnSeries(flat, 'increase', '2024-06-01').verdict, 'trial_limits');
    assert.equal(readChangeOnSeries(flat, 'increase', '2026-01-01').verdict, 'no_points_yet');
    assert.equal(readChangeOnSeries(flat, 'neutral', '2025-04-01').verdict, 'no_direction');
  });
});
