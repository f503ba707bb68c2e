import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { publishAnnotation, withdrawAnnotation } from '../../../app/annotations/change.ts';
import { createAnnotation } from '../../../app/annotations/create.ts';
import { getAnnotation, mayAnnotate } from '../../../app/annotations/read.ts';
import { maxReasonLength, maxTextLength } from '../../../app/annotations/rules.ts';
import { authorise } from '../../../app/context.ts';
import { annotationKindLabels, annotationKinds } from '../../../domain/people.ts';
import { AppError } from '../../../errors.ts';
import { errorsByField, type FieldError, fieldErrorsFrom, parseForm } from '../../forms.ts';
import { personalContext } from '../../render.ts';
import { metricIdPattern, odsCodePattern, presentMetricChart } from '../organisations/present.ts';
import { annotationsPath, dateInWords } from './present.ts';

const seriesParams = z.object({
  code: z.string().regex(odsCodePattern),
  id: z.string().regex(metricIdPattern),
});
const annotationParams = seriesParams.extend({ annotationId: z.string().regex(/^[1-9]\d{0,8}$/) });

/** The form as posted: plain strings, size-capped; the use case checks what they mean. */
const annotationForm = z.object({
  kind: z.string().max(40).default(''),
  day: z.string().max(10).default(''),
  month: z.string().max(10).default(''),
  year: z.string().max(10).default(''),
  text: z
    .string()
    .max(20_000, `Text must be ${maxTextLength.toLocaleString('en-GB')} characters or fewer`)
    .default(''),
  reason: z.string().max(5_000, `Reason must be ${maxReasonLength} characters or fewer`).default(''),
  visibility: z.string().max(40).default(''),
  status: z.string().max(40).default(''),
  _csrf: z.string().optional(),
});
type AnnotationFormValues = z.output<typeof annotationForm>;

const emptyForm: AnnotationFormValues = {
  kind: '',
  day: '',
  month: '',
  year: '',
  text: '',
  reason: '',
  visibility: '',
  status: '',
};

/** The form's fields in page order, so the error summary lists problems as the page shows them. */
const formFields = ['kind', 'reason', 'date', 'text', 'visibility', 'status'];
const formOrder = (field: string) => {
  const index = formFields.indexOf(field);
  return index < 0 ? formFields.length : index;
};

/** The three date fields as YYYY-MM-DD ('' when all are empty); `complete` is false when one is missing. */
export function formDate(values: Pick<AnnotationFormValues, 'day' | 'month' | 'year'>): {
  date: string;
  complete: boolean;
} {
  const day = values.day.trim();
  const month = values.month.trim();
  const year = values.year.trim();
  if (!day && !month && !year) return { date: '', complete: true };
  return {
    date: `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`,
    complete: Boolean(day && month && year),
  };
}

/** The series' chart page, or a NOT_FOUND error: the form needs its organisation, metric and periods. */
async function seriesPage(app: FastifyInstance, code: string, id: string) {
  const page = await presentMetricChart(app.store.db, code, id);
  if (!page)
    throw new AppError('NOT_FOUND', `Tend holds no data for ${id} at ${code.toUpperCase()} to annotate.`);
  return page;
}

type SeriesPage = Awaited<ReturnType<typeof seriesPage>>;

function showForm(
  request: FastifyRequest,
  reply: FastifyReply,
  page: SeriesPage,
  view: { values: AnnotationFormValues; errors: FieldError[] },
) {
  const { organisation, metric } = page;
  const dates = page.spcSeries.dates;
  const chartHref = `/organisations/${encodeURIComponent(organisation.code)}/metrics/${encodeURIComponent(metric.id)}`;
  return reply
    .status(view.errors.length ? 422 : 200)
    .header('cache-control', 'private, no-store')
    .view('pages/annotations/new.njk', {
      pageName: `${view.errors.length ? 'Error: ' : ''}Add an annotation – ${metric.name} – ${organisation.name}`,
      ...personalContext(request, reply),
      currentUrl: request.url,
      organisation,
      metric,
      chartHref,
      action: annotationsPath(organisation.code, metric.id),
      seriesRange:
        dates.length > 0
          ? { first: dateInWords(dates[0]), last: dateInWords(dates[dates.length - 1]) }
          : null,
      kinds: annotationKinds.map((kind) => ({ value: kind, text: annotationKindLabels[kind] })),
      maxTextLength,
      values: view.values,
      errors: view.errors,
      fieldErrors: errorsByField(view.errors),
    });
}

/**
 * Annotating a chart: the form to add an annotation (event, change idea, data issue, or a rebase
 * with its reason), and publishing or withdrawing one. For the organisation's contributors and
 * admins; everyone else is refused.
 */
export async function registerAnnotationPages(app: FastifyInstance): Promise<void> {
  app.get('/organisations/:code/metrics/:id/annotations/new', async (request, reply) => {
    const params = seriesParams.safeParse(request.params);
    if (!params.success) throw new AppError('NOT_FOUND', 'No such chart to annotate.');
    const context = request.useCase();
    const code = params.data.code.toUpperCase();
    authorise(context, mayAnnotate(context, code), `annotate ${code}'s charts`);
    const page = await seriesPage(app, code, params.data.id);
    return showForm(request, reply, page, { values: emptyForm, errors: [] });
  });

  app.post('/organisations/:code/metrics/:id/annotations', async (request, reply) => {
    const params = seriesParams.safeParse(request.params);
    if (!params.success) throw new AppError('NOT_FOUND', 'No such chart to annotate.');
    const context = request.useCase();
    const code = params.data.code.toUpperCase();
    authorise(context, mayAnnotate(context, code), `annotate ${code}'s charts`);
    const page = await seriesPage(app, code, params.data.id);
    const form = parseForm(annotationForm, request.body);
    if (!form.ok) {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const kept = Object.fromEntries(
        Object.entries(emptyForm).map(([key, empty]) => [
          key,
          typeof body[key] === 'string' ? (body[key] as string).slice(0, 20_000) : empty,
        ]),
      ) as AnnotationFormValues;
      return showForm(request, reply, page, { values: kept, errors: form.errors });
    }
    const values = form.data;
    const date = formDate(values);
    let id: number;
    try {
      ({ id } = await createAnnotation(context, {
        org: page.organisation.code,
        metric: page.metric.id,
        date: date.date,
        kind: values.kind,
        text: values.text,
        visibility: values.visibility,
        status: values.status,
        rebaseReason: values.reason,
      }));
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showForm(request, reply, page, {
        values,
        errors: errors
          .map((each) =>
            each.field === 'date' && !date.complete
              ? { field: 'date', message: 'Date must include a day, month and year' }
              : each,
          )
          .sort((a, b) => formOrder(a.field) - formOrder(b.field)),
      });
    }
    return reply.redirect(
      `/organisations/${encodeURIComponent(page.organisation.code)}/metrics/${encodeURIComponent(page.metric.id)}#annotation-${id}`,
      303,
    );
  });

  for (const action of ['publish', 'withdraw'] as const) {
    app.post(
      `/organisations/:code/metrics/:id/annotations/:annotationId/${action}`,
      async (request, reply) => {
        const params = annotationParams.safeParse(request.params);
        if (!params.success) throw new AppError('NOT_FOUND', 'No such annotation.');
        const context = request.useCase();
        const code = params.data.code.toUpperCase();
        const row = await getAnnotation(context, Number(params.data.annotationId));
        if (row.org_code !== code || row.metric_id !== params.data.id)
          throw new AppError('NOT_FOUND', `No annotation ${row.id} on this chart.`);
        await (action === 'publish' ? publishAnnotation : withdrawAnnotation)(context, row.id);
        return reply.redirect(
          `/organisations/${encodeURIComponent(code)}/metrics/${encodeURIComponent(row.metric_id)}#annotations`,
          303,
        );
      },
    );
  }
}
