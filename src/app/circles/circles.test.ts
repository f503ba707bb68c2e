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
} from '../../../test/helpers/narratives.ts';
import { openTestStore, resetTestStore, testBackend } from '../../../test/helpers/test-store.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../../policies/actor.ts';
import { canCircle, canJournal, circleScope } from '../../policies/circle.ts';
import type { Store } from '../../store/db.ts';
import {
  circleMembership,
  findCircle,
  findJournalEntry,
  listCircles,
} from '../../store/repos/circle-repo.ts';
import { listAudit } from '../audit.ts';
import { getCircle, getJournalEntry, myCircles } from './read.ts';
import {
  addCircleMember,
  createCircle,
  recordCircleMeeting,
  removeCircleMember,
  shareJournalEntry,
  writeJournalEntry,
} from './write.ts';

const at = new Date('2026-12-02T10:00:00Z');
const clock = () => at;

function rejectsWith(code: AppError['code']) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

describe(`circles and journals (${testBackend})`, () => {
  let store: Store;
  let people: Record<CastName, CastMember>;
  const as = (actor: Actor) => contextFor(store, actor, clock);

  before(async () => {
    store = await openTestStore();
  });
  beforeEach(async () => {
    await resetTestStore(store);
    await addTwoOrganisations(store);
    people = await addCast(store, clock);
  });
  after(async () => {
    await store.close();
  });

  /** A circle of contributorA and memberB (two organisations) keeping notes. */
  async function notesCircle(name = 'Night shift circle') {
    return createCircle(as(people.contributorA.actor), {
      name,
      whatIsKept: 'notes',
      members: people.memberB.email,
    });
  }

  it('lets members record what the circle keeps and nothing more', async () => {
    const circle = await notesCircle();
    await recordCircleMeeting(as(people.memberB.actor), circle.id, {
      metOn: '2026-11-30',
      themes: 'Moral distress',
      notes: 'We talked about the winter.',
    });
    const datesOnly = await createCircle(as(people.contributorA.actor), {
      name: 'Dates',
      whatIsKept: 'dates',
    });
    await assert.rejects(
      recordCircleMeeting(as(people.contributorA.actor), datesOnly.id, {
        metOn: 'yesterday',
        themes: 'x',
        notes: 'y',
      }),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.deepEqual(error.details, [
          'metOn: Enter the date the circle met as YYYY-MM-DD',
          'themes: This circle keeps meeting dates only',
          'notes: This circle does not keep notes',
        ]);
        return true;
      },
    );
    const detail = await getCircle(as(people.memberB.actor), circle.id);
    assert.deepEqual(
      detail.meetings.map((each) => [each.met_on, each.themes, each.notes]),
      [['2026-11-30', 'Moral distress', 'We talked about the winter.']],
    );
    assert.deepEqual(
      detail.members.map((each) => each.user_id).sort(),
      [people.contributorA.id, people.memberB.id].sort(),
    );
    assert.equal(detail.mayManageMembers, false);
  });

  it('refuses a meeting row the circle does not keep even when written past the use case', async () => {
    const circle = await createCircle(as(people.contributorA.actor), { name: 'Dates', whatIsKept: 'dates' });
    await assert.rejects(
      store.db
        .insertInto('circle_meeting')
        .values({ circle_id: circle.id, met_on: '2026-11-30', kept: 'dates', notes: 'should not be kept' })
        .execute(),
    );
  });

  it('answers NOT_FOUND to everyone outside the circle, administrators, oversight and the operator included', async () => {
    const circle = await notesCircle();
    for (const name of [
      'adminA',
      'adminB',
      'nationalOversight',
      'oversightRegionA',
      'facilitator',
      'memberA',
    ] as const) {
      await assert.rejects(getCircle(as(people[name].actor), circle.id), rejectsWith('NOT_FOUND'));
      await assert.rejects(
        recordCircleMeeting(as(people[name].actor), circle.id, { metOn: '2026-11-30' }),
        rejectsWith('NOT_FOUND'),
      );
      assert.deepEqual(await myCircles(as(people[name].actor)), []);
    }
    const reader = everyReader(people).find((each) => each.name === 'operator');
    assert.ok(reader);
    assert.equal(await findCircle(store.db, circleScope(reader.actor), circle.id), undefined);
  });

  it('lets only the creator add and remove members; a removed member reads nothing more', async () => {
    const circle = await notesCircle();
    await assert.rejects(
      addCircleMember(as(people.memberB.actor), circle.id, { email: people.adminB.email }),
      rejectsWith('FORBIDDEN'),
    );
    await assert.rejects(
      addCircleMember(as(people.contributorA.actor), circle.id, { email: 'nobody-here@example.org' }),
      rejectsWith('VALIDATION_FAILED'),
    );
    await addCircleMember(as(people.contributorA.actor), circle.id, { email: people.adminB.email });
    assert.equal((await getCircle(as(people.adminB.actor), circle.id)).members.length, 3);
    await removeCircleMember(as(people.contributorA.actor), circle.id, { userId: people.adminB.id });
    await assert.rejects(getCircle(as(people.adminB.actor), circle.id), rejectsWith('NOT_FOUND'));
  });

  it('keeps a journal entry its author’s until shared, then the circle’s members read it too', async () => {
    const circle = await notesCircle();
    const entry = await writeJournalEntry(as(people.memberB.actor), {
      title: 'After the shift',
      body: 'Tired.',
    });
    await assert.rejects(getJournalEntry(as(people.contributorA.actor), entry.id), rejectsWith('NOT_FOUND'));
    await assert.rejects(
      shareJournalEntry(as(people.contributorA.actor), entry.id, { circle: circle.id }),
      rejectsWith('NOT_FOUND'),
    );
    const other = await createCircle(as(people.adminA.actor), { name: 'Not mine', whatIsKept: 'dates' });
    await assert.rejects(
      shareJournalEntry(as(people.memberB.actor), entry.id, { circle: other.id }),
      rejectsWith('VALIDATION_FAILED'),
    );
    await shareJournalEntry(as(people.memberB.actor), entry.id, { circle: circle.id });
    assert.equal((await getJournalEntry(as(people.contributorA.actor), entry.id)).entry.body, 'Tired.');
    await assert.rejects(getJournalEntry(as(people.adminA.actor), entry.id), rejectsWith('NOT_FOUND'));
    await assert.rejects(
      shareJournalEntry(as(people.memberB.actor), entry.id, { circle: circle.id }),
      rejectsWith('CONFLICT'),
    );
    assert.deepEqual(
      (await getCircle(as(people.contributorA.actor), circle.id)).sharedEntries.map((each) => each.id),
      [entry.id],
    );
  });

  it('reads circles and journal entries through the policy and the scope filter alike, row by row', async () => {
    const circles = [
      await notesCircle(),
      await createCircle(as(people.adminA.actor), {
        name: 'Admins',
        whatIsKept: 'themes',
        members: people.adminB.email,
      }),
    ];
    await addCircleMember(as(people.contributorA.actor), circles[0].id, { email: people.facilitator.email });
    await removeCircleMember(as(people.contributorA.actor), circles[0].id, { userId: people.facilitator.id });
    const entries = [
      await writeJournalEntry(as(people.memberB.actor), { title: 'Shared', body: 'one' }),
      await writeJournalEntry(as(people.memberB.actor), { title: 'Private', body: 'two' }),
      await writeJournalEntry(as(people.adminB.actor), { title: 'Shared elsewhere', body: 'three' }),
    ];
    await shareJournalEntry(as(people.memberB.actor), entries[0].id, { circle: circles[0].id });
    await shareJournalEntry(as(people.adminB.actor), entries[2].id, { circle: circles[1].id });
    const membership = await circleMembership(store.db);
    const resourceOf = (circleId: number) => ({
      createdBy: membership.find((row) => row.circle_id === circleId)?.created_by ?? 0,
      currentMemberIds: membership.filter((row) => row.circle_id === circleId).map((row) => row.user_id ?? 0),
    });
    for (const { name, actor } of everyReader(people)) {
      const scope = circleScope(actor);
      const listed = (await listCircles(store.db, scope)).map((row) => row.id);
      for (const circle of circles) {
        const allowed = canCircle(actor, 'read', resourceOf(circle.id));
        assert.equal(listed.includes(circle.id), allowed, `${name} lists circle ${circle.id}`);
        assert.equal(
          (await findCircle(store.db, scope, circle.id)) !== undefined,
          allowed,
          `${name} finds ${circle.id}`,
        );
      }
      for (const entry of entries) {
        const sharedTo = entry === entries[1] ? null : entry === entries[0] ? circles[0].id : circles[1].id;
        const allowed = canJournal(actor, 'read', {
          authorUserId: entry.author_user_id,
          sharedCircleMemberIds: sharedTo === null ? [] : resourceOf(sharedTo).currentMemberIds,
        });
        const found = await findJournalEntry(store.db, scope, entry.id);
        assert.equal(found !== undefined, allowed, `${name} finds journal entry ${entry.id}`);
      }
    }
    // Written out: who reads the first circle — its two members, nobody else (the removed facilitator neither).
    assert.deepEqual(
      everyReader(people)
        .filter(({ actor }) => canCircle(actor, 'read', resourceOf(circles[0].id)))
        .map(({ name }) => name),
      ['contributorA', 'memberB'],
    );
  });

  it('records that something happened in a circle, never what, and no organisation’s audit view lists it', async () => {
    const secret = `AUDIT-SECRET-${Date.now()}`;
    const circle = await createCircle(as(people.contributorA.actor), {
      name: `${secret}-name`,
      whatIsKept: 'notes',
      members: people.memberB.email,
    });
    await recordCircleMeeting(as(people.memberB.actor), circle.id, {
      metOn: '2026-11-30',
      themes: `${secret}-themes`,
      notes: `${secret}-notes`,
    });
    const entry = await writeJournalEntry(as(people.contributorA.actor), {
      title: `${secret}-title`,
      body: `${secret}-body`,
    });
    await shareJournalEntry(as(people.contributorA.actor), entry.id, { circle: circle.id });
    const rows = await store.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    const circleRows = rows.filter(
      (row) => row.entity_type === 'circle' || row.entity_type === 'journal_entry',
    );
    assert.deepEqual(
      circleRows.map((row) => [row.action, row.entity_type, row.org_code, row.before, row.after]),
      [
        ['circle.create', 'circle', null, null, null],
        ['circle.record_meeting', 'circle', null, null, null],
        ['journal.write', 'journal_entry', null, null, null],
        ['journal.share', 'journal_entry', null, null, null],
      ],
    );
    assert.ok(!JSON.stringify(rows).includes(secret), 'no audit row holds what was written');
    const adminView = await listAudit(as(people.adminA.actor), { orgCode: orgA });
    assert.ok(
      adminView.entries.every((each) => !['circle', 'journal_entry'].includes(each.entityType)),
      "A's administrator's audit view lists nothing of the circle",
    );
  });
});
