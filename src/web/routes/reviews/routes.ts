import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorise, isoDay, type UseCaseContext } from '../../../app/context.ts';
import { actionRowsOnForm, offerKey } from '../../../app/reviews/input.ts';
import { reviewPack } from '../../../app/reviews/pack.ts';
import { packBodyHtml, packDocumentHtml, packTitle } from '../../../app/reviews/pack-html.ts';
import { holdPdfBrowser, htmlToPdf } from '../../../app/reviews/pack-pdf.ts';
import { getReview, organisationReviews, reviewsPath } from '../../../app/reviews/read.ts';
import {
  addReviewActions,
  planReview,
  recordReviewMeeting,
  setReviewAction,
} from '../../../app/reviews/write.ts';
import { quarterLabelOfDate } from '../../../domain/quarter.ts';
import { AppError, isAppError } from '../../../errors.ts';
import { errorsByField, type FieldError, fieldErrorsFrom } from '../../forms.ts';
import { safeFileName, sendPage } from '../../render.ts';

/**
 * Review pages: an organisation's reviews and the form to plan one; one review's record with the
 * record-the-meeting form, further actions and marking actions done or dropped; the review pack as a
 * page and as a tagged PDF. Reading follows the review scope (signed-in readers only, NOT_FOUND for a
 * review one may not read); every write is a use case.
 */

type FormValues = Record<string, string | string[]>;

const orgParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z0-9]{2,10}$/)
    .transform((code) => code.toUpperCase()),
});
const reviewParams = orgParams.extend({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .transform(Number),
});
const actionParams = reviewParams.extend({
  actionId: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .transform(Number),
});

function pageInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AppError(
    'NOT_FOUND',
    'There is no page at this address. Check the organisation code and review number.',
  );
}

function requireSignedIn(context: UseCaseContext, what: string): void {
  authorise(context, context.actor.kind !== 'anonymous', what);
}

/** The review of `/organisations/:code/reviews/:id`; NOT_FOUND when the code is not its organisation's. */
async function reviewAt(context: UseCaseContext, params: unknown) {
  const { code, id } = pageInput(reviewParams, params);
  requireSignedIn(context, 'read reviews');
  const detail = await getReview(context, id);
  if (detail.review.org_code !== code)
    throw new AppError('NOT_FOUND', `There is no review ${id} of ${code}.`);
  return detail;
}

/** Strings (and lists of strings, from checkboxes) of a form body, for showing back after a problem. */
function sentValues(body: unknown): FormValues {
  const values: FormValues = {};
  if (typeof body === 'object' && body !== null)
    for (const [key, value] of Object.entries(body)) {
      if (key === '_csrf') continue;
      if (typeof value === 'string') values[key] = value;
      else if (Array.isArray(value)) values[key] = value.filter((each) => typeof each === 'string');
    }
  return values;
}

const sideLabels = { organisation: 'The organisation', overseer: 'The overseer', other: 'Other' } as const;

export async function registerReviewPages(app: FastifyInstance): Promise<void> {
  const releaseBrowser = holdPdfBrowser();
  app.addHook('onClose', async () => releaseBrowser());

  async function showList(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormValues = {},
    errors: FieldError[] = [],
  ) {
    const context = request.useCase();
    const { code } = pageInput(orgParams, request.params);
    const { organisation, reviews, canPlan, overseers } = await organisationReviews(context, code);
    reply.status(errors.length ? 422 : 200);
    return sendPage(request, reply, 'pages/reviews/index.njk', {
      pageName: `Reviews – ${organisation.name}`,
      organisation: {
        code: organisation.code,
        name: organisation.name,
        href: `/organisations/${encodeURIComponent(organisation.code)}`,
      },
      reviews,
      canPlan,
      action: reviewsPath(organisation.code),
      overseers: overseers.map((overseer, index) => ({
        value: overseer.code,
        text: `${overseer.name} (${overseer.code})`,
        checked: values.overseer ? values.overseer === overseer.code : index === 0,
      })),
      values: { quarter: quarterLabelOfDate(isoDay(context.clock())), ...values },
      errors,
      fieldErrors: errorsByField(errors),
    });
  }

  async function showReview(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { errors?: FieldError[]; values?: FormValues; status?: number } = {},
  ) {
    const context = request.useCase();
    const detail = await reviewAt(context, request.params);
    const { review } = detail;
    const base = reviewsPath(review.org_code, review.id);
    const recording = detail.permissions.record && review.state === 'planned';
    const pack = recording
      ? await reviewPack(context, { org: review.org_code, quarter: review.quarter, reviewId: review.id })
      : null;
    const values = options.values ?? {};
    const chosen = (name: string) => {
      const value = values[name];
      return new Set(Array.isArray(value) ? value : value ? [value] : []);
    };
    const made = chosen('offersMade');
    const accepted = chosen('offersAccepted');
    reply.status(options.status ?? (options.errors?.length ? 422 : 200));
    return sendPage(request, reply, 'pages/reviews/show.njk', {
      pageName: `Review of ${review.org_name}, ${review.quarter}`,
      organisation: {
        code: review.org_code,
        name: review.org_name,
        href: `/organisations/${encodeURIComponent(review.org_code)}`,
      },
      listHref: reviewsPath(review.org_code),
      base,
      review: {
        id: review.id,
        quarter: review.quarter,
        state: review.state,
        heldOn: review.held_on,
        followUpOn: review.follow_up_on,
        notes: review.notes,
        version: review.version,
        overseer: `${review.overseer_name} (${review.overseer_org_code})`,
        agreedBy: review.agreed_by_label,
        isExample: review.is_example,
      },
      attendees: detail.attendees.map((attendee) => ({ ...attendee, sideLabel: sideLabels[attendee.side] })),
      offers: detail.offers,
      actions: detail.actions.map((action) => ({
        ...action,
        statusHref: `${base}/actions/${action.id}/status`,
      })),
      packHref: `${base}/pack`,
      pdfHref: `${base}/pack.pdf`,
      canRecord: detail.permissions.record,
      recording,
      packOffers: (pack?.concerns ?? []).flatMap((concern) =>
        concern.offers.map((offer) => {
          const key = offerKey({ metric: offer.metricId, from: offer.orgCode, entryId: offer.entryId });
          return {
            key,
            text: `${concern.metricName}: ${offer.orgName} – ${offer.title}`,
            made: made.has(key),
            accepted: accepted.has(key),
          };
        }),
      ),
      actionRows: Array.from({ length: actionRowsOnForm }, (_each, index) => index + 1),
      values,
      errors: options.errors ?? [],
      fieldErrors: errorsByField(options.errors ?? []),
    });
  }

  app.get('/organisations/:code/reviews', async (request, reply) => showList(request, reply));

  app.post('/organisations/:code/reviews', async (request, reply) => {
    const context = request.useCase();
    const { code } = pageInput(orgParams, request.params);
    requireSignedIn(context, 'plan a review');
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      const review = await planReview(context, { ...sent, org: code });
      return reply.redirect(reviewsPath(review.org_code, review.id), 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showList(request, reply, sentValues(sent), errors);
    }
  });

  app.get('/organisations/:code/reviews/:id', async (request, reply) => showReview(request, reply));

  const pageWrites: [
    string,
    (context: UseCaseContext, id: number, body: Record<string, unknown>) => Promise<unknown>,
  ][] = [
    ['meeting', recordReviewMeeting],
    ['actions', addReviewActions],
  ];
  for (const [path, write] of pageWrites)
    app.post(`/organisations/:code/reviews/:id/${path}`, async (request, reply) => {
      const context = request.useCase();
      pageInput(reviewParams, request.params);
      requireSignedIn(context, 'record a review');
      const detail = await reviewAt(context, request.params);
      const sent = (request.body ?? {}) as Record<string, unknown>;
      try {
        await write(context, detail.review.id, sent);
        return reply.redirect(`${reviewsPath(detail.review.org_code, detail.review.id)}#actions`, 303);
      } catch (error) {
        if (isAppError(error) && error.code === 'CONFLICT')
          return showReview(request, reply, {
            errors: [{ field: 'form', message: error.message }],
            status: 409,
          });
        const errors = fieldErrorsFrom(error);
        if (!errors) throw error;
        return showReview(request, reply, { errors, values: sentValues(sent) });
      }
    });

  app.post('/organisations/:code/reviews/:id/actions/:actionId/status', async (request, reply) => {
    const context = request.useCase();
    const { actionId } = pageInput(actionParams, request.params);
    requireSignedIn(context, 'record a review');
    const detail = await reviewAt(context, request.params);
    try {
      await setReviewAction(
        context,
        detail.review.id,
        actionId,
        (request.body ?? {}) as Record<string, unknown>,
      );
    } catch (error) {
      if (isAppError(error) && error.code === 'CONFLICT')
        return showReview(request, reply, {
          errors: [{ field: 'form', message: error.message }],
          status: 409,
        });
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showReview(request, reply, { errors });
    }
    return reply.redirect(`${reviewsPath(detail.review.org_code, detail.review.id)}#actions`, 303);
  });

  /** The pack of the review at the address, for the reader. */
  async function packAt(request: FastifyRequest) {
    const context = request.useCase();
    const detail = await reviewAt(context, request.params);
    const pack = await reviewPack(context, {
      org: detail.review.org_code,
      quarter: detail.review.quarter,
      reviewId: detail.review.id,
    });
    return { detail, pack };
  }

  app.get('/organisations/:code/reviews/:id/pack', async (request, reply) => {
    const { detail, pack } = await packAt(request);
    const base = reviewsPath(detail.review.org_code, detail.review.id);
    return sendPage(request, reply, 'pages/reviews/pack.njk', {
      pageName: packTitle(pack),
      title: packTitle(pack),
      organisation: { code: pack.org.code, name: pack.org.name, href: pack.org.href },
      reviewHref: base,
      pdfHref: `${base}/pack.pdf`,
      packHtml: packBodyHtml(pack, { links: true }),
    });
  });

  app.get('/organisations/:code/reviews/:id/pack.pdf', async (request, reply) => {
    const { pack } = await packAt(request);
    const pdf = await htmlToPdf(packDocumentHtml(pack, { links: false }));
    return reply
      .header('cache-control', 'private, no-store')
      .header(
        'content-disposition',
        `inline; filename="${safeFileName(`tend-review-pack-${pack.org.code}-${pack.quarter}`)}.pdf"`,
      )
      .type('application/pdf')
      .send(pdf);
  });
}
