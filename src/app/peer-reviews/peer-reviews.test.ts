import assert from 'node:assert/strict';
import { before, beforeEach, describe, it } from 'node:test';
import {
  addCast,
  addTwoOrganisations,
  type CastMember,
  type CastName,
  contextFor,
  orgA,
  orgB,
} from '../../../test/helpers/narratives.ts';
import { addTwoTrusts } from '../../../test/helpers/people-store.ts';
import { openTestStore, resetTestStore, testBackend } from '../../../test/helpers/test-store.ts';
import { addMonths } from '../../domain/peer-review.ts';
import { AppError } from '../../errors.ts';
import { type Actor, anonymous, operator } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { followThroughCounts, listInbox } from '../../store/repos/follow-up-repo.ts';
import { answerFollowUp } from '../follow-ups/answer.ts';
import { askDueFollowUps } from '../follow-ups/ask.ts';
import { findFollowUps, getFollowUp } from '../follow-ups/read.ts';
import { inboxOnlyMailer } from '../mail/mailer.ts';
import { createDemoPeerReviews } from './demo.ts';
import { getPeerReview, listReadablePeerReviews } from './read.ts';
import { remindPeerReviewStages } from './reminders.ts';
import {
  addPeerTeamMember,
  answerPeerInvitation,
  confirmOnSiteDays,
  createPeerReview,
  publishPeerReviewReport,
  publishProgressReview,
  recordPeerFinding,
} from './write.ts';

const monday = new Date('2026-12-07T10:00:00Z');

function rejectsWith(code: AppError['code'], check?: (error: AppError) => void) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    check?.(error);
    return true;
  };
}

const scoping = {
  org: orgA,
  title: 'How we listen to staff',
  focus: 'culture',
  questions: 'Do staff feel safe to speak up?\nWhat happens when they do?',
  scopingBy: '2026-12-14',
  onSiteFrom: '2027-01-11',
  onSiteTo: '2027-01-12',
};

describe(`peer reviews (${testBackend})`, () => {
  let store: Store;
  let people: Record<CastName, CastMember>;
  let now = monday;
  const clock = () => now;
  const as = (actor: Actor) => contextFor(store, actor, clock);

  before(async () => {
    store = await openTestStore();
  });
  beforeEach(async () => {
    now = monday;
    await resetTestStore(store);
    await addTwoOrganisations(store);
    people = await addCast(store, clock);
  });

  it('runs from scoping to a published report whose action is followed up in its owner’s inbox', async () => {
    const host = as(people.contributorA.actor);
    // Every field problem at once, and the report kept within three months of the on-site days.
    await assert.rejects(
      createPeerReview(host, {
        org: orgA,
        focus: 'neither',
        scopingBy: '2027-02-01',
        onSiteFrom: '2027-01-11',
        onSiteTo: '2027-01-12',
        reportDue: '2027-06-01',
      }),
      rejectsWith('VALIDATION_FAILED', (error) => {
        const fields = error.details.map((detail) => detail.split(':')[0]);
        assert.deepEqual(fields, ['title', 'focus', 'questions', 'scopingBy', 'reportDue']);
        assert.match(error.details.at(-1) ?? '', /within three months of the on-site days: by 2027-04-12/);
      }),
    );
    await assert.rejects(createPeerReview(as(people.contributorB.actor), scoping), rejectsWith('FORBIDDEN'));
    const review = await createPeerReview(host, scoping);
    assert.equal(review.report_due, '2027-04-12', 'exactly three months after the on-site days by default');
    assert.equal(review.stage, 'scoping');

    // Not published: only the host's people and the team read it.
    await assert.rejects(getPeerReview(as(anonymous), review.id), rejectsWith('NOT_FOUND'));
    await assert.rejects(getPeerReview(as(people.memberB.actor), review.id), rejectsWith('NOT_FOUND'));
    assert.equal((await getPeerReview(as(people.memberA.actor), review.id)).sections.questions, true);

    await addPeerTeamMember(host, review.id, {
      name: 'Bea Reviewer',
      role: 'lead',
      email: people.memberB.email,
      memberOrg: orgB,
    });
    await assert.rejects(
      addPeerTeamMember(host, review.id, { name: 'Self', role: 'clinician', memberOrg: orgA }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.match(error.details[0], /^memberOrg: Peers come from other/),
      ),
    );
    const invited = await getPeerReview(as(people.memberB.actor), review.id);
    assert.equal(invited.may.answerInvitation, true);
    assert.equal(invited.may.recordFindings, false);

    // The on-site days need a patient or lay member on the team: a field error says so.
    await assert.rejects(
      confirmOnSiteDays(host, review.id, {}),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, [
          'onSiteFrom: Add a patient or lay member to the peer team before confirming the on-site days',
        ]),
      ),
    );
    await addPeerTeamMember(host, review.id, { name: 'Lee Lay', role: 'lay' });
    const confirmed = await confirmOnSiteDays(host, review.id, {});
    assert.equal(confirmed.stage, 'on_site');

    const peer = as(people.memberB.actor);
    const finding = { theme: 'culture', kind: 'finding', body: 'Staff know how to raise a concern.' };
    await assert.rejects(recordPeerFinding(peer, review.id, finding), rejectsWith('FORBIDDEN'));
    await answerPeerInvitation(peer, review.id, { decision: 'accept' });
    await assert.rejects(
      recordPeerFinding(peer, review.id, { theme: 'safe', kind: 'finding', body: 'x' }),
      rejectsWith('VALIDATION_FAILED', (error) => assert.match(error.details[0], /^theme: /)),
    );
    await recordPeerFinding(peer, review.id, finding);
    await recordPeerFinding(peer, review.id, {
      theme: 'integrity',
      kind: 'recommendation',
      body: 'Say what changed.',
    });
    await assert.rejects(recordPeerFinding(host, review.id, finding), rejectsWith('FORBIDDEN'));

    // The report: public, the action plan not; one action owned by the host's contributor.
    await assert.rejects(
      publishPeerReviewReport(host, review.id, {
        summary: '',
        action_1_description: 'Tell staff',
        action_1_owner: 'no-one@example.org',
      }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(
          error.details.map((detail) => detail.split(':')[0]),
          ['summary', 'action_1_owner', 'action_1_due'],
        ),
      ),
    );
    const action = 'a monthly “you said, we did” in every team brief';
    const published = await publishPeerReviewReport(host, review.id, {
      summary: 'A trust where people speak up, and want to hear back.',
      publicReport: 'yes',
      actions: [{ description: action, owner: people.contributorA.email, dueOn: '2027-03-01' }],
    });
    assert.equal(published.stage, 'report_published');
    assert.equal(published.progress_due, addMonths('2026-12-07', 10));

    const outside = await getPeerReview(as(anonymous), review.id);
    assert.equal(outside.sections.report, true);
    assert.equal(outside.findings.length, 2);
    assert.equal(outside.sections.actionPlan, false);
    assert.deepEqual(outside.actions, []);
    assert.equal(outside.review.questions, '', 'the questions stay inside');
    assert.ok(
      outside.team.every((member) => member.name === ''),
      'the team is shown by role',
    );
    assert.deepEqual(
      (await listReadablePeerReviews(as(anonymous))).published.map((row) => row.id),
      [review.id],
    );

    // On the due date the sweep asks the owner, naming the action and the host.
    const [planned] = (await getPeerReview(host, review.id)).actions;
    assert.ok(planned.follow_up_id);
    now = new Date('2027-03-01T09:00:00Z');
    const swept = await askDueFollowUps(as(operator('test')), inboxOnlyMailer);
    assert.deepEqual(swept.asked, [planned.follow_up_id]);
    const inbox = await listInbox(store.db, people.contributorA.id);
    assert.equal(inbox.length, 1);
    assert.equal(inbox[0].subject, `How did it go with ${action}?`);
    assert.match(inbox[0].body, /Alder|RAA|peer review action plan/);
    const followUp = await getFollowUp(host, planned.follow_up_id);
    assert.equal(followUp?.mayAnswer, true);
    assert.equal(await getFollowUp(as(people.contributorB.actor), planned.follow_up_id), null);
    // The follow-ups list (page, API, command line) holds it for the host's people only.
    const listed = await findFollowUps(host, { orgCode: orgA });
    assert.deepEqual(
      listed.filter((row) => row.peer_review_id === review.id).map((row) => row.id),
      [planned.follow_up_id],
    );
    assert.deepEqual(
      (await findFollowUps(as(people.contributorB.actor))).filter((row) => row.peer_review_id !== null),
      [],
    );
    await answerFollowUp(host, planned.follow_up_id, {
      outcome: 'helped',
      answer: 'Every team brief has it now.',
    });
    assert.equal((await getFollowUp(host, planned.follow_up_id))?.followUp.state, 'answered');
    // Review conversations' follow-through counts only reviews' follow-ups.
    assert.deepEqual(await followThroughCounts(store.db, '2027-03-02'), []);

    const progress = await publishProgressReview(host, review.id, {
      progress: 'Concerns answered within a month.',
    });
    assert.equal(progress.stage, 'progress_published');
    assert.equal((await getPeerReview(as(anonymous), review.id)).sections.progress, false);
  });

  it('reminds the host’s people of a stage date 14 days away and when it passes, each once', async () => {
    const review = await createPeerReview(as(people.adminA.actor), { ...scoping, scopingBy: '2026-12-17' });
    const sweep = () => remindPeerReviewStages(as(operator('test')), inboxOnlyMailer);
    const first = await sweep();
    assert.equal(first.reminders, 1, 'scoping is 10 days away');
    assert.equal(first.inboxMessages, 2, 'the host’s contributor and administrator');
    assert.equal((await sweep()).reminders, 0, 'never twice');
    const [message] = await listInbox(store.db, people.contributorA.id);
    assert.equal(message.href, `/peer-reviews/${review.id}`);
    assert.match(message.subject, /Scoping of the peer review “How we listen to staff” is due on 2026-12-17/);
    assert.equal((await listInbox(store.db, people.memberA.id)).length, 0, 'members are not reminded');
    now = new Date('2026-12-18T08:00:00Z');
    const late = await sweep();
    assert.equal(late.reminders, 1, 'scoping passed without the team begun');
    await addPeerTeamMember(as(people.adminA.actor), review.id, { name: 'Lee Lay', role: 'lay' });
    now = new Date('2026-12-29T08:00:00Z');
    assert.equal((await sweep()).reminders, 1, 'the on-site days are 13 days away; scoping is done');
  });

  it('seeds the demo’s example at its findings stage with two peer organisations', async () => {
    await addTwoTrusts(store);
    const { peerReviewId } = await createDemoPeerReviews(as(operator('demo')));
    const detail = await getPeerReview(as(operator('demo')), peerReviewId);
    assert.equal(detail.review.is_example, true);
    assert.equal(detail.review.stage, 'findings');
    assert.equal(detail.review.host_org_code, 'RYY');
    assert.ok(detail.team.some((member) => member.role === 'lay'));
    assert.ok(detail.findings.length >= 3);
    await assert.rejects(getPeerReview(as(anonymous), peerReviewId), rejectsWith('NOT_FOUND'));
  });
});
