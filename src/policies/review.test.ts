import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Grant } from './actor.ts';
import { type Actor, anonymous, operator } from './actor.ts';
import { canPlanReview, canReview, type ReviewResource } from './review.ts';

function user(userId: number, grants: Omit<Grant, 'validFrom' | 'validTo'>[]): Actor {
  return {
    kind: 'user',
    userId,
    email: `person${userId}@example.nhs.uk`,
    name: `Person ${userId}`,
    grants: grants.map((grant) => ({ ...grant, validFrom: '2020-01-01', validTo: null })),
    via: 'session',
  };
}

const org = { code: 'RAA', icbCodes: ['QAA'], regionCodes: ['Y01'] };
const byRegion: ReviewResource = { org, overseer: { code: 'Y01', kind: 'region' }, ownerUserIds: [20] };
const byIcb: ReviewResource = { org, overseer: { code: 'QAA', kind: 'icb' } };

const people = {
  memberA: user(1, [{ role: 'member', scopeKind: 'organisation', scopeCode: 'RAA' }]),
  contributorA: user(2, [{ role: 'contributor', scopeKind: 'organisation', scopeCode: 'RAA' }]),
  adminA: user(3, [{ role: 'admin', scopeKind: 'organisation', scopeCode: 'RAA' }]),
  memberB: user(4, [{ role: 'member', scopeKind: 'organisation', scopeCode: 'RBB' }]),
  adminB: user(5, [{ role: 'admin', scopeKind: 'organisation', scopeCode: 'RBB' }]),
  systemLeadA: user(6, [{ role: 'system-lead', scopeKind: 'system', scopeCode: 'QAA' }]),
  systemLeadB: user(7, [{ role: 'system-lead', scopeKind: 'system', scopeCode: 'QBB' }]),
  oversightRegionA: user(8, [{ role: 'oversight', scopeKind: 'region', scopeCode: 'Y01' }]),
  oversightRegionB: user(9, [{ role: 'oversight', scopeKind: 'region', scopeCode: 'Y02' }]),
  oversightEngland: user(10, [{ role: 'oversight', scopeKind: 'england', scopeCode: null }]),
  facilitator: user(11, [{ role: 'facilitator', scopeKind: 'none', scopeCode: null }]),
  owner: user(20, [{ role: 'member', scopeKind: 'organisation', scopeCode: 'RAA' }]),
  anonymous,
  operator: operator('test'),
} as const;

type Name = keyof typeof people;
const who = (action: 'read' | 'record' | 'answer', resource: ReviewResource) =>
  (Object.keys(people) as Name[]).filter((name) => canReview(people[name], action, resource)).sort();

describe('review policy', () => {
  it('lets the organisation’s people, those who oversee it and the operator read a review, and no one else', () => {
    const readers = [
      'adminA',
      'contributorA',
      'memberA',
      'operator',
      'oversightEngland',
      'oversightRegionA',
      'owner',
      'systemLeadA',
    ];
    assert.deepEqual(who('read', byRegion), readers);
    assert.deepEqual(who('read', byIcb), readers);
  });

  it('lets the overseer side record: the region’s oversight and national oversight for a region, the system lead for an ICB', () => {
    assert.deepEqual(who('record', byRegion), ['operator', 'oversightEngland', 'oversightRegionA']);
    assert.deepEqual(who('record', byIcb), ['operator', 'systemLeadA']);
  });

  it('lets those who record, the organisation’s writers and the owners of its actions answer follow-ups', () => {
    assert.deepEqual(who('answer', byRegion), [
      'adminA',
      'contributorA',
      'operator',
      'oversightEngland',
      'oversightRegionA',
      'owner',
    ]);
  });

  it('never lets an owner answer a review they can no longer read', () => {
    const movedOn = { ...byRegion, ownerUserIds: [4] };
    assert.equal(canReview(people.memberB, 'answer', movedOn), false);
  });

  it('lets only an overseer of the organisation plan its review', () => {
    const planners = (Object.keys(people) as Name[])
      .filter((name) => canPlanReview(people[name], org))
      .sort();
    assert.deepEqual(planners, ['operator', 'oversightEngland', 'oversightRegionA', 'systemLeadA']);
  });
});
