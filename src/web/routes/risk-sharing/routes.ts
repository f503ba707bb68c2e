import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorise, isoDay, type UseCaseContext } from '../../../app/context.ts';
import { getAgreement, systemRiskSharing } from '../../../app/risk-sharing/read.ts';
import {
  addReviewDate,
  createAgreement,
  decideProposal,
  editAgreement,
  proposeRebalance,
  recordReviewHeld,
  setAgreementStatus,
} from '../../../app/risk-sharing/write.ts';
import { AppError, isAppError } from '../../../errors.ts';
import { type FieldError, fieldErrorsFrom, sentFormValues } from '../../forms.ts';
import { sendPage } from '../../render.ts';
import { odsCodePattern } from '../organisations/present.ts';
import { agreementPath, type FormValues, presentAgreement, presentSystemRiskSharing } from './present.ts';

/**
 * Risk-sharing pages: an ICB's agreements with the form to propose one (`/systems/:code/risk-sharing`),
 * and one agreement with the forms its reader may use (`/risk-sharing/:id`): change the draft, mark
 * it agreed or ended, add a review date or record one held, propose a rebalance, and decide on a
 * proposal for a party it names. Reading follows the risk-sharing policy; every write is a use case,
 * and a form sent back with problems shows every one of them.
 */

const idNumber = z
  .string()
  .regex(/^[1-9]\d{0,8}$/)
  .transform(Number);
const icbCode = z
  .string()
  .regex(odsCodePattern)
  .transform((code) => code.toUpperCase());

function pageNumber(value: unknown): number {
  const parsed = idNumber.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError('NOT_FOUND', 'There is no page at this address. Check the number.');
}

function icbParam(params: unknown): string {
  const parsed = icbCode.safeParse((params as { code?: unknown }).code);
  if (parsed.success) return parsed.data;
  throw new AppError('NOT_FOUND', 'No integrated care board has this code.');
}

/** The ticked parties of the form, one value or several. */
function sentParties(body: Record<string, unknown>): string[] {
  return [body.parties ?? []].flat().filter((value): value is string => typeof value === 'string');
}

type Step = (
  context: UseCaseContext,
  id: number,
  body: Record<string, unknown>,
  params: Record<string, string>,
) => Promise<unknown>;

const steps: [string, string, Step][] = [
  ['edit', 'edit', (context, id, body) => editAgreement(context, id, body)],
  ['status', 'status', (context, id, body) => setAgreementStatus(context, id, body)],
  ['reviews', 'reviews', (context, id, body) => addReviewDate(context, id, body)],
  [
    'reviews/:reviewId/held',
    'held',
    (context, id, body, params) => recordReviewHeld(context, id, pageNumber(params.reviewId), body),
  ],
  ['proposals', 'proposals', (context, id, body) => proposeRebalance(context, id, body)],
  [
    'proposals/:proposalId/decisions',
    'decide',
    (context, id, body, params) => decideProposal(context, id, pageNumber(params.proposalId), body),
  ],
];

export async function registerRiskSharingPages(app: FastifyInstance): Promise<void> {
  async function showSystem(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: FormValues; parties?: string[]; errors?: FieldError[] } = {},
  ) {
    const view = await systemRiskSharing(request.useCase(), icbParam(request.params));
    reply.status(options.errors?.length ? 422 : 200);
    return sendPage(request, reply, 'pages/risk-sharing/index.njk', presentSystemRiskSharing(view, options));
  }

  async function showAgreement(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: FormValues; errors?: FieldError[]; form?: string; status?: number } = {},
  ) {
    const context = request.useCase();
    const detail = await getAgreement(context, pageNumber((request.params as { id?: unknown }).id));
    reply.status(options.status ?? (options.errors?.length ? 422 : 200));
    return sendPage(
      request,
      reply,
      'pages/risk-sharing/show.njk',
      presentAgreement(detail, { ...options, today: isoDay(context.clock()) }),
    );
  }

  app.get('/systems/:code/risk-sharing', (request, reply) => showSystem(request, reply));

  app.post('/systems/:code/risk-sharing', async (request, reply) => {
    const context = request.useCase();
    authorise(context, context.actor.kind !== 'anonymous', 'propose a risk-sharing agreement');
    // An address that names no ICB is not found, whoever sends the form.
    const { icb } = await systemRiskSharing(context, icbParam(request.params));
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      const agreement = await createAgreement(context, {
        ...sent,
        icb: icb.code,
        parties: sentParties(sent),
      });
      return reply.redirect(agreementPath(agreement.id), 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showSystem(request, reply, { values: sentFormValues(sent), parties: sentParties(sent), errors });
    }
  });

  app.get('/risk-sharing/:id', (request, reply) => showAgreement(request, reply));

  for (const [path, form, write] of steps) {
    app.post(`/risk-sharing/:id/${path}`, async (request, reply) => {
      const context = request.useCase();
      const params = request.params as Record<string, string>;
      const id = pageNumber(params.id);
      authorise(context, context.actor.kind !== 'anonymous', 'change a risk-sharing agreement');
      const sent = (request.body ?? {}) as Record<string, unknown>;
      try {
        await write(context, id, sent, params);
        return reply.redirect(agreementPath(id), 303);
      } catch (error) {
        if (isAppError(error) && error.code === 'CONFLICT')
          return showAgreement(request, reply, {
            errors: [{ field: 'form', message: error.message }],
            status: 409,
          });
        const errors = fieldErrorsFrom(error);
        if (!errors) throw error;
        const field =
          form === 'decide'
            ? `decide-${params.proposalId}`
            : form === 'held'
              ? `held-${params.reviewId}`
              : form;
        return showAgreement(request, reply, { values: sentFormValues(sent), errors, form: field });
      }
    });
  }
}
