import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EscalationState } from '../domain/improvement.ts';
import { type Actor, anonymous, type Grant, operator } from './actor.ts';
import {
  canEscalation,
  canRaiseEscalation,
  canReadRaisedEscalations,
  canReadReceivedEscalations,
  type EscalationResource,
  escalationRecipientsOf,
  mayActOnEscalation,
} from './escalation.ts';

/** Trust A sits in ICB QA1 and region Y01; trust B in ICB QB1 and region Y02. */
const orgA = { code: 'RA1', icbCodes: ['QA1'], regionCodes: ['Y01'] };

let nextId = 100;
function user(...grants: Omit<Grant, 'validFrom' | 'validTo'>[]): Actor & { kind: 'user' } {
  const id = nextId++;
  return Object.freeze({
    kind: 'user',
    userId: id,
    email: `u${id}@example.nhs.uk`,
    name: `U${id}`,
    via: 'session',
    grants: grants.map((grant) => ({ ...grant, validFrom: '2026-01-01', validTo: null })),
  });
}
const of = (role: Grant['role'], code: string) =>
  ({ role, scopeKind: 'organisation', scopeCode: code }) as const;

const people = {
  anonymous,
  operator: operator('test'),
  memberA: user(of('member', 'RA1')),
  contributorA: user(of('contributor', 'RA1')),
  adminA: user(of('admin', 'RA1')),
  contributorB: user(of('contributor', 'RB1')),
  adminIcbA: user(of('admin', 'QA1')),
  memberIcbA: user(of('member', 'QA1')),
  systemLeadA: user({ role: 'system-lead', scopeKind: 'system', scopeCode: 'QA1' }),
  systemLeadB: user({ role: 'system-lead', scopeKind: 'system', scopeCode: 'QB1' }),
  oversightRegionA: user({ role: 'oversight', scopeKind: 'region', scopeCode: 'Y01' }),
  oversightRegionB: user({ role: 'oversight', scopeKind: 'region', scopeCode: 'Y02' }),
  oversightEngland: user({ role: 'oversight', scopeKind: 'england', scopeCode: null }),
  facilitator: user({ role: 'facilitator', scopeKind: 'none', scopeCode: null }),
};
type Person = keyof typeof people;
const everyone = Object.keys(people) as Person[];
const who = (check: (actor: Actor) => boolean) => everyone.filter((name) => check(people[name]));

function escalation(
  recipientKind: 'region' | 'icb',
  state: EscalationState,
  extra: Partial<EscalationResource> = {},
): EscalationResource {
  return Object.freeze({
    raiserOrgCode: 'RA1',
    recipientOrgCode: recipientKind === 'region' ? 'Y01' : 'QA1',
    recipientKind,
    state,
    wouldRaiseAgain: null,
    ...extra,
  });
}

describe('escalation policy', () => {
  it('keeps one raised with the region to the raiser’s people, oversight of that region and the operator', () => {
    assert.deepEqual(
      who((actor) => canEscalation(actor, 'read', escalation('region', 'raised'))),
      ['operator', 'memberA', 'contributorA', 'adminA', 'oversightRegionA'],
    );
  });

  it('keeps one raised with the ICB to the raiser’s people, the ICB’s system lead and people, and the operator', () => {
    assert.deepEqual(
      who((actor) => canEscalation(actor, 'read', escalation('icb', 'raised'))),
      ['operator', 'memberA', 'contributorA', 'adminA', 'adminIcbA', 'memberIcbA', 'systemLeadA'],
    );
  });

  it('lets the recipient acknowledge only a raised concern, and respond only to an acknowledged one', () => {
    const region = (state: EscalationState) => escalation('region', state);
    assert.deepEqual(
      who((actor) => canEscalation(actor, 'acknowledge', region('raised'))),
      ['operator', 'oversightRegionA'],
    );
    assert.deepEqual(
      who((actor) => canEscalation(actor, 'acknowledge', region('acknowledged'))),
      [],
    );
    assert.deepEqual(
      who((actor) => canEscalation(actor, 'respond', region('acknowledged'))),
      ['operator', 'oversightRegionA'],
    );
    assert.deepEqual(
      who((actor) => canEscalation(actor, 'respond', region('raised'))),
      [],
    );
    // For an ICB: its system lead and its writers, never its members.
    assert.deepEqual(
      who((actor) => canEscalation(actor, 'acknowledge', escalation('icb', 'raised'))),
      ['operator', 'adminIcbA', 'systemLeadA'],
    );
  });

  it('lets either side close an open concern, and nobody close a closed one', () => {
    for (const state of ['raised', 'acknowledged', 'responded'] as const)
      assert.deepEqual(
        who((actor) => canEscalation(actor, 'close', escalation('region', state))),
        ['operator', 'contributorA', 'adminA', 'oversightRegionA'],
        state,
      );
    assert.deepEqual(
      who((actor) => canEscalation(actor, 'close', escalation('region', 'closed'))),
      [],
    );
    // A member reads it but may not act: FORBIDDEN, where a wrong state is CONFLICT.
    assert.equal(mayActOnEscalation(people.memberA, 'close', escalation('region', 'raised')), false);
    assert.equal(mayActOnEscalation(people.contributorA, 'close', escalation('region', 'closed')), true);
  });

  it('asks the raiser “would you raise a concern this way again?” once closed, and only once', () => {
    assert.deepEqual(
      who((actor) => canEscalation(actor, 'answer', escalation('region', 'closed'))),
      ['operator', 'contributorA', 'adminA'],
    );
    assert.deepEqual(
      who((actor) => canEscalation(actor, 'answer', escalation('region', 'responded'))),
      [],
    );
    assert.deepEqual(
      who((actor) =>
        canEscalation(actor, 'answer', escalation('region', 'closed', { wouldRaiseAgain: 'yes' })),
      ),
      [],
    );
  });

  it('lets the organisation’s writers raise one, to its region or an ICB it belongs to', () => {
    assert.deepEqual(
      who((actor) => canRaiseEscalation(actor, 'RA1')),
      ['operator', 'contributorA', 'adminA'],
    );
    assert.deepEqual(escalationRecipientsOf(orgA), [
      { kind: 'region', code: 'Y01' },
      { kind: 'icb', code: 'QA1' },
    ]);
  });

  it('opens the raiser’s list to its people and its possible recipients, and the ageing view to the recipient only', () => {
    assert.deepEqual(
      who((actor) => canReadRaisedEscalations(actor, orgA)),
      [
        'operator',
        'memberA',
        'contributorA',
        'adminA',
        'adminIcbA',
        'memberIcbA',
        'systemLeadA',
        'oversightRegionA',
      ],
    );
    assert.deepEqual(
      who((actor) => canReadReceivedEscalations(actor, 'region', 'Y01')),
      ['operator', 'oversightRegionA'],
    );
    assert.deepEqual(
      who((actor) => canReadReceivedEscalations(actor, 'icb', 'QA1')),
      ['operator', 'adminIcbA', 'memberIcbA', 'systemLeadA'],
    );
  });
});
