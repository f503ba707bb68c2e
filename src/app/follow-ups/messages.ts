import type { Transaction } from 'kysely';
import type { MessageTransport } from '../../domain/improvement.ts';
import {
  insertInboxMessages,
  insertOutboxMessages,
  type OutboxMessageRow,
  type Recipient,
  recordOutboxDelivery,
} from '../../store/repos/follow-up-repo.ts';
import type { Database } from '../../store/tables.ts';
import { type AuditRecord, auditedWrite, type UseCaseContext } from '../context.ts';
import type { Mailer } from '../mail/mailer.ts';

/** What a message says: the inbox's subject, body and link, and the email's text. */
export interface MessageWords {
  readonly subject: string;
  readonly body: string;
  readonly href: string;
  readonly text: string;
}

/**
 * Leaves a message for each recipient (`leaveMessages`), inside the caller's transaction: one inbox
 * message each, and one outbox row each for the email that goes out after the commit
 * (`sendRecordedEmails`). Returns the outbox rows.
 */
export async function leaveMessages(
  trx: Transaction<Database>,
  recipients: readonly Recipient[],
  words: MessageWords,
  options: { followUpId: number | null; transport: MessageTransport; at: Date },
): Promise<OutboxMessageRow[]> {
  const { followUpId, transport, at } = options;
  await insertInboxMessages(
    trx,
    recipients.map((user) => ({
      user_id: user.id,
      follow_up_id: followUpId,
      subject: words.subject,
      body: words.body,
      href: words.href,
      created_at: at,
    })),
  );
  return insertOutboxMessages(
    trx,
    recipients.map((user) => ({
      to_address: user.email,
      to_user_id: user.id,
      follow_up_id: followUpId,
      subject: words.subject,
      text_body: words.text,
      transport,
      created_at: at,
    })),
  );
}

/**
 * Sends emails left in the outbox after their commit (`sendRecordedEmails`) and records each one's
 * fate — when it was sent, or the error — in one audited write (`audit`, with the counts added). A
 * failed send never loses the inbox message. Nothing is sent when the mailer keeps to the inbox.
 */
export async function sendRecordedEmails(
  context: UseCaseContext,
  mailer: Mailer,
  emails: readonly OutboxMessageRow[],
  audit: Omit<AuditRecord, 'after' | 'before'>,
): Promise<{ sent: number; failed: number }> {
  if (emails.length === 0 || mailer.transport === 'inbox_only') return { sent: 0, failed: 0 };
  const fates: { id: number; sentAt: Date | null; error: string | null; transport: MessageTransport }[] = [];
  for (const email of emails) {
    try {
      const receipt = await mailer.send({
        to: email.to_address,
        subject: email.subject,
        text: email.text_body,
      });
      fates.push({ id: email.id, sentAt: context.clock(), error: null, transport: receipt.transport });
    } catch (error) {
      fates.push({
        id: email.id,
        sentAt: null,
        error: String((error as Error).message ?? error),
        transport: mailer.transport,
      });
    }
  }
  const sent = fates.filter((fate) => fate.sentAt).length;
  const failed = fates.filter((fate) => fate.error).length;
  await auditedWrite(context, {}, async (trx) => {
    for (const fate of fates) await recordOutboxDelivery(trx, fate.id, fate);
    return { result: undefined, audit: { ...audit, after: { sent, failed } } };
  });
  return { sent, failed };
}

/** What a reminder sweep did: reminders left, inbox messages and emails written, emails sent and failed. */
export interface ReminderSweepResult {
  reminders: number;
  inboxMessages: number;
  emails: number;
  sent: number;
  failed: number;
}

/** A sweep that has reminded no one yet. */
export function emptyReminderSweep(): ReminderSweepResult {
  return { reminders: 0, inboxMessages: 0, emails: 0, sent: 0, failed: 0 };
}

/**
 * Sends one committed reminder's emails (`sendRecordedEmails`) and adds it to the sweep's counts
 * (`countReminder`): what every reminder sweep does after each reminder's transaction.
 */
export async function countReminder(
  context: UseCaseContext,
  mailer: Mailer,
  sweep: ReminderSweepResult,
  outbox: { inbox: number; emails: readonly OutboxMessageRow[] },
  audit: Omit<AuditRecord, 'after' | 'before'>,
): Promise<void> {
  sweep.reminders++;
  sweep.inboxMessages += outbox.inbox;
  sweep.emails += outbox.emails.length;
  const delivered = await sendRecordedEmails(context, mailer, outbox.emails, audit);
  sweep.sent += delivered.sent;
  sweep.failed += delivered.failed;
}
