import { AppError } from '../../errors.ts';
import { actorLabel, actorUserId } from '../../policies/actor.ts';
import { scope } from '../../policies/scope.ts';
import {
  answerFollowUpRow,
  findFollowUp,
  findPeerReviewFollowUp,
  lockFollowUp,
  lockPeerReviewFollowUp,
} from '../../store/repos/follow-up-repo.ts';
import { auditedWrite, authorise, isoDay, type UseCaseContext } from '../context.ts';
import { parseFollowUpAnswer } from './input.ts';
import { followUpReviewResource, isAnswerer } from './read.ts';

/**
 * Answers a follow-up (`answerFollowUp`): how it went (helped, partly, not yet, did not), what
 * happened and, when a change was made, the date it took effect — every field problem at once.
 * NOT_FOUND when the actor may not read it, FORBIDDEN when they may read but not answer, CONFLICT
 * when it has been answered already. One audited write.
 */
export async function answerFollowUp(
  context: UseCaseContext,
  id: number,
  input: Record<string, unknown>,
): Promise<{ id: number; orgCode: string }> {
  return auditedWrite(context, {}, async (trx, at) => {
    const reader = scope(context.actor, 'read', 'review');
    const readable = (await findFollowUp(trx, reader, id)) ?? (await findPeerReviewFollowUp(trx, reader, id));
    if (!readable) throw new AppError('NOT_FOUND', `There is no follow-up ${id} you can read.`);
    const row =
      (readable.peer_review_id === null
        ? await lockFollowUp(trx, id)
        : await lockPeerReviewFollowUp(trx, id)) ?? readable;
    const review = await followUpReviewResource({ db: trx }, row);
    authorise(context, isAnswerer(context.actor, row, review), 'answer this follow-up');
    if (row.state === 'answered')
      throw new AppError('CONFLICT', `Follow-up ${id} has been answered already.`);
    const answer = parseFollowUpAnswer(input, { today: isoDay(at), heldOn: row.held_on });
    const changed = await answerFollowUpRow(trx, id, {
      ...answer,
      answeredBy: actorUserId(context.actor),
      answeredByLabel: actorLabel(context.actor),
      at,
    });
    if (!changed) throw new AppError('CONFLICT', `Follow-up ${id} has been answered already.`);
    return {
      result: { id, orgCode: row.org_code },
      audit: {
        action: 'follow_up.answer',
        entityType: 'follow_up',
        entityId: id,
        orgCode: row.org_code,
        before: { state: row.state },
        after: { state: 'answered', outcome: answer.outcome, change_made: answer.changeMade },
      },
    };
  });
}
