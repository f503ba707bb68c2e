import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorise, type UseCaseContext } from '../../../app/context.ts';
import { getListening, listListening, mayStartListening } from '../../../app/listening/read.ts';
import {
  createListening,
  publishListening,
  reportBackListening,
  requireConvenorWriter,
} from '../../../app/listening/write.ts';
import { AppError, isAppError } from '../../../errors.ts';
import { type FieldError, fieldErrorsFrom, sentFormValues } from '../../forms.ts';
import { sendPage } from '../../render.ts';
import {
  type FormValues,
  listeningInputFromForm,
  listeningItemPath,
  listeningPath,
  presentListening,
  presentListeningList,
  presentNewListening,
} from './present.ts';

/**
 * Listening inquiry pages: every inquiry, the form to record one, one inquiry with the forms to
 * publish it and to report back. Published inquiries are public; drafts and the raw notes are the
 * convenor's. Every write is a use case.
 */

const params = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .transform(Number),
});

function inquiryId(input: unknown): number {
  const parsed = params.safeParse(input);
  if (parsed.success) return parsed.data.id;
  throw new AppError('NOT_FOUND', 'There is no page at this address. Check the number.');
}

function requireMayStart(context: UseCaseContext): void {
  authorise(context, mayStartListening(context), 'record a listening inquiry');
}

export async function registerListeningPages(app: FastifyInstance): Promise<void> {
  async function showNew(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: FormValues; errors?: FieldError[] } = {},
  ) {
    requireMayStart(request.useCase());
    reply.status(options.errors?.length ? 422 : 200);
    return sendPage(request, reply, 'pages/listening/new.njk', presentNewListening(options));
  }

  async function showOne(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: FormValues; errors?: FieldError[]; status?: number } = {},
  ) {
    const detail = await getListening(request.useCase(), inquiryId(request.params));
    reply.status(options.status ?? (options.errors?.length ? 422 : 200));
    return sendPage(request, reply, 'pages/listening/show.njk', presentListening(detail, options));
  }

  app.get(listeningPath, async (request, reply) => {
    const context = request.useCase();
    return sendPage(
      request,
      reply,
      'pages/listening/index.njk',
      presentListeningList(await listListening(context), mayStartListening(context)),
    );
  });

  app.get(`${listeningPath}/new`, async (request, reply) => showNew(request, reply));

  app.post(listeningPath, async (request, reply) => {
    const context = request.useCase();
    requireMayStart(context);
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      const row = await createListening(context, listeningInputFromForm(sent));
      return reply.redirect(listeningItemPath(row.id), 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showNew(request, reply, { values: sentFormValues(sent), errors });
    }
  });

  app.get(`${listeningPath}/:id`, async (request, reply) => showOne(request, reply));

  const steps: [string, typeof publishListening][] = [
    ['publish', publishListening],
    ['report-back', reportBackListening],
  ];
  for (const [path, write] of steps) {
    app.post(`${listeningPath}/:id/${path}`, async (request, reply) => {
      const context = request.useCase();
      const id = inquiryId(request.params);
      authorise(context, context.actor.kind !== 'anonymous', 'change a listening inquiry');
      await requireConvenorWriter(context, id);
      const sent = (request.body ?? {}) as Record<string, unknown>;
      try {
        await write(context, id, sent);
        return reply.redirect(listeningItemPath(id), 303);
      } catch (error) {
        if (isAppError(error) && error.code === 'CONFLICT')
          return showOne(request, reply, {
            errors: [{ field: 'form', message: error.message }],
            status: 409,
          });
        const errors = fieldErrorsFrom(error);
        if (!errors) throw error;
        return showOne(request, reply, { values: sentFormValues(sent), errors });
      }
    });
  }
}
