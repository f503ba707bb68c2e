import { AppError } from '../../errors.ts';
import { markBoardAsExample } from '../../store/repos/board-repo.ts';
import { findOrganisation } from '../../store/repos/organisation-repo.ts';
import { auditedWrite, isoDay, type UseCaseContext } from '../context.ts';
import { demoTrusts } from '../demo-accounts.ts';
import {
  addBoardMember,
  createBoard,
  moderateBoardCommentary,
  replyToBoardCommentary,
  writeBoardCommentary,
} from './write.ts';

/**
 * `createDemoBoards`: the demo's example ethical reflection board for its home trust (RYY), every
 * name and word marked "Example:" — invented members (a lay chair, a patient, a member of staff, one
 * of them shown by role only), two published commentaries (the trust replying to one with what it
 * changed) and one restricted with its reason shown. Written as the given context's actor (the
 * operator), then marked as examples in one audited write. Returns the board's id.
 */
export async function createDemoBoards(context: UseCaseContext): Promise<{ boardId: number }> {
  const org = await findOrganisation(context.db, demoTrusts.home);
  if (!org)
    throw new AppError(
      'NOT_FOUND',
      `The demo's board needs ${demoTrusts.home}: import the ODS trust list first.`,
    );
  const termFrom = `${isoDay(context.clock()).slice(0, 4)}-01-01`;
  const board = await createBoard(context, { org: org.code, name: 'Example: values and ethics board' });
  for (const member of [
    { name: 'Example: Ruth Ellery', role: 'lay', isChair: true, namePublic: true },
    { name: 'Example: Tom Adeyemi', role: 'patient', namePublic: true },
    { name: 'Example: a ward sister', role: 'staff', namePublic: false },
  ])
    await addBoardMember(context, board.id, { ...member, termFrom });
  const write = (fields: { subject: string; title: string; body: string }) =>
    writeBoardCommentary(context, board.id, { ...fields, submit: true });
  const published = await write({
    subject: 'a decision',
    title: 'Example: moving outpatient clinics without asking patients',
    body: 'Example: this commentary is invented for the demo. The decision to move two outpatient clinics across the city was sound on cost, but patients who rely on one bus route heard of it last. Living the value of "working together for patients" would have meant asking them first.',
  });
  await moderateBoardCommentary(context, board.id, published.id, { decision: 'publish' });
  await replyToBoardCommentary(context, board.id, published.id, {
    reply:
      'Example: this reply is invented for the demo. We agree that patients should have been asked first.',
    whatWeChanged:
      'Example: any clinic move is now discussed with the patient panel before it is decided, and the old site keeps a clinic one day a week.',
  });
  const second = await write({
    subject: 'ae_4hr',
    title: 'Example: the four-hour figure and the people behind it',
    body: 'Example: this commentary is invented for the demo. The board welcomes the improving four-hour figure and asks that the trust keep reporting how long people who are admitted wait for a bed, which the headline figure hides.',
  });
  await moderateBoardCommentary(context, board.id, second.id, { decision: 'publish' });
  const restricted = await write({
    subject: 'a decision',
    title: 'Example: a complaint about one team',
    body: 'Example: this commentary is invented for the demo.',
  });
  await moderateBoardCommentary(context, board.id, restricted.id, {
    decision: 'restrict',
    reason:
      'Example: it describes a complaint that is still being investigated, and could identify a member of staff.',
  });
  await auditedWrite(context, {}, async (trx) => {
    await markBoardAsExample(trx, board.id);
    return {
      result: undefined,
      audit: {
        action: 'demo.mark_examples',
        entityType: 'demo',
        entityId: null,
        orgCode: org.code,
        after: { boards: [board.id] },
      },
    };
  });
  return { boardId: board.id };
}
