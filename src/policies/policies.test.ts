import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NarrativeVisibility, PublicationStatus } from '../domain/people.ts';
import { type Actor, anonymous, type Grant, grantsInForce, operator } from './actor.ts';
import { canAnnotation, canCreateAnnotation } from './annotation.ts';
import { canReadAnyAudit, canReadAudit } from './audit.ts';
import { canCreateNarrative, canNarrative } from './narrative.ts';
import { scope } from './scope.ts';

/** Trust A sits in ICB QA1 and region Y01; trust B in ICB QB1 and region Y02. */
const orgA = { code: 'RA1', icbCodes: ['QA1'], regionCodes: ['Y01'] };
const orgB = { code: 'RB1', icbCodes: ['QB1'], regionCodes: ['Y02'] };

let nextId = 1;
function user(...grants: Omit<Grant, 'validFrom' | 'validTo'>[]): Actor & { kind: 'user' } {
  const id = nextId++;
  return {
    kind: 'user',
    userId: id,
    email: `u${id}@example.nhs.uk`,
    name: `U${id}`,
    via: 'session',
    grants: grants.map((grant) => ({ ...grant, validFrom: '2026-01-01', validTo: null })),
  };
}
const of = (role: Grant['role'], code: string) =>
  ({ role, scopeKind: 'organisation', scopeCode: code }) as const;

const roles = {
  anonymous,
  memberA: user(of('member', 'RA1')),
  contributorA: user(of('contributor', 'RA1')),
  adminA: user(of('admin', 'RA1')),
  memberB: user(of('member', 'RB1')),
  contributorB: user(of('contributor', 'RB1')),
  adminB: user(of('admin', 'RB1')),
  systemLeadA: user({ role: 'system-lead', scopeKind: 'system', scopeCode: 'QA1' }),
  oversightRegionA: user({ role: 'oversight', scopeKind: 'region', scopeCode: 'Y01' }),
  oversightEngland: user({ role: 'oversight', scopeKind: 'england', scopeCode: null }),
  facilitator: user({ role: 'facilitator', scopeKind: 'none', scopeCode: null }),
} as const;
type RoleKey = keyof typeof roles;

/**
 * Who may read an item of organisation A, written out by hand from the rules in the issue:
 * published public — everyone; published organisation-only — A's people, A's system lead, A's
 * regional oversight, national oversight; drafts and withdrawn — A's people only.
 */
const everyone = Object.keys(roles) as RoleKey[];
const peopleOfA: RoleKey[] = ['memberA', 'contributorA', 'adminA'];
const overseersOfA: RoleKey[] = [...peopleOfA, 'systemLeadA', 'oversightRegionA', 'oversightEngland'];
const expectedReaders: Record<PublicationStatus, Record<'public' | 'organisation', RoleKey[]>> = {
  published: { public: everyone, organisation: overseersOfA },
  draft: { public: peopleOfA, organisation: peopleOfA },
  withdrawn: { public: peopleOfA, organisation: peopleOfA },
};

describe('policies', () => {
  it('holds a grant from its first day until, not including, its end day', () => {
    const grant: Grant = {
      role: 'member',
      scopeKind: 'organisation',
      scopeCode: 'RA1',
      validFrom: '2026-03-01',
      validTo: '2026-04-01',
    };
    assert.equal(grantsInForce([grant], '2026-02-28').length, 0);
    assert.equal(grantsInForce([grant], '2026-03-01').length, 1);
    assert.equal(grantsInForce([grant], '2026-03-31').length, 1);
    assert.equal(grantsInForce([grant], '2026-04-01').length, 0);
    assert.equal(grantsInForce([{ ...grant, validTo: null }], '2099-01-01').length, 1);
  });

  for (const status of ['published', 'draft', 'withdrawn'] as const) {
    for (const visibility of ['public', 'organisation'] as const) {
      it(`reads a ${status} ${visibility} narrative of A exactly as the rules say`, () => {
        const item = { org: orgA, status, visibility, createdBy: 9999, readerIds: [] };
        const readers = everyone.filter((key) => canNarrative(roles[key], 'read', item));
        assert.deepEqual(readers.sort(), [...expectedReaders[status][visibility]].sort());
        assert.equal(canNarrative(operator(), 'read', item), true);
      });
    }
  }

  it('shows a named-only narrative to its author, and once published to the people named', () => {
    const author = roles.contributorA;
    const named = roles.memberB;
    for (const status of ['draft', 'published', 'withdrawn'] as PublicationStatus[]) {
      const item = {
        org: orgA,
        status,
        visibility: 'named' as NarrativeVisibility,
        createdBy: author.userId,
        readerIds: [named.userId],
      };
      const readers = everyone.filter((key) => canNarrative(roles[key], 'read', item));
      assert.deepEqual(
        readers.sort(),
        (status === 'published' ? ['contributorA', 'memberB'] : ['contributorA']).sort(),
        status,
      );
    }
  });

  it('lets only contributors and admins of the organisation write, and a named narrative only its author', () => {
    const writers = everyone.filter((key) => canCreateNarrative(roles[key], 'RA1'));
    assert.deepEqual(writers.sort(), ['adminA', 'contributorA']);
    const draft = {
      org: orgA,
      status: 'draft' as const,
      visibility: 'organisation' as const,
      createdBy: roles.contributorA.userId,
      readerIds: [],
    };
    for (const action of ['edit', 'publish', 'withdraw'] as const)
      assert.deepEqual(
        everyone.filter((key) => canNarrative(roles[key], action, draft)).sort(),
        ['adminA', 'contributorA'],
        action,
      );
    const namedDraft = { ...draft, visibility: 'named' as const };
    assert.deepEqual(
      everyone.filter((key) => canNarrative(roles[key], 'edit', namedDraft)),
      ['contributorA'],
    );
  });

  it('reads annotations as narratives and lets the organisation’s writers annotate', () => {
    const item = {
      org: orgB,
      status: 'published' as const,
      visibility: 'organisation' as const,
      createdBy: null,
    };
    assert.deepEqual(
      everyone.filter((key) => canAnnotation(roles[key], 'read', item)).sort(),
      ['adminB', 'contributorB', 'memberB', 'oversightEngland'].sort(),
    );
    assert.deepEqual(everyone.filter((key) => canCreateAnnotation(roles[key], 'RB1')).sort(), [
      'adminB',
      'contributorB',
    ]);
  });

  it('opens an organisation’s audit entries to its admins only', () => {
    assert.deepEqual(
      everyone.filter((key) => canReadAudit(roles[key], 'RA1')),
      ['adminA'],
    );
    assert.deepEqual(everyone.filter((key) => canReadAnyAudit(roles[key])).sort(), ['adminA', 'adminB']);
    assert.equal(canReadAudit(operator(), null), true);
    assert.deepEqual(scope(roles.adminA, 'read', 'audit'), { everything: false, orgCodes: ['RA1'] });
  });

  it('describes each actor’s content scope as plain data', () => {
    assert.deepEqual(scope(anonymous, 'read', 'narrative'), {
      everything: false,
      userId: null,
      peopleOf: [],
      systems: [],
      regions: [],
      england: false,
    });
    assert.deepEqual(scope(roles.systemLeadA, 'read', 'narrative').systems, ['QA1']);
    assert.deepEqual(scope(roles.oversightRegionA, 'read', 'annotation').regions, ['Y01']);
    assert.equal(scope(operator(), 'read', 'narrative').everything, true);
  });
});
