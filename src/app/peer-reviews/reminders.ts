import type { MessageTransport } from '../../domain/improvement.ts';
import {
  addDaysTo,
  deadlineDoneAt,
  type PeerReviewDeadline,
  peerReviewDeadlineLabels,
  peerReviewDeadlines,
  reminderDaysBefore,
  stageReached,
} from '../../domain/peer-review.ts';
import { followUpRecipients, type OutboxMessageRow } from '../../store/repos/follow-up-repo.ts';
import {
  openPeerReviews,
  type PeerReviewWithHost,
  recordPeerReviewReminder,
} from '../../store/repos/peer-review-repo.ts';
import { auditedWrite, isoDay, type UseCaseContext } from '../context.ts';
import {
  countReminder,
  emptyReminderSweep,
  leaveMessages,
  type ReminderSweepResult,
} from '../follow-ups/messages.ts';
import type { Mailer } from '../mail/mailer.ts';

/**
 * Reminders of a peer review's stage dates: when a date (scoping by, the first on-site day, the
 * report due, the progress review due) is 14 days away, and when it has passed without the stage
 * done, the host's contributors and administrators find a reminder in their inbox and by email. Each
 * reminder is recorded with a unique key (review, stage, date, kind), so none is ever sent twice;
 * a date moved later is a new date, reminded again.
 */

/** A reminder due for a review today, if any (`dueReminders`). */
export function dueReminders(
  review: Pick<PeerReviewWithHost, 'stage' | 'scoping_by' | 'on_site_from' | 'report_due' | 'progress_due'>,
  day: string,
): { deadline: PeerReviewDeadline; dueOn: string; kind: 'approaching' | 'passed' }[] {
  const due: { deadline: PeerReviewDeadline; dueOn: string; kind: 'approaching' | 'passed' }[] = [];
  for (const deadline of peerReviewDeadlines) {
    const dueOn = review[deadline];
    if (!dueOn || stageReached(review.stage, deadlineDoneAt[deadline])) continue;
    if (day > dueOn) due.push({ deadline, dueOn, kind: 'passed' });
    else if (day >= addDaysTo(dueOn, -reminderDaysBefore)) due.push({ deadline, dueOn, kind: 'approaching' });
  }
  return due;
}

/** The words of one reminder (`reminderText`). */
export function reminderText(
  review: Pick<PeerReviewWithHost, 'id' | 'title' | 'host_name'>,
  reminder: { deadline: PeerReviewDeadline; dueOn: string; kind: 'approaching' | 'passed' },
  origin = '',
): { subject: string; body: string; href: string; text: string } {
  const what = peerReviewDeadlineLabels[reminder.deadline];
  const subject =
    reminder.kind === 'approaching'
      ? `${what} of the peer review “${review.title}” is due on ${reminder.dueOn}`
      : `${what} of the peer review “${review.title}” was due on ${reminder.dueOn}`;
  const body =
    reminder.kind === 'approaching'
      ? `${what} of ${review.host_name}'s peer review “${review.title}” is due in ${reminderDaysBefore} days or fewer, on ${reminder.dueOn}.`
      : `${what} of ${review.host_name}'s peer review “${review.title}” was due on ${reminder.dueOn} and is not done yet.`;
  const href = `/peer-reviews/${review.id}`;
  return { subject, body, href, text: `${body}\n\nSee the review: ${origin}${href}\n` };
}

/**
 * Sends the reminders due by the clock's day (`remindPeerReviewStages`), each in one audited
 * transaction with its inbox messages and outbox rows; the emails go out after the commit.
 */
export async function remindPeerReviewStages(
  context: UseCaseContext,
  mailer: Mailer,
  options: { origin?: string } = {},
): Promise<ReminderSweepResult> {
  const day = isoDay(context.clock());
  const sweep = emptyReminderSweep();
  for (const review of await openPeerReviews(context.db)) {
    for (const reminder of dueReminders(review, day)) {
      const outbox = await remindOne(context, mailer.transport, review, reminder, options.origin ?? '');
      if (!outbox) continue;
      await countReminder(context, mailer, sweep, outbox, {
        action: 'peer_review.reminder_emailed',
        entityType: 'peer_review',
        entityId: review.id,
        orgCode: review.host_org_code,
      });
    }
  }
  return sweep;
}

async function remindOne(
  context: UseCaseContext,
  transport: MessageTransport,
  review: PeerReviewWithHost,
  reminder: { deadline: PeerReviewDeadline; dueOn: string; kind: 'approaching' | 'passed' },
  origin: string,
): Promise<{ inbox: number; emails: OutboxMessageRow[] } | undefined> {
  return auditedWrite(context, {}, async (trx, at) => {
    const audit = {
      action: 'peer_review.reminded',
      entityType: 'peer_review',
      entityId: review.id,
      orgCode: review.host_org_code,
      after: { ...reminder },
    };
    const fresh = await recordPeerReviewReminder(trx, {
      peer_review_id: review.id,
      deadline: reminder.deadline,
      due_on: reminder.dueOn,
      kind: reminder.kind,
      sent_at: at,
    });
    if (!fresh) return { result: undefined, audit: { ...audit, action: 'peer_review.already_reminded' } };
    const words = reminderText(review, reminder, origin);
    const recipients = await followUpRecipients(trx, {
      userIds: [],
      orgCode: review.host_org_code,
      day: isoDay(at),
    });
    const emails = await leaveMessages(trx, recipients, words, { followUpId: null, transport, at });
    return {
      result: { inbox: recipients.length, emails },
      audit: { ...audit, after: { ...reminder, recipients: recipients.length } },
    };
  });
}
