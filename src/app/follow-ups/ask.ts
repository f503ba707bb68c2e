import type { MessageTransport } from '../../domain/improvement.ts';
import {
  acceptedOfferOrgNames,
  dueFollowUpIds,
  type FollowUpDetailRow,
  followUpRecipients,
  lockFollowUp,
  lockPeerReviewFollowUp,
  markFollowUpAsked,
  type OutboxMessageRow,
} from '../../store/repos/follow-up-repo.ts';
import { auditedWrite, isoDay, type UseCaseContext } from '../context.ts';
import type { Mailer } from '../mail/mailer.ts';
import { leaveMessages, sendRecordedEmails } from './messages.ts';

/** What one sweep did: the follow-ups it asked, the inbox messages and emails it made, and those that failed to send. */
export interface SweepResult {
  readonly asked: readonly number[];
  readonly inboxMessages: number;
  readonly emails: number;
  readonly sent: number;
  readonly failed: number;
}

export interface AskOptions {
  /** Where people reach Tend (`https://tend.example.nhs.uk`), for the link in an email; relative when absent. */
  readonly origin?: string;
}

/** The words of the question about one follow-up (`followUpQuestion`), naming the organisations whose help was accepted. */
export function followUpQuestion(
  followUp: Pick<FollowUpDetailRow, 'id' | 'action_description' | 'org_name' | 'due_on'> &
    Partial<Pick<FollowUpDetailRow, 'peer_review_id'>>,
  helpers: readonly string[],
  origin = '',
): { subject: string; body: string; href: string; text: string } {
  const action = followUp.action_description ?? `the actions agreed with ${followUp.org_name}`;
  const subject = `How did it go with ${action}?`;
  if (followUp.peer_review_id) return peerReviewQuestion(followUp, action, subject, origin);
  const suggestions =
    helpers.length === 0
      ? 'Do you need any help to use their suggestions?'
      : `Do you need any help to use their suggestions? The offers of help accepted were from ${joinNames(helpers)}.`;
  const body = `How did it go with ${action}? ${suggestions}`;
  const href = `/follow-ups/${followUp.id}`;
  const text = `${body}\n\nAnswer here: ${origin}${href}\n\nThis follow-up of ${followUp.org_name}'s review was due on ${followUp.due_on}.\n`;
  return { subject, body, href, text };
}

/** The question about an action of a peer review's action plan, naming the host organisation. */
function peerReviewQuestion(
  followUp: Pick<FollowUpDetailRow, 'id' | 'org_name' | 'due_on'>,
  action: string,
  subject: string,
  origin: string,
): { subject: string; body: string; href: string; text: string } {
  const body = `How did it go with ${action}? This action is in ${followUp.org_name}'s peer review action plan.`;
  const href = `/follow-ups/${followUp.id}`;
  const text = `${body}\n\nAnswer here: ${origin}${href}\n\nThis follow-up of ${followUp.org_name}'s peer review was due on ${followUp.due_on}.\n`;
  return { subject, body, href, text };
}

function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * Asks every follow-up due by the clock's day (`askDueFollowUps`): for each, in one audited
 * transaction, marks it asked, puts the question in the inbox of the action's owner (or, when the
 * action has no owning user, of the organisation's contributors and admins) and of the oversight
 * user who agreed the review, and records one outbox row per email. After the commit the emails go
 * out through `mailer`; each outbox row then records when it was sent, or the error — a failed send
 * never loses the inbox message. A follow-up already asked is left alone, so a second sweep asks
 * nobody twice.
 */
export async function askDueFollowUps(
  context: UseCaseContext,
  mailer: Mailer,
  options: AskOptions = {},
): Promise<SweepResult> {
  const day = isoDay(context.clock());
  const asked: number[] = [];
  let inboxMessages = 0;
  let emails = 0;
  let sent = 0;
  let failed = 0;
  for (const id of await dueFollowUpIds(context.db, day)) {
    const outbox = await askOne(context, mailer.transport, id, options.origin ?? '');
    if (!outbox) continue;
    asked.push(id);
    inboxMessages += outbox.inbox;
    emails += outbox.emails.length;
    const delivered = await sendRecordedEmails(context, mailer, outbox.emails, {
      action: 'follow_up.emailed',
      entityType: 'follow_up',
      entityId: id,
      orgCode: null,
    });
    sent += delivered.sent;
    failed += delivered.failed;
  }
  return { asked, inboxMessages, emails, sent, failed };
}

async function askOne(
  context: UseCaseContext,
  transport: MessageTransport,
  id: number,
  origin: string,
): Promise<{ inbox: number; emails: OutboxMessageRow[] } | undefined> {
  return auditedWrite(context, {}, async (trx, at) => {
    const followUp = (await lockFollowUp(trx, id)) ?? (await lockPeerReviewFollowUp(trx, id));
    if (followUp?.state !== 'scheduled' || !(await markFollowUpAsked(trx, id, at)))
      return { result: undefined, audit: skipped(id) };
    const helpers =
      followUp.review_id === null
        ? []
        : await acceptedOfferOrgNames(trx, followUp.review_id, followUp.action_offer_id);
    const question = followUpQuestion(followUp, helpers, origin);
    const owner = followUp.action_owner_user_id;
    const recipients = await followUpRecipients(trx, {
      userIds: [owner, followUp.agreed_by].filter((each): each is number => each !== null),
      orgCode: owner === null ? followUp.org_code : null,
      day: isoDay(at),
    });
    const emails = await leaveMessages(trx, recipients, question, { followUpId: id, transport, at });
    return {
      result: { inbox: recipients.length, emails },
      audit: {
        action: 'follow_up.asked',
        entityType: 'follow_up',
        entityId: id,
        orgCode: followUp.org_code,
        after: { state: 'asked', recipients: recipients.length },
      },
    };
  });
}

/** The audit record of a follow-up another sweep asked first: the transaction still records one entry. */
function skipped(id: number) {
  return { action: 'follow_up.already_asked', entityType: 'follow_up', entityId: id, orgCode: null };
}
