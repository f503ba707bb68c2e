import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { readCapability, recordCapabilityAssessment } from '../../../app/capability/capability.ts';
import { authorise, isoDay } from '../../../app/context.ts';
import { AppError } from '../../../errors.ts';
import { type FieldError, fieldErrorsFrom, sentFormValues } from '../../forms.ts';
import { sendPage } from '../../render.ts';
import { odsCodePattern } from '../organisations/present.ts';
import { capabilityPath, type FormValues, presentCapability, presentNewCapability } from './present.ts';

/**
 * NHS IMPACT capability self-assessment pages of an organisation: the latest with its history, and
 * the form to record a new one (its contributors and administrators). Read by the organisation's
 * people and those who oversee it; signed-in pages only.
 */

const params = z.object({ code: z.string().regex(odsCodePattern) });

function orgCode(input: unknown): string {
  const parsed = params.safeParse(input);
  if (parsed.success) return parsed.data.code.toUpperCase();
  throw new AppError('NOT_FOUND', 'There is no page at this address. Check the organisation code.');
}

export async function registerCapabilityPages(app: FastifyInstance): Promise<void> {
  async function showNew(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: FormValues; errors?: FieldError[] } = {},
  ) {
    const context = request.useCase();
    const code = orgCode(request.params);
    authorise(context, context.actor.kind !== 'anonymous', 'record a capability self-assessment');
    const history = await readCapability(context, code);
    authorise(context, history.may.write, `record a capability self-assessment for ${code}`);
    reply.status(options.errors?.length ? 422 : 200);
    return sendPage(
      request,
      reply,
      'pages/capability/new.njk',
      presentNewCapability(history, { ...options, today: isoDay(context.clock()) }),
    );
  }

  app.get('/organisations/:code/capability', async (request, reply) => {
    const history = await readCapability(request.useCase(), orgCode(request.params));
    return sendPage(request, reply, 'pages/capability/show.njk', presentCapability(history));
  });

  app.get('/organisations/:code/capability/new', async (request, reply) => showNew(request, reply));

  app.post('/organisations/:code/capability', async (request, reply) => {
    const context = request.useCase();
    const code = orgCode(request.params);
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      await recordCapabilityAssessment(context, code, sent);
      return reply.redirect(capabilityPath(code), 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showNew(request, reply, { values: sentFormValues(sent), errors });
    }
  });
}
