import { AppError } from '../../errors.ts';
import {
  countUnreadInbox,
  findInboxMessage,
  type InboxMessageRow,
  listInbox,
  listOutbox,
  markInboxRead,
  type OutboxMessageRow,
} from '../../store/repos/follow-up-repo.ts';
import { auditedWrite, authorise, type UseCaseContext } from '../context.ts';

/** The signed-in user's own messages, the newest first (`myInbox`); nobody else's, whoever asks. */
export async function myInbox(context: UseCaseContext): Promise<InboxMessageRow[]> {
  authorise(context, context.actor.kind === 'user', 'read your inbox');
  return context.actor.kind === 'user' ? listInbox(context.db, context.actor.userId) : [];
}

/** How many of the signed-in user's messages are unread (`unreadCount`); 0 for anyone else. */
export async function unreadCount(context: UseCaseContext): Promise<number> {
  return context.actor.kind === 'user' ? countUnreadInbox(context.db, context.actor.userId) : 0;
}

/**
 * One of the signed-in user's own messages (`readInboxMessage`), as it stands: reading it changes
 * nothing (marking it read is `markInboxMessageRead`, a write of its own); NOT_FOUND for anyone else's.
 */
export async function readInboxMessage(context: UseCaseContext, id: number): Promise<InboxMessageRow> {
  authorise(context, context.actor.kind === 'user', 'read your inbox');
  if (context.actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', 'Sign in to read your inbox.');
  const message = await findInboxMessage(context.db, context.actor.userId, id);
  if (!message) throw new AppError('NOT_FOUND', `There is no message ${id} in your inbox.`);
  return message;
}

/**
 * Marks one of the signed-in user's own messages read (`markInboxMessageRead`): one audited write
 * the first time; a message already read is left as it is, and nothing is written. NOT_FOUND for
 * anyone else's.
 */
export async function markInboxMessageRead(context: UseCaseContext, id: number): Promise<InboxMessageRow> {
  const message = await readInboxMessage(context, id);
  if (message.read_at || context.actor.kind !== 'user') return message;
  const userId = context.actor.userId;
  return auditedWrite(context, {}, async (trx, at) => {
    await markInboxRead(trx, userId, id, at);
    return {
      result: { ...message, read_at: at },
      audit: { action: 'inbox.read', entityType: 'inbox_message', entityId: id, orgCode: null },
    };
  });
}

/**
 * The emails Tend sent or would have sent that the actor may read (`readableOutbox`): the operator
 * every one, a signed-in user those addressed to them.
 */
export async function readableOutbox(context: UseCaseContext): Promise<OutboxMessageRow[]> {
  if (context.actor.kind === 'operator') return listOutbox(context.db, { everything: true });
  authorise(context, context.actor.kind === 'user', 'read the emails sent to you');
  return context.actor.kind === 'user'
    ? listOutbox(context.db, { everything: false, userId: context.actor.userId })
    : [];
}
