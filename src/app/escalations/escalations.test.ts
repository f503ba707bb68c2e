import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  addCast,
  addTwoOrganisations,
  type CastMember,
  type CastName,
  contextFor,
  everyReader,
  orgA,
  orgB,
} from '../../../test/helpers/narratives.ts';
import { openTestStore, resetTestStore, testBackend } from '../../../test/helpers/test-store.ts';
import { AppError } from '../../errors.ts';
import { type Actor, anonymous, operator } from '../../policies/actor.ts';
import { canReadEscalation } from '../../policies/escalation.ts';
import { scope } from '../../policies/scope.ts';
import type { Store } from '../../store/db.ts';
import { listAuditEntries } from '../../store/repos/audit-repo.ts';
import { findEscalation, listEscalations } from '../../store/repos/escalation-repo.ts';
import { upsertMemberships, upsertOrganisations } from '../../store/repos/organisation-repo.ts';
import { loadUserActor } from '../accounts/actor.ts';
import { addUser, grantRole } from '../accounts/users.ts';
import { createDemoAccounts } from '../demo-accounts.ts';
import { createDemoEscalations } from './demo.ts';
import { escalationResource, getEscalation, organisationEscalations, receivedEscalations } from './read.ts';
import {
  acknowledgeEscalation,
  answerEscalation,
  closeEscalation,
  raiseEscalation,
  respondToEscalation,
} from './write.ts';

/** Friday 4 December 2026, 10:00. */
const friday = new Date('2026-12-04T10:00:00Z');
const dayMs = 86_400_000;

function rejectsWith(code: AppError['code'], check?: (error: AppError) => void) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    check?.(error);
    return true;
  };
}

describe(`escalations (${testBackend})`, () => {
  let store: Store;
  let people: Record<CastName, CastMember>;
  /** The ICB of A's own people: an administrator and a member of QAA. */
  const icbPeople: Record<string, Actor> = {};
  let now = friday;
  const clock = () => now;
  const as = (actor: Actor) => contextFor(store, actor, clock);
  const concern = (fields: Record<string, unknown> = {}) => ({
    org: orgA,
    recipient: 'Y01',
    topic: 'performance',
    title: 'Delayed discharges hold a third of our beds',
    body: 'CONCERN-BODY: people fit to leave are waiting for care packages.',
    ...fields,
  });

  before(async () => {
    store = await openTestStore();
  });
  beforeEach(async () => {
    now = friday;
    await resetTestStore(store);
    await addTwoOrganisations(store);
    people = await addCast(store, clock);
    const context = { db: store.db, actor: operator('test'), clock };
    for (const [name, role] of [
      ['adminIcbA', 'admin'],
      ['memberIcbA', 'member'],
    ] as const) {
      const email = `${name.toLowerCase()}@example.nhs.uk`;
      const { id } = await addUser(context, { email, name });
      await grantRole(context, { email, role, scopeKind: 'organisation', scopeCode: 'QAA' });
      const actor = await loadUserActor(store.db, id, clock(), 'session');
      assert.ok(actor);
      icbPeople[name] = actor;
    }
  });
  after(async () => {
    await store.close();
  });

  it('raises a concern with the region: one event, one audit entry of the raiser’s organisation that never copies its words', async () => {
    const raised = await raiseEscalation(as(people.contributorA.actor), concern());
    assert.equal(raised.escalation.state, 'raised');
    assert.equal(raised.escalation.recipient_kind, 'region');
    assert.equal(raised.escalation.recipient_name, 'Alder Region');
    assert.deepEqual(
      raised.steps.map((step) => step.event.state),
      ['raised'],
    );
    const entries = (await listAuditEntries(store.db, { everything: true, orgCodes: [] })).filter(
      (entry) => entry.entity_type === 'escalation',
    );
    assert.equal(entries.length, 1);
    assert.equal(entries[0].action, 'escalation.raise');
    assert.equal(entries[0].org_code, orgA);
    const recorded = JSON.stringify(entries[0]);
    assert.doesNotMatch(recorded, /CONCERN-BODY/);
    assert.doesNotMatch(recorded, /Delayed discharges/);
    assert.match(recorded, /"state":"raised"/);
  });

  it('lets only the organisation’s writers raise one, to its own region or ICB, listing every problem at once', async () => {
    await assert.rejects(raiseEscalation(as(anonymous), concern()), rejectsWith('UNAUTHENTICATED'));
    await assert.rejects(raiseEscalation(as(people.memberA.actor), concern()), rejectsWith('FORBIDDEN'));
    await assert.rejects(raiseEscalation(as(people.contributorB.actor), concern()), rejectsWith('FORBIDDEN'));
    await assert.rejects(
      raiseEscalation(as(people.oversightRegionA.actor), concern()),
      rejectsWith('FORBIDDEN'),
    );
    await assert.rejects(
      raiseEscalation(as(people.contributorA.actor), concern({ recipient: 'Y02' })),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, ['recipient: Y02 is not your region or an ICB you belong to']),
      ),
    );
    await assert.rejects(
      raiseEscalation(as(people.contributorA.actor), { org: orgA, body: '  ', topic: 'morale', title: '' }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(
          error.details.map((detail) => detail.split(':')[0]),
          ['recipient', 'topic', 'title', 'body'],
        ),
      ),
    );
    // To an ICB it belongs to: its choice.
    const toIcb = await raiseEscalation(
      as(people.adminA.actor),
      concern({ recipient: 'QAA', topic: 'finance' }),
    );
    assert.equal(toIcb.escalation.recipient_kind, 'icb');
  });

  it('moves raised → acknowledged → responded → closed, each step by the side it belongs to, with the question at closing', async () => {
    const { escalation } = await raiseEscalation(as(people.contributorA.actor), concern());
    const id = escalation.id;
    // National oversight and the ICB's lead do not read it at all.
    await assert.rejects(
      acknowledgeEscalation(as(people.nationalOversight.actor), id),
      rejectsWith('NOT_FOUND'),
    );
    await assert.rejects(acknowledgeEscalation(as(people.systemLeadA.actor), id), rejectsWith('NOT_FOUND'));
    await assert.rejects(acknowledgeEscalation(as(people.contributorA.actor), id), rejectsWith('FORBIDDEN'));
    await assert.rejects(
      respondToEscalation(as(people.oversightRegionA.actor), id, { response: 'Too soon' }),
      rejectsWith('CONFLICT'),
    );
    now = new Date(friday.getTime() + 4 * dayMs); // Tuesday
    await acknowledgeEscalation(as(people.oversightRegionA.actor), id, { note: 'We have it.' });
    await assert.rejects(
      respondToEscalation(as(people.oversightRegionA.actor), id, { response: ' ' }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, ['response: Write the response']),
      ),
    );
    await assert.rejects(
      respondToEscalation(as(people.oversightRegionA.actor), id, { response: 'Later', baseVersion: 1 }),
      rejectsWith('CONFLICT'),
    );
    now = new Date(friday.getTime() + 6 * dayMs); // Thursday
    await respondToEscalation(as(people.oversightRegionA.actor), id, {
      response: 'The regional urgent care lead will convene the council and the ICB.',
    });
    await assert.rejects(
      closeEscalation(as(people.contributorA.actor), id, {}),
      rejectsWith('VALIDATION_FAILED', (error) => assert.match(error.details.join(), /^wouldRaiseAgain: /)),
    );
    await assert.rejects(closeEscalation(as(people.memberA.actor), id, {}), rejectsWith('FORBIDDEN'));
    now = new Date(friday.getTime() + 7 * dayMs); // Friday after
    const closed = await closeEscalation(as(people.contributorA.actor), id, {
      wouldRaiseAgain: 'yes',
      comment: 'A quick, straight answer.',
    });
    assert.equal(closed.escalation.state, 'closed');
    assert.equal(closed.escalation.would_raise_again, 'yes');
    assert.deepEqual(
      closed.steps.map((step) => [
        step.event.state,
        step.sinceRaised.workingDays,
        step.sincePrevious.workingDays,
      ]),
      [
        ['raised', 0, 0],
        ['acknowledged', 2, 2],
        ['responded', 4, 2],
        ['closed', 5, 1],
      ],
    );
    // The clock stopped at closing: a week later it still reads five working days.
    now = new Date(friday.getTime() + 14 * dayMs);
    const later = await getEscalation(as(people.memberA.actor), id);
    assert.deepEqual(later.clock.sinceRaised, { workingDays: 5, calendarDays: 7 });
    assert.equal(later.clock.stopped, true);
    await assert.rejects(
      answerEscalation(as(people.contributorA.actor), id, { wouldRaiseAgain: 'no' }),
      rejectsWith('CONFLICT'),
    );
    const actions = (await listAuditEntries(store.db, { everything: true, orgCodes: [] }))
      .filter((entry) => entry.entity_type === 'escalation')
      .map((entry) => entry.action)
      .sort();
    assert.deepEqual(actions, [
      'escalation.acknowledge',
      'escalation.close',
      'escalation.raise',
      'escalation.respond',
    ]);
  });

  it('asks the raiser afterwards when the recipient closes it', async () => {
    const { escalation } = await raiseEscalation(
      as(people.contributorA.actor),
      concern({ recipient: 'QAA' }),
    );
    const closed = await closeEscalation(as(people.systemLeadA.actor), escalation.id, {
      note: 'Resolved at the system meeting.',
    });
    assert.equal(closed.escalation.would_raise_again, null);
    assert.equal(closed.permissions.answer, false, 'the system lead is not asked');
    assert.equal((await getEscalation(as(people.adminA.actor), escalation.id)).permissions.answer, true);
    await assert.rejects(
      answerEscalation(as(people.systemLeadA.actor), escalation.id, { wouldRaiseAgain: 'no' }),
      rejectsWith('FORBIDDEN'),
    );
    const answered = await answerEscalation(as(people.adminA.actor), escalation.id, {
      wouldRaiseAgain: 'not_sure',
      comment: 'It took a while.',
    });
    assert.equal(answered.escalation.would_raise_again, 'not_sure');
    assert.equal(answered.escalation.closing_comment, 'It took a while.');
  });

  it('reads every escalation through the policy and the scope filter alike, row by row', async () => {
    const raised = [
      await raiseEscalation(as(people.contributorA.actor), concern()),
      await raiseEscalation(as(people.contributorA.actor), concern({ recipient: 'QAA' })),
      await raiseEscalation(as(people.contributorB.actor), concern({ org: orgB, recipient: 'Y02' })),
      await raiseEscalation(as(people.contributorB.actor), concern({ org: orgB, recipient: 'QBB' })),
    ].map((each) => each.escalation);
    const readers = [
      ...everyReader(people),
      ...Object.entries(icbPeople).map(([name, actor]) => ({ name, actor })),
    ];
    for (const { name, actor } of readers) {
      const listed = (await listEscalations(store.db, scope(actor, 'read', 'escalation'))).map(
        (row) => row.id,
      );
      for (const escalation of raised) {
        const allowed = canReadEscalation(actor, escalationResource(escalation));
        const found = await findEscalation(store.db, scope(actor, 'read', 'escalation'), escalation.id);
        assert.equal(listed.includes(escalation.id), allowed, `${name} lists escalation ${escalation.id}`);
        assert.equal(found !== undefined, allowed, `${name} finds escalation ${escalation.id}`);
      }
    }
    // Written out: who reads A's concern raised with its region.
    const toRegion = raised[0];
    assert.deepEqual(
      readers
        .filter(({ actor }) => canReadEscalation(actor, escalationResource(toRegion)))
        .map(({ name }) => name),
      ['operator', 'memberA', 'contributorA', 'adminA', 'oversightRegionA'],
    );
  });

  it('shows the recipient its open concerns by age band, oldest first, and nobody else', async () => {
    now = new Date('2026-11-02T10:00:00Z'); // Monday, five weeks before
    const old = await raiseEscalation(as(people.contributorA.actor), concern({ title: 'Oldest' }));
    now = new Date('2026-11-25T10:00:00Z');
    const middle = await raiseEscalation(as(people.contributorA.actor), concern({ title: 'Middle' }));
    now = friday;
    const fresh = await raiseEscalation(as(people.contributorA.actor), concern({ title: 'Fresh' }));
    const done = await raiseEscalation(as(people.contributorA.actor), concern({ title: 'Done' }));
    await closeEscalation(as(people.oversightRegionA.actor), done.escalation.id, {});
    now = new Date('2026-12-07T10:00:00Z'); // the Monday after
    const view = await receivedEscalations(as(people.oversightRegionA.actor), 'Y01');
    assert.equal(view.openCount, 3);
    assert.deepEqual(
      view.bands.map((band) => [band.key, band.escalations.map((each) => each.escalation.title)]),
      [
        ['over_20', ['Oldest']],
        ['eleven_to_20', []],
        ['six_to_10', ['Middle']],
        ['up_to_5', ['Fresh']],
      ],
    );
    assert.equal(view.bands[0].escalations[0].clock.sinceRaised.workingDays, 25);
    assert.equal(view.bands[3].escalations[0].clock.sinceRaised.workingDays, 1);
    assert.deepEqual(
      view.closed.map((each) => each.escalation.id),
      [done.escalation.id],
    );
    assert.ok(old.escalation.id < middle.escalation.id && middle.escalation.id < fresh.escalation.id);
    await assert.rejects(
      receivedEscalations(as(people.nationalOversight.actor), 'Y01'),
      rejectsWith('FORBIDDEN'),
    );
    await assert.rejects(receivedEscalations(as(people.contributorA.actor), 'Y01'), rejectsWith('FORBIDDEN'));
    await assert.rejects(receivedEscalations(as(anonymous), 'Y01'), rejectsWith('UNAUTHENTICATED'));
    await assert.rejects(
      receivedEscalations(as(people.oversightRegionA.actor), orgA),
      rejectsWith('NOT_FOUND'),
    );
    // The ICB's view holds none of the region's.
    assert.equal((await receivedEscalations(as(people.systemLeadA.actor), 'QAA')).openCount, 0);
  });

  it('lists an organisation’s escalations for its people, and only what was sent to them for a recipient', async () => {
    await raiseEscalation(as(people.contributorA.actor), concern());
    await raiseEscalation(as(people.contributorA.actor), concern({ recipient: 'QAA' }));
    assert.equal((await organisationEscalations(as(people.memberA.actor), orgA)).escalations.length, 2);
    const lead = await organisationEscalations(as(people.systemLeadA.actor), orgA);
    assert.deepEqual(
      lead.escalations.map((each) => each.escalation.recipient_org_code),
      ['QAA'],
    );
    assert.equal(lead.canRaise, false);
    const writer = await organisationEscalations(as(people.contributorA.actor), orgA);
    assert.equal(writer.canRaise, true);
    assert.deepEqual(
      writer.recipients.map((each) => `${each.kind}:${each.code}`),
      ['region:Y01', 'icb:QAA'],
    );
    await assert.rejects(
      organisationEscalations(as(people.nationalOversight.actor), orgA),
      rejectsWith('FORBIDDEN'),
    );
    await assert.rejects(organisationEscalations(as(people.memberB.actor), orgA), rejectsWith('FORBIDDEN'));
    await assert.rejects(
      organisationEscalations(as(people.facilitator.actor), orgA),
      rejectsWith('FORBIDDEN'),
    );
  });

  it('adds the demo’s examples: one with the region acknowledged, one with the ICB just raised', async () => {
    await upsertOrganisations(
      store.db,
      [
        {
          code: 'RYY',
          name: 'Kent Community Health NHS Foundation Trust',
          kind: 'trust',
          authority: 'replace',
        },
        { code: 'QKS', name: 'NHS Kent and Medway Integrated Care Board', kind: 'icb', authority: 'replace' },
        { code: 'Y59', name: 'South East', kind: 'region', authority: 'replace' },
        {
          code: 'RJ1',
          name: 'Guy’s and St Thomas’ NHS Foundation Trust',
          kind: 'trust',
          authority: 'replace',
        },
        {
          code: 'QKK',
          name: 'NHS South East London Integrated Care Board',
          kind: 'icb',
          authority: 'replace',
        },
        { code: 'Y56', name: 'London', kind: 'region', authority: 'replace' },
      ],
      'test',
    );
    await upsertMemberships(
      store.db,
      [
        { memberCode: 'RYY', parentCode: 'QKS', relation: 'icb_ods', validFrom: '2022-07-01', validTo: null },
        { memberCode: 'RYY', parentCode: 'Y59', relation: 'region', validFrom: '2022-07-01', validTo: null },
        { memberCode: 'RJ1', parentCode: 'QKK', relation: 'icb_ods', validFrom: '2022-07-01', validTo: null },
        { memberCode: 'RJ1', parentCode: 'Y56', relation: 'region', validFrom: '2022-07-01', validTo: null },
      ],
      'test',
    );
    // With the demo's accounts: written by its contributor, acknowledged by its regional oversight.
    const accounts = await createDemoAccounts(as(operator('demo')));
    const { ids } = await createDemoEscalations(as(operator('demo')));
    const rows = await listEscalations(store.db, scope(operator('demo'), 'read', 'escalation'), {
      raiserOrgCode: 'RYY',
    });
    assert.deepEqual(rows.map((row) => row.id).sort(), [...ids].sort());
    assert.deepEqual(
      rows.map((row) => [
        row.recipient_org_code,
        row.state,
        row.is_example,
        row.title.startsWith('Example: '),
      ]),
      [
        ['Y59', 'acknowledged', true, true],
        ['QKS', 'raised', true, true],
      ],
    );
    const region = await receivedEscalations(as(operator('demo')), 'Y59');
    // Raised nine calendar days before Friday 4 December: seven working days, a clock that shows.
    assert.equal(region.openCount, 1);
    const waiting = region.bands.find((band) => band.key === 'six_to_10')?.escalations ?? [];
    assert.deepEqual(waiting[0]?.clock.sinceRaised, { workingDays: 7, calendarDays: 9 });
    assert.deepEqual(waiting[0]?.clock.sinceLastStep, { workingDays: 5, calendarDays: 7 });
    assert.equal(rows[0].raised_by_label, 'Demo contributor (RYY)');
    const overseer = accounts.find((account) => account.email.startsWith('oversight.y59@'));
    assert.ok(overseer);
    const steps = (await getEscalation(as(operator('demo')), rows[0].id)).steps;
    assert.deepEqual(
      steps.map((step) => step.event.by_label),
      ['Demo contributor (RYY)', 'Demo regional oversight (Y59)'],
    );
  });
});
