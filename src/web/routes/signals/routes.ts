import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { rememberForReader } from '../../../app/reader-cache.ts';
import { changeSignalStatus, requireReadableSignal } from '../../../app/signals/lifecycle.ts';
import { AppError } from '../../../errors.ts';
import { findMetric } from '../../../store/repos/metric-repo.ts';
import { findOrganisation } from '../../../store/repos/organisation-repo.ts';
import type { SignalRow } from '../../../store/tables.ts';
import { errorsByField, type FieldError, fieldErrorsFrom, parseForm } from '../../forms.ts';
import { pageParams } from '../../page-input.ts';
import { personalContext, sendPage } from '../../render.ts';
import { signalInquirySection } from '../inquiries/present.ts';
import { presentSignal, presentSignalList, signalPath } from './present.ts';

const signalParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .transform(Number),
});

/** The lifecycle form as posted: plain strings, size-capped; the use case checks what they mean. */
const statusForm = z.object({
  status: z.string().max(40).default(''),
  note: z.string().max(20_000, 'Note must be 2,000 characters or fewer').default(''),
  version: z
    .string()
    .regex(/^\d{1,9}$/)
    .optional(),
  _csrf: z.string().optional(),
});

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', `No signal has the id ${JSON.stringify(id.slice(0, 20))}.`);
}

async function showSignal(
  request: FastifyRequest,
  reply: FastifyReply,
  signal: SignalRow,
  form: { values: { status: string; note: string }; errors: FieldError[] },
) {
  const context = request.useCase();
  const [organisation, metric] = await Promise.all([
    findOrganisation(context.db, signal.org_code),
    findMetric(context.db, signal.metric_id),
  ]);
  const page = await presentSignal(context, signal, {
    orgName: organisation?.name ?? signal.org_code,
    metricName: metric?.name ?? signal.metric_id,
    metricUnit: metric?.unit ?? '',
  });
  const model = {
    pageName: `${form.errors.length ? 'Error: ' : ''}${page.kindLabel}: ${page.metricName} – ${page.orgName}`,
    ...page,
    ...(await signalInquirySection(context, signal)),
    values: form.values,
    errors: form.errors,
    fieldErrors: errorsByField(form.errors),
  };
  if (form.errors.length)
    return reply
      .status(422)
      .header('cache-control', 'private, no-store')
      .view('pages/signals/show.njk', {
        ...model,
        ...personalContext(request, reply),
        currentUrl: request.url,
      });
  return sendPage(request, reply, 'pages/signals/show.njk', model);
}

/**
 * Signals: `/signals` for everyone (filters by organisation, ICB, region, metric, kind, status, how
 * long it has lasted and whether an inquiry is open; the count of concerns nobody has started talking
 * about; the table as CSV), one signal's page, and its lifecycle form for those who may change it.
 */
export async function registerSignalPages(app: FastifyInstance): Promise<void> {
  app.get('/signals', async (request, reply) => {
    // Per reader and address, until the store changes: the list the read policies give this reader.
    const context = request.useCase();
    const page = await rememberForReader(context, `signals|${request.url}`, () =>
      presentSignalList(context, request.query),
    );
    if (page.errors.length) reply.status(422);
    return sendPage(request, reply, 'pages/signals/index.njk', {
      pageName: `${page.errors.length ? 'Error: ' : ''}Signals`,
      ...page,
      fieldErrors: errorsByField(page.errors),
    });
  });

  app.get<{ Params: { id: string } }>('/signals/:id', async (request, reply) => {
    const params = pageParams(signalParams, request.params);
    if (!params) throw notFound(request.params.id);
    const signal = await requireReadableSignal(request.useCase(), params.id);
    return showSignal(request, reply, signal, { values: { status: '', note: '' }, errors: [] });
  });

  app.post<{ Params: { id: string } }>('/signals/:id/status', async (request, reply) => {
    const params = pageParams(signalParams, request.params);
    if (!params) throw notFound(request.params.id);
    const context = request.useCase();
    const signal = await requireReadableSignal(context, params.id);
    const form = parseForm(statusForm, request.body);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const kept = {
      status: typeof body.status === 'string' ? body.status.slice(0, 40) : '',
      note: typeof body.note === 'string' ? body.note.slice(0, 20_000) : '',
    };
    if (!form.ok) return showSignal(request, reply, signal, { values: kept, errors: form.errors });
    try {
      await changeSignalStatus(context, signal.id, {
        status: form.data.status,
        note: form.data.note,
        version: form.data.version === undefined ? undefined : Number(form.data.version),
      });
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showSignal(request, reply, signal, { values: kept, errors });
    }
    return reply.redirect(signalPath(signal.id), 303);
  });
}
