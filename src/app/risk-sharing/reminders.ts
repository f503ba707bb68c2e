import type { MessageTransport } from '../../domain/improvement.ts';
import { addDaysTo } from '../../domain/peer-review.ts';
import { reviewReminderDaysBefore } from '../../domain/risk-sharing.ts';
import type { OutboxMessageRow } from '../../store/repos/follow-up-repo.ts';
import {
  claimRiskReviewReminder,
  type RiskReviewRow,
  reviewsToRemind,
  riskReviewRecipients,
} from '../../store/repos/risk-sharing-repo.ts';
import { auditedWrite, isoDay, type UseCaseContext } from '../context.ts';
import {
  countReminder,
  emptyReminderSweep,
  leaveMessages,
  type ReminderSweepResult,
} from '../follow-ups/messages.ts';
import type { Mailer } from '../mail/mailer.ts';

/**
 * Reminders of risk-sharing agreements' review dates: when a date is 14 days away, and once it has
 * passed without the review recorded as held, the parties' and the ICB's administrators and the
 * ICB's system leads find a reminder in their inbox and by email. Each is sent once: the review row
 * records when (`reminded_at`, `overdue_reminded_at`), set only where still empty. Examples and
 * ended agreements are not reminded.
 */

type ReviewToRemind = RiskReviewRow & { icb_code: string; title: string; icb_name: string };

/** The reminder due for a review date on `day`, if any (`dueReviewReminder`). */
export function dueReviewReminder(
  review: Pick<RiskReviewRow, 'due_on' | 'held_on' | 'reminded_at' | 'overdue_reminded_at'>,
  day: string,
): 'approaching' | 'passed' | undefined {
  if (review.held_on) return undefined;
  if (day > review.due_on) return review.overdue_reminded_at ? undefined : 'passed';
  if (day >= addDaysTo(review.due_on, -reviewReminderDaysBefore) && !review.reminded_at) return 'approaching';
  return undefined;
}

/** The words of one reminder (`reviewReminderText`). */
export function reviewReminderText(
  review: Pick<ReviewToRemind, 'agreement_id' | 'title' | 'icb_name' | 'due_on'>,
  kind: 'approaching' | 'passed',
  origin = '',
): { subject: string; body: string; href: string; text: string } {
  const subject =
    kind === 'approaching'
      ? `The review of the risk-sharing agreement “${review.title}” is due on ${review.due_on}`
      : `The review of the risk-sharing agreement “${review.title}” was due on ${review.due_on}`;
  const body =
    kind === 'approaching'
      ? `The review of ${review.icb_name}'s risk-sharing agreement “${review.title}” is due in ${reviewReminderDaysBefore} days or fewer, on ${review.due_on}.`
      : `The review of ${review.icb_name}'s risk-sharing agreement “${review.title}” was due on ${review.due_on} and is not recorded as held yet.`;
  const href = `/risk-sharing/${review.agreement_id}`;
  return { subject, body, href, text: `${body}\n\nSee the agreement: ${origin}${href}\n` };
}

/**
 * Sends the review reminders due by the clock's day (`remindRiskSharingReviews`), each in one
 * audited transaction with its inbox messages and outbox rows; the emails go out after the commit.
 */
export async function remindRiskSharingReviews(
  context: UseCaseContext,
  mailer: Mailer,
  options: { origin?: string } = {},
): Promise<ReminderSweepResult> {
  const day = isoDay(context.clock());
  const sweep = emptyReminderSweep();
  for (const review of await reviewsToRemind(context.db, addDaysTo(day, reviewReminderDaysBefore))) {
    const kind = dueReviewReminder(review, day);
    if (!kind) continue;
    const outbox = await remindOne(context, mailer.transport, review, kind, options.origin ?? '');
    if (!outbox) continue;
    await countReminder(context, mailer, sweep, outbox, {
      action: 'risk_sharing.reminder_emailed',
      entityType: 'risk_sharing_agreement',
      entityId: review.agreement_id,
      orgCode: review.icb_code,
    });
  }
  return sweep;
}

async function remindOne(
  context: UseCaseContext,
  transport: MessageTransport,
  review: ReviewToRemind,
  kind: 'approaching' | 'passed',
  origin: string,
): Promise<{ inbox: number; emails: OutboxMessageRow[] } | undefined> {
  return auditedWrite(context, {}, async (trx, at) => {
    const audit = {
      action: 'risk_sharing.reminded',
      entityType: 'risk_sharing_agreement',
      entityId: review.agreement_id,
      orgCode: review.icb_code,
      after: { review: review.id, due_on: review.due_on, kind },
    };
    if (!(await claimRiskReviewReminder(trx, review.id, kind, at)))
      return { result: undefined, audit: { ...audit, action: 'risk_sharing.already_reminded' } };
    const recipients = await riskReviewRecipients(trx, review.agreement_id, review.icb_code, isoDay(at));
    const emails = await leaveMessages(trx, recipients, reviewReminderText(review, kind, origin), {
      followUpId: null,
      transport,
      at,
    });
    return {
      result: { inbox: recipients.length, emails },
      audit: { ...audit, after: { ...audit.after, recipients: recipients.length } },
    };
  });
}
