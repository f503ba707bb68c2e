import { loadUserActor } from '../../src/app/accounts/actor.ts';
import { addUser, grantRole } from '../../src/app/accounts/users.ts';
import type { UseCaseContext } from '../../src/app/context.ts';
import { type Actor, anonymous, operator } from '../../src/policies/actor.ts';
import type { Store } from '../../src/store/db.ts';
import { upsertMemberships, upsertOrganisations } from '../../src/store/repos/organisation-repo.ts';
import { addPerson } from './people.ts';

/**
 * Two trusts in different ICBs and regions, and one person in every role that reads narratives
 * differently: the organisation's member, contributor and administrator (of A and of B), the
 * system lead of A's ICB, oversight of A's region, national oversight, an improvement facilitator
 * and someone with no role at all.
 */

export const orgA = 'RAA';
export const orgB = 'RBB';

export const cast = {
  memberA: {
    email: 'member.a@example.nhs.uk',
    grants: [{ role: 'member', scopeKind: 'organisation', scopeCode: orgA }],
  },
  contributorA: {
    email: 'contributor.a@example.nhs.uk',
    grants: [{ role: 'contributor', scopeKind: 'organisation', scopeCode: orgA }],
  },
  adminA: {
    email: 'admin.a@example.nhs.uk',
    grants: [{ role: 'admin', scopeKind: 'organisation', scopeCode: orgA }],
  },
  memberB: {
    email: 'member.b@example.nhs.uk',
    grants: [{ role: 'member', scopeKind: 'organisation', scopeCode: orgB }],
  },
  contributorB: {
    email: 'contributor.b@example.nhs.uk',
    grants: [{ role: 'contributor', scopeKind: 'organisation', scopeCode: orgB }],
  },
  adminB: {
    email: 'admin.b@example.nhs.uk',
    grants: [{ role: 'admin', scopeKind: 'organisation', scopeCode: orgB }],
  },
  systemLeadA: {
    email: 'lead.qaa@example.nhs.uk',
    grants: [{ role: 'system-lead', scopeKind: 'system', scopeCode: 'QAA' }],
  },
  oversightRegionA: {
    email: 'oversight.y01@example.nhs.uk',
    grants: [{ role: 'oversight', scopeKind: 'region', scopeCode: 'Y01' }],
  },
  nationalOversight: {
    email: 'oversight.england@example.nhs.uk',
    grants: [{ role: 'oversight', scopeKind: 'england' }],
  },
  facilitator: { email: 'facilitator@example.nhs.uk', grants: [{ role: 'facilitator', scopeKind: 'none' }] },
  nobody: { email: 'nobody@example.nhs.uk', grants: [] },
} as const;

export type CastName = keyof typeof cast;

/** Organisations A and B, their ICBs (QAA, QBB) and regions (Y01, Y02), with memberships under both ICB mappings. */
export async function addTwoOrganisations(store: Store): Promise<void> {
  await upsertOrganisations(
    store.db,
    [
      { code: orgA, name: 'Alder Community Health NHS Trust', kind: 'trust', authority: 'replace' },
      { code: orgB, name: 'Birch Hospitals NHS Foundation Trust', kind: 'trust', authority: 'replace' },
      { code: 'QAA', name: 'NHS Alder Integrated Care Board', kind: 'icb', authority: 'replace' },
      { code: 'QBB', name: 'NHS Birch Integrated Care Board', kind: 'icb', authority: 'replace' },
      { code: 'Y01', name: 'Alder Region', kind: 'region', authority: 'replace' },
      { code: 'Y02', name: 'Birch Region', kind: 'region', authority: 'replace' },
    ],
    'test',
  );
  await upsertMemberships(
    store.db,
    [
      { memberCode: orgA, parentCode: 'QAA', relation: 'icb_ods', validFrom: '2022-07-01', validTo: null },
      { memberCode: orgA, parentCode: 'QAA', relation: 'icb_nhse', validFrom: '2022-07-01', validTo: null },
      { memberCode: orgA, parentCode: 'Y01', relation: 'region', validFrom: '2022-07-01', validTo: null },
      { memberCode: orgB, parentCode: 'QBB', relation: 'icb_ods', validFrom: '2022-07-01', validTo: null },
      { memberCode: orgB, parentCode: 'Y02', relation: 'region', validFrom: '2022-07-01', validTo: null },
    ],
    'test',
  );
}

export interface CastMember {
  id: number;
  email: string;
  actor: Actor;
}

/**
 * Adds everyone in `cast` and loads each as an actor on `clock`'s day. Only the people in
 * `withPasswords` get the test password (hashing one takes a while), for tests that sign in.
 */
export async function addCast(
  store: Store,
  clock: () => Date,
  withPasswords: readonly CastName[] = [],
): Promise<Record<CastName, CastMember>> {
  const people = {} as Record<CastName, CastMember>;
  const context = { db: store.db, actor: operator('test'), clock };
  for (const [name, person] of Object.entries(cast) as [CastName, (typeof cast)[CastName]][]) {
    let id: number;
    if (withPasswords.includes(name)) id = await addPerson(store, person.email, person.grants, clock);
    else {
      id = (await addUser(context, { email: person.email, name: person.email.split('@')[0] })).id;
      for (const grant of person.grants) await grantRole(context, { email: person.email, ...grant });
    }
    const actor = await loadUserActor(store.db, id, clock(), 'session');
    if (!actor) throw new Error(`could not load ${person.email}`);
    people[name] = { id, email: person.email, actor };
  }
  return people;
}

/** Every kind of reader: anonymous, the operator, and each person in the cast. */
export function everyReader(people: Record<CastName, CastMember>): { name: string; actor: Actor }[] {
  return [
    { name: 'anonymous', actor: anonymous },
    { name: 'operator', actor: operator('test') },
    ...Object.entries(people).map(([name, person]) => ({ name, actor: person.actor })),
  ];
}

/** A use-case context for an actor on the store. */
export function contextFor(store: Store, actor: Actor, clock: () => Date): UseCaseContext {
  return { db: store.db, actor, clock };
}
