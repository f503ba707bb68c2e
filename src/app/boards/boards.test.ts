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
import { type Actor, operator } from '../../policies/actor.ts';
import { boardCommentaryScope, canReadCommentary, canReadCommentaryBody } from '../../policies/board.ts';
import type { Store } from '../../store/db.ts';
import { listAuditEntries } from '../../store/repos/audit-repo.ts';
import { listBoardCommentary, listBoardMembers } from '../../store/repos/board-repo.ts';
import { upsertOrganisations } from '../../store/repos/organisation-repo.ts';
import { demoTrusts } from '../demo-accounts.ts';
import { createDemoBoards } from './demo.ts';
import { commentaryResource, getBoard, getBoardCommentary } from './read.ts';
import {
  addBoardMember,
  createBoard,
  endBoardMemberTerm,
  moderateBoardCommentary,
  replyToBoardCommentary,
  setBoardChair,
  submitBoardCommentary,
  writeBoardCommentary,
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

describe(`ethical reflection boards (${testBackend})`, () => {
  let store: Store;
  let people: Record<CastName, CastMember>;
  let now = monday;
  const clock = () => now;
  const as = (actor: Actor) => contextFor(store, actor, clock);
  let boardId: number;

  before(async () => {
    store = await openTestStore();
  });
  beforeEach(async () => {
    now = monday;
    await resetTestStore(store);
    await addTwoOrganisations(store);
    people = await addCast(store, clock);
    const board = await createBoard(as(people.adminA.actor), { org: orgA, name: 'Alder values board' });
    boardId = board.id;
    const add = (input: Record<string, unknown>) => addBoardMember(as(people.adminA.actor), boardId, input);
    await add({
      name: 'Dana Writer',
      role: 'staff',
      userId: people.contributorA.id,
      termFrom: '2026-01-01',
      namePublic: true,
    });
    await add({
      name: 'Chris Chair',
      role: 'lay',
      userId: people.memberB.id,
      isChair: true,
      termFrom: '2026-01-01',
      termTo: '2027-12-31',
    });
    await add({ name: 'Pat Unnamed', role: 'patient', termFrom: '2026-01-01' });
  });
  after(async () => {
    await store.close();
  });

  const commentary = (fields: Record<string, unknown> = {}) => ({
    subject: 'a decision',
    title: 'Closing the night ward',
    body: 'BOARD-BODY: the decision was explained to staff but not to patients.',
    ...fields,
  });

  it('lets its managers set a chair and end a term, listing every problem, and no one else', async () => {
    const members = await listBoardMembers(store.db, boardId);
    const writer = members.find((each) => each.name === 'Dana Writer');
    const chair = members.find((each) => each.name === 'Chris Chair');
    assert.ok(writer && chair);
    const admin = as(people.adminA.actor);
    await assert.rejects(
      setBoardChair(as(people.adminB.actor), boardId, writer.id, { isChair: true }),
      rejectsWith('FORBIDDEN'),
    );
    await assert.rejects(setBoardChair(admin, boardId, 9999, { isChair: true }), rejectsWith('NOT_FOUND'));
    await setBoardChair(admin, boardId, writer.id, { isChair: 'on' });
    await setBoardChair(admin, boardId, chair.id, {});
    await assert.rejects(
      endBoardMemberTerm(admin, boardId, writer.id, { termTo: '2025-12-31' }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(error.details, ['termTo: The term must end on or after it started (2026-01-01)']),
      ),
    );
    await endBoardMemberTerm(admin, boardId, chair.id, { termTo: '2026-12-06' });
    const after = await listBoardMembers(store.db, boardId);
    assert.deepEqual(
      after.map((each) => [each.name, each.is_chair, each.term_to]),
      [
        ['Dana Writer', true, null],
        ['Chris Chair', false, '2026-12-06'],
        ['Pat Unnamed', false, null],
      ],
    );
    // The former chair's term ended yesterday: they no longer write commentary.
    await assert.rejects(
      writeBoardCommentary(as(people.memberB.actor), boardId, commentary()),
      rejectsWith('FORBIDDEN'),
    );
  });

  it('moves a commentary from draft to the chair and publishes it; the organisation replies saying what it changed', async () => {
    const author = as(people.contributorA.actor);
    const draft = await writeBoardCommentary(author, boardId, commentary());
    assert.equal(draft.state, 'draft');
    await assert.rejects(
      getBoardCommentary(as(people.memberB.actor), boardId, draft.id),
      rejectsWith('NOT_FOUND'),
    );
    await submitBoardCommentary(author, boardId, draft.id);
    await assert.rejects(
      moderateBoardCommentary(as(people.adminA.actor), boardId, draft.id, { decision: 'publish' }),
      rejectsWith('NOT_FOUND'),
      'the organisation does not moderate (nor see) commentary in moderation',
    );
    const published = await moderateBoardCommentary(as(people.memberB.actor), boardId, draft.id, {
      decision: 'publish',
    });
    assert.equal(published.state, 'published');
    await assert.rejects(
      replyToBoardCommentary(as(people.memberA.actor), boardId, draft.id, { reply: 'Thanks' }),
      rejectsWith('FORBIDDEN'),
    );
    await replyToBoardCommentary(as(people.adminA.actor), boardId, draft.id, {
      reply: 'We agree and have met the patient panel.',
      whatWeChanged: 'Patients now hear of ward changes before staff rotas are set.',
    });
    const seen = await getBoard(as(people.nobody.actor), boardId);
    assert.equal(seen.commentary.length, 1);
    assert.equal(seen.commentary[0]?.body, commentary().body);
    assert.equal(
      seen.commentary[0]?.replies[0]?.whatWeChanged,
      'Patients now hear of ward changes before staff rotas are set.',
    );
    assert.deepEqual(
      seen.members.map((member) => member.shownAs),
      ['Lay member', 'Patient', 'Dana Writer'],
      'the chair first; members named only where they agreed',
    );
    const audit = await listAuditEntries(
      store.db,
      { everything: false, orgCodes: [orgA] },
      { orgCode: orgA },
    );
    const actions = audit
      .map((entry) => entry.action)
      .filter((action) => action.startsWith('board'))
      .sort();
    assert.deepEqual(actions, [
      'board.add_member',
      'board.add_member',
      'board.add_member',
      'board.create',
      'board_commentary.draft',
      'board_commentary.publish',
      'board_commentary.reply',
      'board_commentary.submit',
    ]);
    assert.ok(!JSON.stringify(audit).includes('BOARD-BODY'), 'the audit log never copies what members wrote');
    assert.ok(!JSON.stringify(audit).includes('Chris Chair'), 'nor members’ names');
  });

  it('restricts a commentary with the reason shown to all; its text only the author and the chair read', async () => {
    const draft = await writeBoardCommentary(
      as(people.contributorA.actor),
      boardId,
      commentary({ submit: true }),
    );
    assert.equal(draft.state, 'in_moderation');
    await assert.rejects(
      moderateBoardCommentary(as(people.memberB.actor), boardId, draft.id, { decision: 'restrict' }),
      rejectsWith('VALIDATION_FAILED', (error) => assert.match(error.message, /reason/)),
    );
    await moderateBoardCommentary(as(people.memberB.actor), boardId, draft.id, {
      decision: 'restrict',
      reason: 'It names a patient.',
    });
    for (const { name, actor } of everyReader(people)) {
      const seen = await getBoardCommentary(as(actor), boardId, draft.id);
      assert.equal(seen.commentary.restrictedReason, 'It names a patient.', name);
      const readsBody = ['contributorA', 'memberB', 'operator'].includes(name);
      assert.equal(seen.commentary.body !== null, readsBody, name);
    }
    await assert.rejects(
      replyToBoardCommentary(as(people.adminA.actor), boardId, draft.id, { reply: 'x' }),
      rejectsWith('CONFLICT'),
    );
  });

  it('lets only sitting members write, and lists every field problem at once', async () => {
    await assert.rejects(
      writeBoardCommentary(as(people.adminA.actor), boardId, commentary()),
      rejectsWith('FORBIDDEN'),
    );
    await assert.rejects(
      writeBoardCommentary(as(people.contributorA.actor), boardId, { subject: '', title: '', body: '' }),
      rejectsWith('VALIDATION_FAILED', (error) =>
        assert.deepEqual(
          error.details.map((detail) => detail.slice(0, detail.indexOf(':'))),
          ['subject', 'title', 'body'],
        ),
      ),
    );
    now = new Date('2028-01-02T10:00:00Z');
    const draft = await writeBoardCommentary(
      as(people.contributorA.actor),
      boardId,
      commentary({ submit: true }),
    );
    await assert.rejects(
      moderateBoardCommentary(as(people.memberB.actor), boardId, draft.id, { decision: 'publish' }),
      rejectsWith('NOT_FOUND'),
      'a chair whose term has ended no longer moderates',
    );
    await assert.rejects(
      createBoard(as(people.contributorA.actor), { org: orgA, name: 'Another' }),
      rejectsWith('FORBIDDEN'),
    );
    const system = await createBoard(as(people.systemLeadA.actor), {
      org: 'QAA',
      name: 'Alder system board',
    });
    assert.equal(system.org_code, 'QAA');
    await assert.rejects(
      createBoard(as(people.systemLeadA.actor), { org: orgA, name: 'Not theirs' }),
      rejectsWith('FORBIDDEN'),
    );
  });

  it('reads commentary through the scope filter exactly as the policy says, row by row', async () => {
    const author = as(people.contributorA.actor);
    const chair = as(people.memberB.actor);
    await writeBoardCommentary(author, boardId, commentary({ title: 'draft' }));
    await writeBoardCommentary(author, boardId, commentary({ title: 'in moderation', submit: true }));
    const toPublish = await writeBoardCommentary(
      author,
      boardId,
      commentary({ title: 'published', submit: true }),
    );
    await moderateBoardCommentary(chair, boardId, toPublish.id, { decision: 'publish' });
    const toRestrict = await writeBoardCommentary(
      author,
      boardId,
      commentary({ title: 'restricted', submit: true }),
    );
    await moderateBoardCommentary(chair, boardId, toRestrict.id, {
      decision: 'restrict',
      reason: 'Names a patient',
    });
    await writeBoardCommentary(as(operator('test')), boardId, commentary({ title: 'operator draft' }));
    const all = await listBoardCommentary(store.db, { everything: true, userId: null }, '2026-12-07');
    assert.equal(all.length, 5);
    const members = await listBoardMembers(store.db, boardId);
    for (const day of ['2026-12-07', '2028-01-02']) {
      for (const { name, actor } of everyReader(people)) {
        const listed = new Set(
          (await listBoardCommentary(store.db, boardCommentaryScope(actor), day)).map((row) => row.id),
        );
        for (const row of all) {
          const resource = commentaryResource(row, members, day);
          assert.equal(listed.has(row.id), canReadCommentary(actor, resource), `${name} ${row.title} ${day}`);
        }
      }
    }
    const restricted = all.find((row) => row.title === 'restricted');
    assert.ok(restricted);
    assert.equal(
      canReadCommentaryBody(people.adminA.actor, commentaryResource(restricted, members, '2026-12-07')),
      false,
    );
  });

  it('builds the demo’s example board: two published commentaries, one with a reply saying what changed, one restricted', async () => {
    await upsertOrganisations(
      store.db,
      [{ code: demoTrusts.home, name: 'Example Home NHS Trust', kind: 'trust', authority: 'replace' }],
      'test',
    );
    const { boardId: demoBoard } = await createDemoBoards(as(operator('demo')));
    const seen = await getBoard(as(people.nobody.actor), demoBoard);
    assert.equal(seen.board.isExample, true);
    assert.ok(seen.board.name.startsWith('Example:'));
    assert.deepEqual(seen.commentary.map((each) => each.state).sort(), [
      'published',
      'published',
      'restricted',
    ]);
    for (const each of seen.commentary) {
      assert.ok(each.title.startsWith('Example:') && each.isExample, each.title);
      if (each.state === 'restricted') {
        assert.equal(each.body, null);
        assert.ok(each.restrictedReason?.startsWith('Example:'));
      }
    }
    const replies = seen.commentary.flatMap((each) => each.replies);
    assert.equal(replies.length, 1);
    assert.ok(replies[0]?.whatWeChanged?.startsWith('Example:'));
    assert.deepEqual(
      seen.members.map((member) => member.shownAs),
      ['Example: Ruth Ellery', 'Example: Tom Adeyemi', 'Staff member'],
    );
  });
});
