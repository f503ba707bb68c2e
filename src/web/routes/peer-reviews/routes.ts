import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorise, type UseCaseContext } from '../../../app/context.ts';
import { getPeerReview, listReadablePeerReviews } from '../../../app/peer-reviews/read.ts';
import {
  addPeerTeamMember,
  answerPeerInvitation,
  confirmOnSiteDays,
  createPeerReview,
  publishPeerReviewReport,
  publishProgressReview,
  recordPeerFinding,
} from '../../../app/peer-reviews/write.ts';
import { AppError, isAppError } from '../../../errors.ts';
import { writerOf } from '../../../policies/actor.ts';
import { findOrganisation } from '../../../store/repos/organisation-repo.ts';
import { type FieldError, fieldErrorsFrom, sentFormValues } from '../../forms.ts';
import { sendPage } from '../../render.ts';
import {
  type FormValues,
  peerReviewPath,
  peerReviewsPath,
  presentNewPeerReview,
  presentPeerReview,
  presentPeerReviews,
} from './present.ts';

/**
 * Peer review pages: the list of published reviews (and the reader's own), the form to start one,
 * and one review with the forms for each stage. Reading follows the peer review policy; every write
 * is a use case, and a form sent back with problems shows every one of them.
 */

const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .transform(Number),
});

function pageId(params: unknown): number {
  const parsed = idParams.safeParse(params);
  if (parsed.success) return parsed.data.id;
  throw new AppError('NOT_FOUND', 'There is no page at this address. Check the number.');
}

/** The organisations the actor may start a peer review of, with their names. */
async function hostChoices(context: UseCaseContext): Promise<{ code: string; name: string }[]> {
  const orgs: { code: string; name: string }[] = [];
  for (const code of writerOf(context.actor)) {
    const org = await findOrganisation(context.db, code);
    if (org) orgs.push({ code: org.code, name: org.name });
  }
  return orgs;
}

const steps: [
  string,
  (context: UseCaseContext, id: number, body: Record<string, unknown>) => Promise<unknown>,
][] = [
  ['team', addPeerTeamMember],
  ['invitation', answerPeerInvitation],
  ['on-site', confirmOnSiteDays],
  ['findings', recordPeerFinding],
  ['report', publishPeerReviewReport],
  ['progress', publishProgressReview],
];

export async function registerPeerReviewPages(app: FastifyInstance): Promise<void> {
  async function showNew(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: FormValues; errors?: FieldError[] } = {},
  ) {
    const context = request.useCase();
    authorise(context, context.actor.kind !== 'anonymous', 'start a peer review');
    const orgs = await hostChoices(context);
    authorise(context, orgs.length > 0 || context.actor.kind === 'operator', 'start a peer review');
    reply.status(options.errors?.length ? 422 : 200);
    return sendPage(request, reply, 'pages/peer-reviews/new.njk', presentNewPeerReview({ ...options, orgs }));
  }

  async function showReview(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: FormValues; errors?: FieldError[]; form?: string; status?: number } = {},
  ) {
    const context = request.useCase();
    const detail = await getPeerReview(context, pageId(request.params));
    reply.status(options.status ?? (options.errors?.length ? 422 : 200));
    return sendPage(request, reply, 'pages/peer-reviews/show.njk', presentPeerReview(detail, options));
  }

  app.get(peerReviewsPath, async (request, reply) => {
    const context = request.useCase();
    const lists = await listReadablePeerReviews(context);
    return sendPage(
      request,
      reply,
      'pages/peer-reviews/index.njk',
      presentPeerReviews(lists, context.actor.kind !== 'anonymous'),
    );
  });

  app.get(`${peerReviewsPath}/new`, (request, reply) => showNew(request, reply));

  app.post(peerReviewsPath, async (request, reply) => {
    const context = request.useCase();
    authorise(context, context.actor.kind !== 'anonymous', 'start a peer review');
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      const review = await createPeerReview(context, sent);
      return reply.redirect(peerReviewPath(review.id), 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showNew(request, reply, { values: sentFormValues(sent), errors });
    }
  });

  app.get(`${peerReviewsPath}/:id`, (request, reply) => showReview(request, reply));

  for (const [step, write] of steps) {
    app.post(`${peerReviewsPath}/:id/${step}`, async (request, reply) => {
      const context = request.useCase();
      const id = pageId(request.params);
      authorise(context, context.actor.kind !== 'anonymous', 'change a peer review');
      const sent = (request.body ?? {}) as Record<string, unknown>;
      try {
        await write(context, id, sent);
        return reply.redirect(peerReviewPath(id), 303);
      } catch (error) {
        if (isAppError(error) && error.code === 'CONFLICT')
          return showReview(request, reply, {
            errors: [{ field: 'form', message: error.message }],
            status: 409,
          });
        const errors = fieldErrorsFrom(error);
        if (!errors) throw error;
        return showReview(request, reply, { values: sentFormValues(sent), errors, form: step });
      }
    });
  }
}
