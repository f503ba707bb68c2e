import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { reviewPack } from '../../app/reviews/pack.ts';
import { packDocumentHtml } from '../../app/reviews/pack-html.ts';
import { holdPdfBrowser, htmlToPdf } from '../../app/reviews/pack-pdf.ts';
import { getReview, listReviews, type ReviewDetail, type ReviewSummary } from '../../app/reviews/read.ts';
import {
  addReviewActions,
  planReview,
  recordReviewMeeting,
  setReviewAction,
} from '../../app/reviews/write.ts';
import { AppError } from '../../errors.ts';
import { safeFileName } from '../render.ts';
import { docResponses, routeSchema, validate } from './api.ts';

/**
 * The reviews API: list and read the reviews the caller may read (the reviewed organisation's people
 * and those who oversee it), plan one and record its meeting (the overseer side: regional or national
 * oversight, or the ICB's system lead), agree further actions or mark them done or dropped, and the
 * review pack as JSON or as a tagged PDF. Authenticated by the session cookie (with `x-csrf-token`
 * for writes) or `Authorization: Bearer <token>`.
 */

const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a review id')
    .describe('Review id'),
});

const listQuery = z.object({
  org: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'must be an ODS code')
    .optional()
    .describe('Only reviews of this organisation (ODS code)'),
  overseer: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'must be a region or ICB code')
    .optional()
    .describe('Only reviews led by this region or ICB'),
});

const text = (max: number, description: string) =>
  z.string().max(max).nullable().optional().describe(description);

const attendee = z.object({
  name: z.string().max(400).describe('Their name'),
  role: text(400, 'Their role'),
  side: z.string().max(20).describe('organisation, overseer or other'),
});
const offer = z.object({
  metric: z.string().max(100).describe('The metric of the concern the offer is for'),
  from: z.string().max(20).describe('ODS code of the organisation offering help'),
  entryId: z.number().int().nullable().optional().describe('The directory entry, when the offer is one'),
  accepted: z.boolean().optional().describe('Whether the organisation accepted the offer'),
});
const action = z.object({
  description: z.string().max(3_000).describe('What was agreed, 1 to 2,000 characters'),
  ownerSide: z.string().max(20).describe('organisation or overseer'),
  ownerEmail: text(320, 'The owner’s email, when they use Tend: they are asked how it went'),
  ownerName: text(400, 'The owner’s name, when they do not use Tend'),
  due: z.string().max(20).describe('Due date, YYYY-MM-DD'),
  support: text(3_000, 'The support offered'),
  supportBy: text(20, 'ODS code of the organisation offering the support'),
});

/** The body of POST /reviews: types and sizes checked here; meaning, after who may, by the use case. */
const createBody = z.object({
  org: z.string().max(20).optional().describe('ODS code of the organisation reviewed (required)'),
  quarter: z.string().max(40).optional().describe('The quarter, e.g. "Q3 2026/27" (required)'),
  overseer: text(20, 'The region or ICB leading it (default: the first the caller leads reviews for)'),
});
const meetingBody = z.object({
  heldOn: z.string().max(20).optional().describe('When the meeting was held, YYYY-MM-DD (required)'),
  attendees: z.array(attendee).max(100).optional().describe('Who attended'),
  notes: text(25_000, 'Notes of the meeting'),
  offers: z.array(offer).max(100).optional().describe('Offers of help made, and whether each was accepted'),
  actions: z
    .array(action)
    .max(50)
    .optional()
    .describe('Agreed actions, each followed up on the follow-up date'),
  followUpOn: text(20, 'The follow-up date, YYYY-MM-DD (default: six weeks after the meeting)'),
  baseVersion: z
    .number()
    .int()
    .optional()
    .describe('The version the record is based on; 409 if it has moved on'),
});
const actionsBody = z.object({
  actions: z.array(action).max(50).optional().describe('Further agreed actions, each with a follow-up'),
  followUpOn: text(20, 'When to follow the new actions up (default: the review’s follow-up date)'),
  action: z.number().int().optional().describe('Instead: an agreed action to mark'),
  status: text(20, 'With `action`: done or dropped'),
  completedOn: text(20, 'With `action` and done: when, YYYY-MM-DD (default: today)'),
});

function validateBody<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw new AppError(
    'VALIDATION_FAILED',
    `The review has ${problems.length} problem(s): ${problems.join('; ')}`,
    {
      details: problems,
    },
  );
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

function reviewId(params: unknown): number {
  const parsed = idParams.safeParse(params);
  if (!parsed.success) throw new AppError('NOT_FOUND', 'There is no review with that id that you can read.');
  return Number(parsed.data.id);
}

const iso = (value: Date | string | null) => (value instanceof Date ? value.toISOString() : value);

/** A review as the API gives it, with everything recorded about it (`reviewJson`). */
function reviewJson(detail: ReviewDetail) {
  const { review } = detail;
  return {
    id: review.id,
    url: `/organisations/${encodeURIComponent(review.org_code)}/reviews/${review.id}`,
    org: { code: review.org_code, name: review.org_name },
    overseer: { code: review.overseer_org_code, name: review.overseer_name, kind: review.overseer_kind },
    quarter: review.quarter,
    state: review.state,
    heldOn: review.held_on,
    followUpOn: review.follow_up_on,
    notes: review.notes,
    version: review.version,
    isExample: review.is_example,
    attendees: detail.attendees.map(({ name, role, side }) => ({ name, role, side })),
    offers: detail.offers.map((each) => ({
      id: each.id,
      metric: { id: each.metric_id, name: each.metric_name },
      from: { code: each.from_org_code, name: each.from_org_name },
      entryId: each.entry_id,
      state: each.state,
    })),
    actions: detail.actions.map((each) => ({
      id: each.id,
      description: each.description,
      ownerSide: each.owner_side,
      ownerName: each.owner_name,
      due: each.due_on,
      support: each.support_offered,
      supportBy: each.support_by_org_code,
      status: each.status,
      completedOn: each.completed_on,
      followUps: each.followUps.map((followUp) => ({
        id: followUp.id,
        dueOn: followUp.due_on,
        state: followUp.state,
        outcome: followUp.outcome,
        answer: followUp.answer,
        answeredAt: iso(followUp.answered_at),
      })),
    })),
    permissions: detail.permissions,
    createdAt: iso(review.created_at),
  };
}

function summaryJson(summary: ReviewSummary) {
  return {
    id: summary.id,
    url: summary.href,
    org: { code: summary.orgCode, name: summary.orgName },
    overseer: { code: summary.overseerCode, name: summary.overseerName },
    quarter: summary.quarter,
    state: summary.state,
    heldOn: summary.heldOn,
    followUpOn: summary.followUpOn,
    isExample: summary.isExample,
  };
}

const signedIn =
  'No one is signed in (send `Authorization: Bearer <token>`, or a session cookie with `x-csrf-token`)';
const unseen = 'No review with that id that you can read';
const problems422 = 'Field problems, each in `details` as `field: problem`';

export async function registerReviewApi(app: FastifyInstance): Promise<void> {
  const releaseBrowser = holdPdfBrowser();
  app.addHook('onClose', async () => releaseBrowser());

  app.get(
    '/reviews',
    {
      schema: routeSchema({
        summary: 'Reviews the caller may read',
        description:
          'Quarterly reviews between an organisation and its overseer (an NHS England region or an ICB). Read by the organisation’s people and those who oversee it: oversight of its region, national oversight, the system lead of its ICB. The latest first.',
        querystring: listQuery,
        ok: 'The reviews, as `reviews`',
      }),
    },
    async (request) => {
      const filter = validate(listQuery, request.query);
      const context = request.useCase();
      if (context.actor.kind === 'anonymous')
        throw new AppError('UNAUTHENTICATED', 'Sign in to read reviews.');
      return { reviews: (await listReviews(context, filter)).map(summaryJson) };
    },
  );

  app.post(
    '/reviews',
    {
      schema: {
        ...routeSchema({ summary: 'Plan a review', ok: '' }),
        description:
          'Plans a review of an organisation for a quarter, led by a region or ICB it belongs to. Needs oversight of that region or national oversight, or the ICB’s system lead. Record the meeting with POST /reviews/{id}/meeting.',
        body: jsonSchema(createBody),
        docResponses: (() => {
          const {
            200: _ok,
            404: _nf,
            ...rest
          } = docResponses('', {
            401: signedIn,
            403: 'You may not plan reviews of this organisation',
            422: problems422,
          });
          return { 201: { description: 'The review, as `review`', type: 'object' }, ...rest };
        })(),
      },
    },
    async (request, reply) => {
      const body = validateBody(createBody, request.body);
      const context = request.useCase();
      if (context.actor.kind === 'anonymous')
        throw new AppError('UNAUTHENTICATED', 'Sign in to plan a review.');
      const review = await planReview(context, body);
      return reply.status(201).send({ review: reviewJson(await getReview(context, review.id)) });
    },
  );

  app.get(
    '/reviews/:id',
    {
      schema: routeSchema({
        summary: 'One review',
        description:
          'A review the caller may read, with its attendees, notes, offers of help, agreed actions and their follow-ups. One the caller may not read answers 404, as if it did not exist.',
        params: idParams,
        ok: 'The review, as `review`',
        notFound: unseen,
      }),
    },
    async (request) => {
      const context = request.useCase();
      if (context.actor.kind === 'anonymous')
        throw new AppError('UNAUTHENTICATED', 'Sign in to read reviews.');
      return { review: reviewJson(await getReview(context, reviewId(request.params))) };
    },
  );

  app.post(
    '/reviews/:id/meeting',
    {
      schema: {
        ...routeSchema({ summary: 'Record a review’s meeting', params: idParams, ok: '' }),
        description:
          'Records a planned review’s meeting: when it was held, who attended, notes, the offers of help made and accepted, agreed actions, and the follow-up date (six weeks after the meeting by default). Each agreed action is followed up on that date. The overseer side only.',
        body: jsonSchema(meetingBody),
        docResponses: docResponses('The review as recorded, as `review`', {
          401: signedIn,
          403: 'You may not record this review',
          404: unseen,
          409: 'The meeting is already recorded, or the review changed since `baseVersion`',
          422: problems422,
        }),
      },
    },
    async (request) => {
      const id = reviewId(request.params);
      const body = validateBody(meetingBody, request.body);
      const context = request.useCase();
      if (context.actor.kind === 'anonymous')
        throw new AppError('UNAUTHENTICATED', 'Sign in to record a review.');
      await recordReviewMeeting(context, id, body);
      return { review: reviewJson(await getReview(context, id)) };
    },
  );

  app.post(
    '/reviews/:id/actions',
    {
      schema: {
        ...routeSchema({ summary: 'Agree actions, or mark one done or dropped', params: idParams, ok: '' }),
        description:
          'With `actions`: agrees further actions on a held review, each followed up on the review’s follow-up date (or `followUpOn`). With `action` and `status`: marks an open agreed action done (on `completedOn`, default today) or dropped. The overseer side only.',
        body: jsonSchema(actionsBody),
        docResponses: docResponses('The review as changed, as `review`', {
          401: signedIn,
          403: 'You may not change this review',
          404: unseen,
          409: 'The meeting is not recorded yet, or the action is no longer open',
          422: problems422,
        }),
      },
    },
    async (request) => {
      const id = reviewId(request.params);
      const body = validateBody(actionsBody, request.body);
      const context = request.useCase();
      if (context.actor.kind === 'anonymous')
        throw new AppError('UNAUTHENTICATED', 'Sign in to change a review.');
      if (body.action !== undefined) await setReviewAction(context, id, body.action, body);
      else await addReviewActions(context, id, body);
      return { review: reviewJson(await getReview(context, id)) };
    },
  );

  /** The pack of a review the caller may read. */
  async function packOf(request: import('fastify').FastifyRequest) {
    const context = request.useCase();
    if (context.actor.kind === 'anonymous')
      throw new AppError('UNAUTHENTICATED', 'Sign in to read review packs.');
    const detail = await getReview(context, reviewId(request.params));
    return reviewPack(context, {
      org: detail.review.org_code,
      quarter: detail.review.quarter,
      reviewId: detail.review.id,
    });
  }

  app.get(
    '/reviews/:id/pack',
    {
      schema: routeSchema({
        summary: 'A review’s pack',
        description:
          'The review pack, generated from the store for the reader: what is improving; each open concern with at least three offers of help where the directory has them (nearest peers first, with contacts and change ideas; a gap said plainly); the last review’s agreed actions and follow-ups; signals since the last review; open inquiries; and the Oversight Framework position with its explanation, what changed since the previous quarter (signal or noise) and what would move it.',
        params: idParams,
        ok: 'The pack, as `pack`',
        notFound: unseen,
      }),
    },
    async (request, reply) => {
      const pack = await packOf(request);
      return reply.header('cache-control', 'private, no-store').send({ pack });
    },
  );

  app.get(
    '/reviews/:id/pack.pdf',
    {
      schema: routeSchema({
        summary: 'A review’s pack as a PDF',
        description:
          'The review pack as a tagged, accessible A4 PDF with an outline, printed by Chromium: the same words and figures as the pack’s page. Private: never cached.',
        params: idParams,
        ok: 'The PDF (application/pdf)',
        notFound: unseen,
      }),
    },
    async (request, reply) => {
      const pack = await packOf(request);
      const pdf = await htmlToPdf(packDocumentHtml(pack, { links: false }));
      return reply
        .header('cache-control', 'private, no-store')
        .header(
          'content-disposition',
          `inline; filename="${safeFileName(`tend-review-pack-${pack.org.code}-${pack.quarter}`)}.pdf"`,
        )
        .type('application/pdf')
        .send(pdf);
    },
  );
}
