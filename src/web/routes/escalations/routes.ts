import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorise, type UseCaseContext } from '../../../app/context.ts';
import {
  getEscalation,
  organisationEscalations,
  receivedEscalations,
} from '../../../app/escalations/read.ts';
import {
  acknowledgeEscalation,
  answerEscalation,
  closeEscalation,
  raiseEscalation,
  respondToEscalation,
} from '../../../app/escalations/write.ts';
import { AppError, isAppError } from '../../../errors.ts';
import { type FieldError, fieldErrorsFrom, sentFormValues } from '../../forms.ts';
import { sendPage } from '../../render.ts';
import {
  escalationPath,
  type FormValues,
  presentEscalation,
  presentRaised,
  presentReceived,
} from './present.ts';

/**
 * Escalation pages: an organisation's escalated concerns with the form to raise one with its region
 * or ICB, one escalation with its timeline, clocks and the next step's form, and a region's or ICB's
 * ageing view of what was escalated to it. Signed-in only; reading follows the escalation scope, and
 * every write is a use case.
 */

const orgParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z0-9]{2,10}$/)
    .transform((code) => code.toUpperCase()),
});
const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .transform(Number),
});

/** Page input checked at the door: anything malformed is a page that does not exist. */
function pageInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AppError('NOT_FOUND', 'There is no page at this address. Check the code and the number.');
}

function requireSignedIn(context: UseCaseContext, what: string): void {
  authorise(context, context.actor.kind !== 'anonymous', what);
}

/** Strings of a form body, for showing back after a problem. */
export async function registerEscalationPages(app: FastifyInstance): Promise<void> {
  async function showRaised(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: FormValues; errors?: FieldError[] } = {},
  ) {
    const context = request.useCase();
    const { code } = pageInput(orgParams, request.params);
    const page = await organisationEscalations(context, code);
    reply.status(options.errors?.length ? 422 : 200);
    return sendPage(request, reply, 'pages/escalations/index.njk', presentRaised(page, options));
  }

  async function showEscalation(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: FormValues; errors?: FieldError[]; status?: number } = {},
  ) {
    const context = request.useCase();
    const { id } = pageInput(idParams, request.params);
    requireSignedIn(context, 'read escalations');
    const detail = await getEscalation(context, id);
    reply.status(options.status ?? (options.errors?.length ? 422 : 200));
    return sendPage(request, reply, 'pages/escalations/show.njk', presentEscalation(detail, options));
  }

  app.get('/organisations/:code/escalations', async (request, reply) => showRaised(request, reply));

  app.post('/organisations/:code/escalations', async (request, reply) => {
    const context = request.useCase();
    const { code } = pageInput(orgParams, request.params);
    requireSignedIn(context, 'raise a concern');
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      const detail = await raiseEscalation(context, { ...sent, org: code });
      return reply.redirect(escalationPath(detail.escalation.id), 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showRaised(request, reply, { values: sentFormValues(sent), errors });
    }
  });

  app.get('/organisations/:code/escalations/received', async (request, reply) => {
    const { code } = pageInput(orgParams, request.params);
    const page = await receivedEscalations(request.useCase(), code);
    return sendPage(request, reply, 'pages/escalations/received.njk', presentReceived(page));
  });

  app.get('/escalations/:id', async (request, reply) => showEscalation(request, reply));

  /** A step from the escalation page: back to the page on success, the page with every problem otherwise. */
  const steps: [
    string,
    (context: UseCaseContext, id: number, body: Record<string, unknown>) => Promise<unknown>,
  ][] = [
    ['acknowledge', acknowledgeEscalation],
    ['respond', respondToEscalation],
    ['close', closeEscalation],
    ['answer', answerEscalation],
  ];
  for (const [path, write] of steps) {
    app.post(`/escalations/:id/${path}`, async (request, reply) => {
      const context = request.useCase();
      const { id } = pageInput(idParams, request.params);
      requireSignedIn(context, 'change an escalation');
      const sent = (request.body ?? {}) as Record<string, unknown>;
      try {
        await write(context, id, sent);
        return reply.redirect(`${escalationPath(id)}#timeline`, 303);
      } catch (error) {
        if (isAppError(error) && error.code === 'CONFLICT')
          return showEscalation(request, reply, {
            errors: [{ field: 'form', message: error.message }],
            status: 409,
          });
        const errors = fieldErrorsFrom(error);
        if (!errors) throw error;
        return showEscalation(request, reply, { values: sentFormValues(sent), errors });
      }
    });
  }
}
