import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isoDay } from '../../../app/context.ts';
import { answerFollowUp } from '../../../app/follow-ups/answer.ts';
import { followThrough } from '../../../app/follow-ups/follow-through.ts';
import {
  markInboxMessageRead,
  myInbox,
  readableOutbox,
  readInboxMessage,
} from '../../../app/follow-ups/inbox.ts';
import { getFollowUp } from '../../../app/follow-ups/read.ts';
import { AppError } from '../../../errors.ts';
import { type FieldError, fieldErrorsFrom, sentFormValues } from '../../forms.ts';
import { sendPage } from '../../render.ts';
import {
  type FormValues,
  followThroughSection,
  followThroughTable,
  inboxTable,
  outboxTable,
  presentFollowUp,
  whenText,
} from './present.ts';

/**
 * Follow-up pages: the signed-in person's inbox and one message in it, the outbox of emails Tend sent
 * or would have sent, one follow-up with its answer form, and England's follow-through figures with
 * their CSV. Reading follows the review scope (the inbox only ever its own user's); every write is a
 * use case.
 */

const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .transform(Number),
});

/** Page input checked at the door: anything malformed is a page that does not exist. */
function pageId(params: unknown): number {
  const parsed = idParams.safeParse(params);
  if (parsed.success) return parsed.data.id;
  throw new AppError('NOT_FOUND', 'There is no page at this address. Check the number in it.');
}

/** Strings of a form body, for showing back after a problem. */
export async function registerFollowUpPages(app: FastifyInstance): Promise<void> {
  async function showFollowUp(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { errors?: FieldError[]; values?: FormValues } = {},
  ) {
    const context = request.useCase();
    const id = pageId(request.params);
    const detail = await getFollowUp(context, id);
    // Someone following an emailed link while signed out is asked to sign in first, whatever the id.
    if (!detail && context.actor.kind === 'anonymous')
      throw new AppError('UNAUTHENTICATED', 'Sign in to read this follow-up.');
    if (!detail) throw new AppError('NOT_FOUND', `There is no follow-up ${id} you can read.`);
    reply.status(options.errors?.length ? 422 : 200);
    return sendPage(
      request,
      reply,
      'pages/follow-ups/show.njk',
      presentFollowUp(detail, { ...options, today: isoDay(context.clock()) }),
    );
  }

  app.get('/follow-ups/:id', (request, reply) => showFollowUp(request, reply));

  app.post('/follow-ups/:id', async (request, reply) => {
    const context = request.useCase();
    const id = pageId(request.params);
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      await answerFollowUp(context, id, sent);
      return reply.redirect(`/follow-ups/${id}`, 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showFollowUp(request, reply, { errors, values: sentFormValues(sent) });
    }
  });

  app.get('/inbox', async (request, reply) => {
    const messages = await myInbox(request.useCase());
    return sendPage(request, reply, 'pages/follow-ups/inbox.njk', {
      pageName: 'Your inbox',
      messages: messages.length,
      unread: messages.filter((message) => !message.read_at).length,
      table: inboxTable(messages),
    });
  });

  // Reading a message changes nothing; marking it read is a form of its own (a write, audited).
  app.get('/inbox/:id', async (request, reply) => {
    const message = await readInboxMessage(request.useCase(), pageId(request.params));
    return sendPage(request, reply, 'pages/follow-ups/message.njk', {
      pageName: message.subject,
      message: {
        id: message.id,
        subject: message.subject,
        body: message.body,
        href: message.href,
        // Only a follow-up is answered; a reminder (of a peer review's stage, say) links to its page.
        answers: message.follow_up_id !== null,
        received: whenText(message.created_at),
        read: message.read_at ? whenText(message.read_at) : null,
      },
    });
  });

  app.post('/inbox/:id/read', async (request, reply) => {
    await markInboxMessageRead(request.useCase(), pageId(request.params));
    return reply.redirect('/inbox', 303);
  });

  app.get('/outbox', async (request, reply) => {
    const context = request.useCase();
    const messages = await readableOutbox(context);
    return sendPage(request, reply, 'pages/follow-ups/outbox.njk', {
      pageName: 'Outbox',
      everything: context.actor.kind === 'operator',
      messages: messages.length,
      inboxOnly: messages.some((message) => message.transport === 'inbox_only'),
      table: outboxTable(messages),
    });
  });

  app.get('/follow-through', async (request, reply) => {
    const day = isoDay(request.useCase().clock());
    const figures = await followThrough(request.server.store.db, day);
    return sendPage(request, reply, 'pages/follow-ups/follow-through.njk', {
      pageName: 'Follow-through',
      day,
      england: followThroughSection('England', figures.england),
      organisations: figures.organisations.length,
      table: followThroughTable(figures),
    });
  });
}
