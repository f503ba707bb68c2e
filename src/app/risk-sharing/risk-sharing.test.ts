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
import { openTestStore, resetTestStore, testBackend } from '../../../test/helpers/test-store.ts';
import { AppError } from '../../errors.ts';
import { type Actor, anonymous, operator } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { listInbox } from '../../store/repos/follow-up-repo.ts';
import { upsertMemberships, upsertOrganisations } from '../../store/repos/organisation-repo.ts';
import { loadUserActor } from '../accounts/actor.ts';
import { addUser, grantRole } from '../accounts/users.ts';
import { inboxOnlyMailer } from '../mail/mailer.ts';
import { getAgreement, listReadableAgreements } from './read.ts';
import { remindRiskSharingReviews } from './reminders.ts';
import {
  addReviewDate,
  createAgreement,
  decideProposal,
  editAgreement,
  proposeRebalance,
  recordReviewHeld,
  setAgreementStatus,
} from './write.ts';

/** A third trust in A's ICB (QAA) and region (Y01), with an administrator of its own. */
const orgC = 'RCC';
const monday = new Date('2026-12-07T10:00:00Z');

function rejectsWith(code: AppError['code'], check?: (error: AppError) => void) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    check?.(error);
    return true;
  };
}

const draft = {
  icb: 'QAA',
  title: 'Alder system risk share 2026/27',
  baseline: '2026/27 system control total: £12.4m deficit',
  baselineThousands: '-12,400',
  rule: 'by_need',
  parties: [orgA, { org: orgC, share: '40%' }],
};

describe(`risk-sharing agreements (${testBackend})`, () => {
  let store: Store;
  let people: Record<CastName, CastMember>;
  let adminC: { id: number; actor: Actor };
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
    await upsertOrganisations(
      store.db,
      [{ code: orgC, name: 'Cedar Hospitals NHS Trust', kind: 'trust', authority: 'replace' }],
      'test',
    );
    await upsertMemberships(
      store.db,
      [
        { memberCode: orgC, parentCode: 'QAA', relation: 'icb_ods', validFrom: '2022-07-01', validTo: null },
        { memberCode: orgC, parentCode: 'Y01', relation: 'region', validFrom: '2022-07-01', validTo: null },
      ],
      'test',
    );
    people = await addCast(store, clock);
    const operatorContext = as(operator('test'));
    const user = await addUser(operatorContext, { email: 'admin.c@example.nhs.uk', name: 'admin.c' });
    await grantRole(operatorContext, {
      email: 'admin.c@example.nhs.uk',
      role: 'admin',
      scopeKind: 'organisation',
      scopeCode: orgC,
    });
    const actor = await loadUserActor(store.db, user.id, clock(), 'session');
    assert.ok(actor);
    adminC = { id: user.id, actor };
  });

  it('lists every field problem at once and keeps creating to the ICB and the parties’ administrators', async () => {
    await assert.rejects(
      createAgreement(as(people.systemLeadA.actor), {
        icb: 'QAA',
        baselineThousands: '12.5',
        rule: 'described',
        parties: [orgA, orgB],
      }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, [
          'title: Enter a title',
          'baseline: Describe the baseline, such as the system’s control total',
          'baselineThousands: Enter the baseline as a whole number of £ thousands, such as -12400, or leave it empty',
          'ruleDescription: Describe how the parties share the risk',
          'parties: RBB is not a member of QAA',
        ]),
      ),
    );
    await assert.rejects(
      createAgreement(as(people.systemLeadA.actor), { ...draft, parties: [orgA] }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, ['parties: Choose at least two parties to share the risk']),
      ),
    );
    await assert.rejects(createAgreement(as(people.memberA.actor), draft), rejectsWith('FORBIDDEN'));
    await assert.rejects(createAgreement(as(people.contributorA.actor), draft), rejectsWith('FORBIDDEN'));
    await assert.rejects(createAgreement(as(people.adminB.actor), draft), rejectsWith('FORBIDDEN'));
    await assert.rejects(createAgreement(as(anonymous), draft), rejectsWith('UNAUTHENTICATED'));
    const byAdmin = await createAgreement(as(people.adminA.actor), draft);
    assert.equal(byAdmin.status, 'draft');
    assert.equal(byAdmin.baseline_thousands, -12400);
    const detail = await getAgreement(as(people.adminA.actor), byAdmin.id);
    assert.deepEqual(
      detail.parties.map((party) => [party.org_code, party.share]),
      [
        [orgA, null],
        [orgC, '40%'],
      ],
    );
    assert.deepEqual(detail.may, {
      edit: true,
      review: true,
      propose: true,
      agree: false,
      end: false,
      involved: true,
    });
    assert.equal((await getAgreement(as(people.systemLeadA.actor), byAdmin.id)).may.agree, true);
  });

  it('keeps a draft and open proposals with those involved, and makes an agreed agreement public', async () => {
    const lead = as(people.systemLeadA.actor);
    const agreement = await createAgreement(lead, draft);
    const readers: CastName[] = [
      'memberA',
      'contributorA',
      'adminA',
      'systemLeadA',
      'oversightRegionA',
      'nationalOversight',
    ];
    const others: CastName[] = ['memberB', 'contributorB', 'adminB', 'facilitator', 'nobody'];
    for (const name of readers)
      assert.equal(
        (await getAgreement(as(people[name].actor), agreement.id)).agreement.id,
        agreement.id,
        name,
      );
    for (const name of others) {
      await assert.rejects(
        getAgreement(as(people[name].actor), agreement.id),
        rejectsWith('NOT_FOUND'),
        name,
      );
      assert.deepEqual(await listReadableAgreements(as(people[name].actor), 'QAA'), [], name);
    }
    await assert.rejects(getAgreement(as(anonymous), agreement.id), rejectsWith('NOT_FOUND'));
    assert.deepEqual(await listReadableAgreements(as(anonymous), null), []);
    assert.equal((await listReadableAgreements(as(adminC.actor), 'QAA')).length, 1);

    const open = await proposeRebalance(lead, agreement.id, {
      supporting: orgC,
      supported: orgA,
      amount: '350',
      why: 'Winter beds cost A more than planned.',
    });
    await setAgreementStatus(lead, agreement.id, { status: 'agreed' });
    const decided = await proposeRebalance(lead, agreement.id, {
      supporting: orgA,
      supported: orgC,
      amount: 100,
      why: 'A small return.',
    });
    await decideProposal(as(people.adminA.actor), agreement.id, decided.id, { decision: 'disagree' });
    const seenByAnonymous = await getAgreement(as(anonymous), agreement.id);
    assert.equal(seenByAnonymous.agreement.agreed_on, '2026-12-07');
    assert.deepEqual(
      seenByAnonymous.proposals.map((proposal) => [proposal.id, proposal.status]),
      [[decided.id, 'not_agreed']],
      'the open proposal stays with those involved',
    );
    assert.deepEqual(seenByAnonymous.may, {
      edit: false,
      review: false,
      propose: false,
      agree: false,
      end: false,
      involved: false,
    });
    assert.equal((await listReadableAgreements(as(people.adminB.actor), null)).length, 1);
    assert.deepEqual(
      (await getAgreement(as(people.memberA.actor), agreement.id)).proposals.map((proposal) => proposal.id),
      [decided.id, open.id],
    );
    // Once agreed, the draft's fields are settled; the ICB may end it.
    await assert.rejects(editAgreement(lead, agreement.id, draft), rejectsWith('CONFLICT'));
    await assert.rejects(
      setAgreementStatus(as(people.adminA.actor), agreement.id, { status: 'ended' }),
      rejectsWith('FORBIDDEN'),
    );
    assert.equal((await setAgreementStatus(lead, agreement.id, { status: 'ended' })).status, 'ended');
    await assert.rejects(addReviewDate(lead, agreement.id, { dueOn: '2027-01-01' }), rejectsWith('CONFLICT'));
  });

  it('settles a proposal when both named parties agree, or as soon as one does not', async () => {
    const agreement = await createAgreement(as(people.systemLeadA.actor), draft);
    await assert.rejects(
      proposeRebalance(as(people.adminA.actor), agreement.id, {
        supporting: orgA,
        supported: orgA,
        amount: '0',
        peerReview: 'x',
      }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, [
          'supported: A party cannot support itself; choose another party',
          'amount: The amount must be more than £0',
          'why: Say why this support is proposed',
          'peerReview: Give the number of a peer review, or leave it empty',
        ]),
      ),
    );
    await assert.rejects(
      proposeRebalance(as(people.adminA.actor), agreement.id, {
        supporting: orgB,
        supported: orgA,
        amount: 5,
        why: 'x',
        directoryEntry: 99,
      }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, [
          'supporting: RBB is not a party to this agreement',
          'directoryEntry: There is no improvement directory entry 99 that you can read',
        ]),
      ),
    );
    await assert.rejects(
      proposeRebalance(as(people.memberA.actor), agreement.id, {
        supporting: orgC,
        supported: orgA,
        amount: 5,
        why: 'x',
      }),
      rejectsWith('FORBIDDEN'),
    );
    const proposal = await proposeRebalance(as(people.adminA.actor), agreement.id, {
      supporting: orgC,
      supported: orgA,
      amount: 350,
      why: 'Winter beds.',
    });
    await assert.rejects(
      decideProposal(as(people.systemLeadA.actor), agreement.id, proposal.id, { decision: 'agree' }),
      rejectsWith('FORBIDDEN'),
      'the ICB proposes but does not decide for a party',
    );
    await assert.rejects(
      decideProposal(as(people.adminA.actor), agreement.id, proposal.id, { decision: 'maybe' }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, ['decision: Choose whether your organisation agrees']),
      ),
    );
    const first = await decideProposal(as(people.adminA.actor), agreement.id, proposal.id, {
      decision: 'agree',
      note: 'With thanks.',
    });
    assert.equal(first.proposal.status, 'open', 'one of the two named parties has agreed');
    await assert.rejects(
      decideProposal(as(people.adminA.actor), agreement.id, proposal.id, { decision: 'disagree' }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, ['party: Your organisation has decided already']),
      ),
    );
    const second = await decideProposal(as(adminC.actor), agreement.id, proposal.id, { decision: 'agree' });
    assert.equal(second.proposal.status, 'agreed');
    await assert.rejects(
      decideProposal(as(adminC.actor), agreement.id, proposal.id, { decision: 'agree' }),
      rejectsWith('CONFLICT'),
    );

    const refused = await proposeRebalance(as(people.systemLeadA.actor), agreement.id, {
      supporting: orgA,
      supported: orgC,
      amount: 10,
      why: 'A return.',
    });
    const operatorContext = as(operator('test'));
    await assert.rejects(
      decideProposal(operatorContext, agreement.id, refused.id, { decision: 'agree' }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, ['party: Choose the party you decide for']),
      ),
    );
    const no = await decideProposal(operatorContext, agreement.id, refused.id, {
      decision: 'disagree',
      party: orgC,
    });
    assert.equal(no.proposal.status, 'not_agreed', 'one party not agreeing settles it');
    const detail = await getAgreement(as(people.memberA.actor), agreement.id);
    assert.deepEqual(
      detail.proposals.map((each) => [
        each.status,
        each.decisions.map((decision) => decision.party_org_code),
      ]),
      [
        ['not_agreed', [orgC]],
        ['agreed', [orgA, orgC]],
      ],
    );
    // The audit log records the decision, never its note's words.
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('action', '=', 'risk_sharing.decide')
      .orderBy('id')
      .execute();
    assert.equal(audit.length, 3);
    assert.ok(!JSON.stringify(audit).includes('With thanks'));
  });

  it('reminds of a review date 14 days before and once overdue, each once, until it is held', async () => {
    const lead = as(people.systemLeadA.actor);
    const agreement = await createAgreement(lead, draft);
    const review = await addReviewDate(lead, agreement.id, { dueOn: '2027-01-20' });
    const heldLater = await addReviewDate(as(adminC.actor), agreement.id, { dueOn: '2027-01-22' });
    await recordReviewHeld(lead, agreement.id, heldLater.id, { heldOn: '2026-12-07', notes: 'Held early.' });
    const sweep = () => remindRiskSharingReviews(as(operator('test')), inboxOnlyMailer);
    now = new Date('2027-01-05T08:00:00Z');
    assert.equal((await sweep()).reminders, 0, '15 days before');
    now = new Date('2027-01-06T08:00:00Z');
    const first = await sweep();
    assert.equal(first.reminders, 1, '14 days before');
    assert.equal(first.inboxMessages, 3, 'the ICB’s system lead and the two parties’ administrators');
    assert.equal((await sweep()).reminders, 0, 'never twice');
    const [message] = await listInbox(store.db, people.adminA.id);
    assert.equal(message.href, `/risk-sharing/${agreement.id}`);
    assert.match(message.subject, /“Alder system risk share 2026\/27” is due on 2027-01-20/);
    assert.equal((await listInbox(store.db, people.memberA.id)).length, 0, 'members are not reminded');
    assert.equal((await listInbox(store.db, people.adminB.id)).length, 0, 'nor other organisations');
    now = new Date('2027-01-20T08:00:00Z');
    assert.equal((await sweep()).reminders, 0, 'due today, not yet overdue');
    now = new Date('2027-01-21T08:00:00Z');
    assert.equal((await sweep()).reminders, 1, 'overdue');
    assert.equal((await sweep()).reminders, 0, 'overdue once');
    assert.match((await listInbox(store.db, people.systemLeadA.id))[0].subject, /was due on 2027-01-20/);
    await assert.rejects(
      recordReviewHeld(lead, agreement.id, review.id, { heldOn: '2027-02-01' }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, ['heldOn: A review is recorded once it has been held']),
      ),
    );
    await recordReviewHeld(lead, agreement.id, review.id, { heldOn: '2027-01-21' });
    const next = await addReviewDate(lead, agreement.id, { dueOn: '2027-02-01' });
    await recordReviewHeld(lead, agreement.id, next.id, { heldOn: '2027-01-21' });
    now = new Date('2027-02-10T08:00:00Z');
    assert.equal((await sweep()).reminders, 0, 'a review held is not reminded');
  });
});
