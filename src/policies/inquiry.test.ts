import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InquiryState } from '../domain/inquiry.ts';
import type { NarrativeVisibility } from '../domain/people.ts';
import { type Actor, anonymous, type Grant, operator } from './actor.ts';
import {
  canEditPromptSets,
  canInquiry,
  canInviteInquiry,
  canOpenInquiry,
  type InquiryResource,
} from './inquiry.ts';

/** Trust A sits in ICB QA1 and region Y01; trust B in ICB QB1 and region Y02. */
const orgA = { code: 'RA1', icbCodes: ['QA1'], regionCodes: ['Y01'] };
const orgB = { code: 'RB1', icbCodes: ['QB1'], regionCodes: ['Y02'] };

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
  systemLeadA: user({ role: 'system-lead', scopeKind: 'system', scopeCode: 'QA1' }),
  systemLeadB: user({ role: 'system-lead', scopeKind: 'system', scopeCode: 'QB1' }),
  oversightRegionA: user({ role: 'oversight', scopeKind: 'region', scopeCode: 'Y01' }),
  oversightEngland: user({ role: 'oversight', scopeKind: 'england', scopeCode: null }),
  facilitator: user({ role: 'facilitator', scopeKind: 'none', scopeCode: null }),
};
type Person = keyof typeof people;
const everyone = Object.keys(people) as Person[];
const overseersOfA: Person[] = [
  'operator',
  'memberA',
  'contributorA',
  'adminA',
  'systemLeadA',
  'oversightRegionA',
  'oversightEngland',
];

function inquiry(
  visibility: NarrativeVisibility,
  state: InquiryState,
  extra: Partial<InquiryResource> = {},
): InquiryResource {
  return Object.freeze({
    org: orgA,
    state,
    visibility,
    createdBy: null,
    invitedBy: null,
    readerIds: [],
    ...extra,
  });
}

const who = (check: (actor: Actor) => boolean) => everyone.filter((name) => check(people[name]));

describe('inquiry policy', () => {
  it('lets everyone read a public inquiry once accepted, but not while it is an invitation or declined', () => {
    for (const state of ['opened', 'gathering', 'sense_making', 'actions_agreed', 'closed'] as const)
      assert.deepEqual(
        who((actor) => canInquiry(actor, 'read', inquiry('public', state))),
        everyone,
        state,
      );
    for (const state of ['invited', 'declined'] as const)
      assert.deepEqual(
        who((actor) => canInquiry(actor, 'read', inquiry('public', state))),
        overseersOfA,
        state,
      );
  });

  it('keeps an organisation-only inquiry to the organisation’s people and those who oversee it', () => {
    assert.deepEqual(
      who((actor) => canInquiry(actor, 'read', inquiry('organisation', 'gathering'))),
      overseersOfA,
    );
  });

  it('keeps a named-only inquiry to the people named, whoever opened it and whoever invited', () => {
    const named = inquiry('named', 'gathering', {
      createdBy: people.contributorA.userId,
      invitedBy: people.oversightRegionA.userId,
      readerIds: [people.contributorB.userId],
    });
    assert.deepEqual(
      who((actor) => canInquiry(actor, 'read', named)),
      ['operator', 'contributorA', 'contributorB', 'oversightRegionA'],
    );
    // Named, but not a writer of the organisation: reads, never writes.
    assert.deepEqual(
      who((actor) => canInquiry(actor, 'work', named)),
      ['operator', 'contributorA'],
    );
  });

  it('lets the organisation’s writers work on it only while it is under way, and answer only an invitation', () => {
    const writers: Person[] = ['operator', 'contributorA', 'adminA'];
    for (const state of ['opened', 'gathering', 'sense_making', 'actions_agreed'] as const)
      assert.deepEqual(
        who((actor) => canInquiry(actor, 'work', inquiry('public', state))),
        writers,
        state,
      );
    for (const state of ['invited', 'declined', 'closed'] as const)
      assert.deepEqual(
        who((actor) => canInquiry(actor, 'work', inquiry('public', state))),
        [],
        state,
      );
    assert.deepEqual(
      who((actor) => canInquiry(actor, 'respond', inquiry('organisation', 'invited'))),
      writers,
    );
    assert.deepEqual(
      who((actor) => canInquiry(actor, 'respond', inquiry('organisation', 'opened'))),
      [],
    );
  });

  it('lets writers open, and overseers (not the organisation’s own people) invite', () => {
    assert.deepEqual(
      who((actor) => canOpenInquiry(actor, 'RA1')),
      ['operator', 'contributorA', 'adminA'],
    );
    assert.deepEqual(
      who((actor) => canInviteInquiry(actor, orgA)),
      ['operator', 'systemLeadA', 'oversightRegionA', 'oversightEngland'],
    );
    assert.deepEqual(
      who((actor) => canInviteInquiry(actor, orgB)),
      ['operator', 'systemLeadB', 'oversightEngland'],
    );
  });

  it('treats a team’s inquiry as its organisation’s too: its people and overseers read, its admins write', () => {
    const team = { code: 'RA1T01', icbCodes: [], regionCodes: [] };
    const teamInquiry = inquiry('organisation', 'gathering', { org: team, parent: orgA });
    assert.deepEqual(
      who((actor) => canInquiry(actor, 'read', teamInquiry)),
      overseersOfA,
    );
    assert.deepEqual(
      who((actor) => canInquiry(actor, 'work', teamInquiry)),
      ['operator', 'adminA'],
    );
    assert.deepEqual(
      who((actor) => canOpenInquiry(actor, 'RA1T01', 'RA1')),
      ['operator', 'adminA'],
    );
    assert.deepEqual(
      who((actor) => canInviteInquiry(actor, team, orgA)),
      ['operator', 'systemLeadA', 'oversightRegionA', 'oversightEngland'],
    );
  });

  it('hides an inquiry about a team indicator the actor may not read, whatever its visibility', () => {
    const hidden = inquiry('public', 'closed', {
      metricReadable: false,
      createdBy: people.contributorA.userId,
    });
    assert.deepEqual(
      who((actor) => canInquiry(actor, 'read', hidden)),
      ['operator'],
    );
  });

  it('lets only national oversight and the operator edit prompt sets', () => {
    assert.deepEqual(who(canEditPromptSets), ['operator', 'oversightEngland']);
  });
});
