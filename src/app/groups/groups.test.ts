import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
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
import {
  canCreateGroup,
  canEditGroup,
  canManageGroupMembership,
  mayManageSomeGroup,
} from '../../policies/organisation-group.ts';
import type { Store } from '../../store/db.ts';
import { listAuditEntries } from '../../store/repos/audit-repo.ts';
import { insertGroupMembers, listGroupMembers } from '../../store/repos/group-repo.ts';
import { upsertMemberships, upsertOrganisations } from '../../store/repos/organisation-repo.ts';
import { readStoreVersion } from '../../store/repos/version-repo.ts';
import { createDemoGroups } from './demo.ts';
import { getGroup, listAllGroups } from './read.ts';
import { addGroupMember, createGroup, editGroupDescription, endGroupMembership } from './write.ts';

const monday = new Date('2026-12-07T10:00:00Z');
/** A third trust in A's region (Y01), so a region's oversight has a group of its own to record. */
const orgC = 'RCC';

function rejectsWith(code: AppError['code'], check?: (error: AppError) => void) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    check?.(error);
    return true;
  };
}

const inRegion = (code: string, region: string) => ({ code, icbCodes: [], regionCodes: [region] });

describe('group policy, role by role', () => {
  it('lets national oversight record any trust, a region’s oversight only its own trusts, the operator everything, and no one else', async () => {
    const store = await openTestStore();
    try {
      await resetTestStore(store);
      await addTwoOrganisations(store);
      const people = await addCast(store, () => monday);
      const a = inRegion(orgA, 'Y01');
      const b = inRegion(orgB, 'Y02');
      // Written out from the rule, role by role: [may record at all, A, B, group of A, group of A and B, edit with A current, edit with A and B current].
      const expected: Record<string, boolean[]> = {
        anonymous: [false, false, false, false, false, false, false],
        operator: [true, true, true, true, true, true, true],
        memberA: [false, false, false, false, false, false, false],
        contributorA: [false, false, false, false, false, false, false],
        adminA: [false, false, false, false, false, false, false],
        memberB: [false, false, false, false, false, false, false],
        contributorB: [false, false, false, false, false, false, false],
        adminB: [false, false, false, false, false, false, false],
        systemLeadA: [false, false, false, false, false, false, false],
        oversightRegionA: [true, true, false, true, false, true, false],
        nationalOversight: [true, true, true, true, true, true, true],
        facilitator: [false, false, false, false, false, false, false],
        nobody: [false, false, false, false, false, false, false],
      };
      const actors: [string, Actor][] = [
        ['anonymous', anonymous],
        ['operator', operator('test')],
        ...Object.entries(people).map(([name, person]) => [name, person.actor] as [string, Actor]),
      ];
      for (const [name, actor] of actors) {
        const got = [
          mayManageSomeGroup(actor),
          canManageGroupMembership(actor, a),
          canManageGroupMembership(actor, b),
          canCreateGroup(actor, [a, inRegion(orgC, 'Y01')]),
          canCreateGroup(actor, [a, b]),
          canEditGroup(actor, [a]),
          canEditGroup(actor, [a, b]),
        ];
        assert.deepEqual(got, expected[name], name);
      }
      // A group with no current member is national oversight's.
      assert.equal(canEditGroup(people.oversightRegionA.actor, []), false);
      assert.equal(canEditGroup(people.nationalOversight.actor, []), true);
    } finally {
      await store.close();
    }
  });
});

describe(`groups and shared leadership (${testBackend})`, () => {
  let store: Store;
  let people: Record<CastName, CastMember>;
  const clock = () => monday;
  const as = (actor: Actor) => contextFor(store, actor, clock);
  const national = () => as(people.nationalOversight.actor);
  const regional = () => as(people.oversightRegionA.actor);

  before(async () => {
    store = await openTestStore();
  });
  beforeEach(async () => {
    await resetTestStore(store);
    await addTwoOrganisations(store);
    await upsertOrganisations(
      store.db,
      [
        { code: orgC, name: 'Cedar Mental Health NHS Trust', kind: 'trust', authority: 'replace' },
        {
          code: 'RDD',
          name: 'Dogwood Hospital NHS Trust',
          kind: 'trust',
          authority: 'replace',
          closedOn: '2020-03-31',
        },
      ],
      'test',
    );
    await upsertMemberships(
      store.db,
      [{ memberCode: orgC, parentCode: 'Y01', relation: 'region', validFrom: '2022-07-01', validTo: null }],
      'test',
    );
    people = await addCast(store, clock);
  });
  after(async () => {
    await store.close();
  });

  it('creates a group of two trusts from a date, with one audit entry per founding trust in one transaction', async () => {
    const before = await readStoreVersion(store.db);
    const { group, members } = await createGroup(national(), {
      name: ' Alder and Birch group ',
      description: 'One board and chief executive for both trusts since April 2024',
      members: 'rbb, RAA',
      fromDate: '2024-04-01',
    });
    assert.equal(group.name, 'Alder and Birch group');
    assert.deepEqual(
      members.map((member) => [member.org_code, member.from_date, member.to_date]),
      [
        ['RBB', '2024-04-01', null],
        ['RAA', '2024-04-01', null],
      ],
    );
    const entries = await listAuditEntries(store.db, { everything: true, orgCodes: [] });
    const created = entries.filter((entry) => entry.action === 'group.create');
    assert.deepEqual(created.map((entry) => entry.org_code).sort(), ['RAA', 'RBB']);
    assert.equal(new Set(created.map((entry) => entry.at.toISOString())).size, 1, 'written together');
    // Each trust's administrators read their own entry on their audit page.
    const adminAView = await listAuditEntries(store.db, { everything: false, orgCodes: [orgA] });
    assert.deepEqual(
      adminAView.filter((entry) => entry.action.startsWith('group.')).map((entry) => entry.action),
      ['group.create'],
    );
    const after = await readStoreVersion(store.db);
    assert.equal(after.dialogue, before.dialogue + 1, 'one write');
  });

  it('keeps nothing, neither the group nor any audit entry, when the write fails part-way', async () => {
    // A national overseer whose account does not exist: the group's `created_by` refuses it.
    const ghost: Actor = {
      kind: 'user',
      userId: 987_654,
      email: 'ghost@example.nhs.uk',
      name: 'Ghost',
      grants: [
        { role: 'oversight', scopeKind: 'england', scopeCode: null, validFrom: '2020-01-01', validTo: null },
      ],
      via: 'session',
    };
    await assert.rejects(
      createGroup(as(ghost), { name: 'G', members: [orgA, orgB], fromDate: '2024-04-01' }),
    );
    const counts = await sql<{ groups: number; members: number; audit: number }>`
      select (select count(*) from organisation_group)::integer as groups,
        (select count(*) from organisation_group_member)::integer as members,
        (select count(*) from audit_log where action like 'group.%')::integer as audit`.execute(store.db);
    assert.deepEqual(counts.rows[0], { groups: 0, members: 0, audit: 0 });
  });

  it('lists every field problem at once', async () => {
    await assert.rejects(
      createGroup(national(), { name: '', members: 'RAA, ZZZ9, QAA, RAA', fromDate: '2024-02-30' }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, [
          'name: Enter the group’s name',
          'members: Given more than once: RAA',
          'members: No organisation has the code ZZZ9',
          'members: A group is of NHS trusts; not a trust: QAA',
          'fromDate: Enter a real date as YYYY-MM-DD, such as 2026-03-01',
        ]),
      ),
    );
    await assert.rejects(
      createGroup(national(), { name: 'Just one', members: ['RAA'], fromDate: '2024-04-01' }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, [
          'members: A group is of two or more trusts: give at least two ODS codes',
        ]),
      ),
    );
    await assert.rejects(
      createGroup(national(), { name: 'Late', members: 'RAA RDD', fromDate: '2024-04-01' }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, ['members: Closed before the membership starts: RDD']),
      ),
    );
    const { group } = await createGroup(national(), {
      name: 'G',
      members: [orgA, orgB],
      fromDate: '2024-04-01',
    });
    await assert.rejects(
      addGroupMember(national(), group.id, { org: 'R!', fromDate: '', toDate: '2020-13-01' }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, [
          'org: Give the ODS code of the trust',
          'fromDate: Enter the date the membership starts, as YYYY-MM-DD',
          'toDate: Enter a real date as YYYY-MM-DD, such as 2026-03-01',
        ]),
      ),
    );
    await assert.rejects(
      addGroupMember(national(), group.id, { org: 'QAA', fromDate: '2025-01-01', toDate: '2024-12-31' }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, [
          'org: A group is of NHS trusts; not a trust: QAA',
          'toDate: The membership must end on or after it starts',
        ]),
      ),
    );
    const audit = await listAuditEntries(store.db, { everything: true, orgCodes: [] });
    assert.equal(audit.filter((entry) => entry.action.startsWith('group.')).length, 2, 'only the creation');
  });

  it('dates memberships: ends one, keeps it among the past, refuses a stretch that overlaps, and lets the trust rejoin after', async () => {
    const { group, members } = await createGroup(national(), {
      name: 'G',
      members: [orgA, orgB],
      fromDate: '2024-04-01',
    });
    const memberB = members.find((member) => member.org_code === orgB);
    assert.ok(memberB);
    await assert.rejects(
      endGroupMembership(national(), group.id, memberB.id, { toDate: '2024-03-31' }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, [
          'toDate: The membership must end on or after it started (2024-04-01)',
        ]),
      ),
    );
    await endGroupMembership(national(), group.id, memberB.id, { toDate: '2025-03-31' });
    await assert.rejects(
      endGroupMembership(national(), group.id, memberB.id, { toDate: '2025-06-30' }),
      rejectsWith('CONFLICT'),
    );
    const detail = await getGroup(national(), group.id);
    assert.deepEqual(
      detail.current.map((member) => member.orgCode),
      [orgA],
    );
    assert.deepEqual(
      detail.past.map((member) => [member.orgCode, member.fromDate, member.toDate]),
      [[orgB, '2024-04-01', '2025-03-31']],
    );
    await assert.rejects(
      addGroupMember(national(), group.id, { org: orgB, fromDate: '2025-03-01' }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, [
          'fromDate: RBB is already a member of the group from 2024-04-01 to 2025-03-31; a membership may not overlap it',
        ]),
      ),
    );
    await assert.rejects(
      addGroupMember(national(), group.id, { org: orgA, fromDate: '2023-01-01', toDate: '2024-04-01' }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, [
          'fromDate: RAA is already a member of the group from 2024-04-01; a membership may not overlap it',
        ]),
      ),
      'a stretch ending on the day another starts shares that day',
    );
    await addGroupMember(national(), group.id, { org: orgA, fromDate: '2023-01-01', toDate: '2024-03-31' });
    await addGroupMember(national(), group.id, { org: orgB, fromDate: '2025-04-01' });
    await addGroupMember(national(), group.id, { org: orgC, fromDate: '2027-01-01' });
    const later = await getGroup(national(), group.id);
    assert.deepEqual(
      later.current.map((member) => [member.orgCode, member.fromDate]),
      [
        [orgA, '2024-04-01'],
        [orgB, '2025-04-01'],
      ],
    );
    assert.deepEqual(
      later.upcoming.map((member) => member.orgCode),
      [orgC],
    );
    assert.deepEqual(
      later.past.map((member) => [member.orgCode, member.toDate]),
      [
        [orgB, '2025-03-31'],
        [orgA, '2024-03-31'],
      ],
    );
    // The store refuses an overlapping stretch too, whatever wrote it.
    await assert.rejects(
      insertGroupMembers(store.db, [
        {
          group_id: group.id,
          org_code: orgB,
          from_date: '2026-01-01',
          to_date: null,
          added_by: null,
          added_by_label: 'test',
          added_at: monday,
        },
      ]),
      (error: unknown) => (error as { code?: string }).code === '23P01',
    );
    assert.equal((await listGroupMembers(store.db, group.id)).length, 5);
    const list = await listAllGroups(as(anonymous));
    assert.deepEqual(
      list.groups.map((each) => [each.group.name, each.current.length, each.past.length]),
      [['G', 2, 2]],
    );
    assert.equal(list.mayCreate, false);
  });

  it('lets a region’s oversight record only its own trusts, and refuses everyone else before any field is read', async () => {
    const { group } = await createGroup(regional(), {
      name: 'Y01 group',
      members: [orgA, orgC],
      fromDate: '2024-04-01',
    });
    await assert.rejects(
      createGroup(regional(), { name: 'Across regions', members: [orgA, orgB], fromDate: '2024-04-01' }),
      rejectsWith('FORBIDDEN', (error) => assert.match(error.message, /for RBB:/)),
    );
    await assert.rejects(
      addGroupMember(regional(), group.id, { org: orgB, fromDate: '2025-01-01' }),
      rejectsWith('FORBIDDEN'),
    );
    await editGroupDescription(regional(), group.id, { description: 'One chair for both' });
    await addGroupMember(national(), group.id, { org: orgB, fromDate: '2025-01-01' });
    // B is a current member, in another region: the description is national oversight's now.
    await assert.rejects(
      editGroupDescription(regional(), group.id, { description: 'x' }),
      rejectsWith('FORBIDDEN'),
    );
    const detail = await getGroup(regional(), group.id);
    assert.deepEqual(
      detail.current.map((member) => [member.orgCode, member.mayEnd]),
      [
        [orgA, true],
        [orgB, false],
        [orgC, true],
      ],
    );
    assert.deepEqual(detail.may, { addMember: true, edit: false });
    const memberB = detail.current.find((member) => member.orgCode === orgB);
    assert.ok(memberB);
    await assert.rejects(
      endGroupMembership(regional(), group.id, memberB.id, { toDate: '2026-01-01' }),
      rejectsWith('FORBIDDEN'),
    );
    await assert.rejects(
      editGroupDescription(national(), group.id, {}),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, ['description: Give the description, or send it empty to clear it']),
      ),
    );
    const cleared = await editGroupDescription(national(), group.id, { description: '' });
    assert.equal(cleared.description, null);
    for (const name of [
      'memberA',
      'contributorA',
      'adminA',
      'adminB',
      'systemLeadA',
      'facilitator',
    ] as const) {
      await assert.rejects(createGroup(as(people[name].actor), {}), rejectsWith('FORBIDDEN'), name);
      await assert.rejects(
        addGroupMember(as(people[name].actor), group.id, {}),
        rejectsWith('FORBIDDEN'),
        name,
      );
      await assert.rejects(
        editGroupDescription(as(people[name].actor), group.id, {}),
        rejectsWith('FORBIDDEN'),
        name,
      );
    }
    await assert.rejects(createGroup(as(anonymous), {}), rejectsWith('UNAUTHENTICATED'));
    await assert.rejects(addGroupMember(national(), 999, {}), rejectsWith('NOT_FOUND'));
    // Each membership change is the organisation's: its administrators see it.
    const adminBView = await listAuditEntries(store.db, { everything: false, orgCodes: [orgB] });
    assert.deepEqual(
      adminBView.filter((entry) => entry.action.startsWith('group.')).map((entry) => entry.action),
      ['group.add_member'],
    );
  });

  it('adds the demo’s example group of two real trusts, marked as invented', async () => {
    await upsertOrganisations(
      store.db,
      [
        {
          code: 'RYY',
          name: 'Kent Community Health NHS Foundation Trust',
          kind: 'trust',
          authority: 'replace',
        },
        { code: 'RXY', name: 'Kent and Medway Mental Health NHS Trust', kind: 'trust', authority: 'replace' },
      ],
      'test',
    );
    const { groupId } = await createDemoGroups(as(operator('demo')));
    const detail = await getGroup(as(anonymous), groupId);
    assert.equal(detail.group.is_example, true);
    assert.match(detail.group.name, /^Example – invented: /);
    assert.match(
      detail.group.description ?? '',
      /^Example – invented for the demonstration: no such group exists\./,
    );
    assert.deepEqual(detail.current.map((member) => [member.orgCode, member.fromDate]).sort(), [
      ['RXY', '2024-04-01'],
      ['RYY', '2024-04-01'],
    ]);
  });
});
