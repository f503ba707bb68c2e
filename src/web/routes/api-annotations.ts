import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { publishAnnotation, withdrawAnnotation } from '../../app/annotations/change.ts';
import { createAnnotation } from '../../app/annotations/create.ts';
import {
  annotationView,
  getAnnotation,
  listOrganisationAnnotations,
  listSeriesAnnotations,
} from '../../app/annotations/read.ts';
import { requireMetric, requireOrganisation } from '../../app/catalogue.ts';
import { canReadMetric, requireReadableMetric } from '../../app/teams/access.ts';
import { AppError, isAppError } from '../../errors.ts';
import { docResponses, routeSchema, validate } from './api.ts';

const codePattern = /^[A-Za-z0-9]{2,10}$/;
const metricPattern = /^[A-Za-z0-9_.-]{1,64}$/;

const listQuery = z.object({
  org: z
    .string()
    .trim()
    .regex(codePattern, 'must be an ODS code')
    .describe('ODS organisation code, e.g. RJ1'),
  metric: z
    .string()
    .trim()
    .regex(metricPattern, 'must be a metric id')
    .optional()
    .describe('Metric id, e.g. ae-4hr-type1; leave out for every series of the organisation'),
});

const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be an annotation id')
    .describe('Annotation id'),
});

/** The body of POST /annotations: types and sizes checked here, meaning by the use case. */
const createBody = z.object({
  org: z.string().max(20).describe('ODS organisation code, e.g. RJ1'),
  metric: z.string().max(100).describe('Metric id, e.g. ae-4hr-type1'),
  date: z.string().max(40).describe('The date it happened, YYYY-MM-DD; a rebase starts at its period'),
  kind: z
    .string()
    .max(40)
    .optional()
    .describe('event, change_idea, data_issue or rebase; rebase when `rebase` is given'),
  text: z.string().max(20_000).describe('What happened, at most 2,000 characters'),
  visibility: z
    .string()
    .max(40)
    .optional()
    .describe('public or organisation (default organisation; a rebase is always public)'),
  status: z.string().max(40).optional().describe('draft or published (default published)'),
  rebase: z
    .object({
      reason: z.string().max(5_000).describe('Why the limits are recalculated, at least 10 characters'),
    })
    .optional()
    .describe('Makes the annotation a rebase: the chart limits are recalculated from its date'),
});

/** Every problem with a JSON body as VALIDATION_FAILED (422), `field: problem` each. */
function validateBody<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw new AppError(
    'VALIDATION_FAILED',
    `The annotation has ${problems.length} problem(s): ${problems.join('; ')}`,
    {
      details: problems,
    },
  );
}

const { $schema: _dialect, ...bodySchema } = z.toJSONSchema(createBody, { io: 'input' }) as Record<
  string,
  unknown
>;

/** What POST /annotations answers: 201 with the annotation, or an error with every problem. */
const {
  200: _ok,
  400: _badRequest,
  404: _notFound,
  ...createErrors
} = docResponses('', {
  401: 'No one is signed in (send `Authorization: Bearer <token>`)',
  403: 'You are not a contributor or admin of the organisation',
  422: 'Field problems, each in `details` as `field: problem`',
});
const createResponses = {
  201: { description: 'The annotation added, as `annotation`', type: 'object' },
  ...createErrors,
};

const writeResponses = (ok: string) =>
  docResponses(ok, {
    401: 'No one is signed in (send `Authorization: Bearer <token>`)',
    403: 'You are not a contributor or admin of the organisation',
    404: 'No annotation with that id that you can read',
    409: 'The annotation changed, or is withdrawn',
  });

/**
 * The annotations API: read a series' or an organisation's annotations (only what the caller may
 * read), add one (a rebase recalculates the chart's limits), publish or withdraw one.
 */
export async function registerAnnotationApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/annotations',
    {
      schema: routeSchema({
        summary: "An organisation's annotations, or one series'",
        description:
          "Dated notes on organisation × metric series, by date: events, change ideas, data issues and rebases (limits recalculated, with the reason). Only those the caller may read: everyone reads published public ones; the organisation's people also read its drafts and organisation-only notes. Withdrawn annotations are left out.",
        querystring: listQuery,
        ok: 'The annotations, as `annotations`',
        notFound: 'No organisation or metric has that code or id',
      }),
    },
    async (request) => {
      const query = validate(listQuery, request.query);
      const context = request.useCase();
      const organisation = await requireOrganisation(context.db, query.org);
      if (query.metric) await requireReadableMetric(context, query.metric);
      const rows = query.metric
        ? await listSeriesAnnotations(
            context,
            organisation.code,
            (await requireMetric(context.db, query.metric)).id,
          )
        : await listOrganisationAnnotations(context, organisation.code);
      // A team's notes on an organisation-only indicator are for those who read the indicator.
      const readable: typeof rows = [];
      for (const row of rows) if (await canReadMetric(context, row.metric_id)) readable.push(row);
      return { annotations: readable.map(annotationView) };
    },
  );

  app.get(
    '/annotations/:id',
    {
      schema: routeSchema({
        summary: 'One annotation',
        params: idParams,
        ok: 'The annotation, as `annotation`',
        notFound: 'No annotation with that id that you can read',
      }),
    },
    async (request) => {
      const { id } = validate(idParams, request.params);
      const context = request.useCase();
      const annotation = await getAnnotation(context, Number(id));
      // A note on a team's organisation-only indicator is for those who read the indicator.
      if (!(await canReadMetric(context, annotation.metric_id)))
        throw new AppError('NOT_FOUND', `There is no annotation ${id} that you can read.`);
      return { annotation: annotationView(annotation) };
    },
  );

  app.post(
    '/annotations',
    {
      schema: {
        ...routeSchema({
          summary: 'Add an annotation to a series (a rebase recalculates its limits)',
          description:
            "For contributors and admins of the organisation. A rebase (give `rebase: {reason}`) must be public and published, give a reason of at least 10 characters, fall within the series' periods after the first, and not repeat a rebase in force; the limits are recalculated from the start of the period holding its date. Every problem is listed in `details` (422).",
          ok: 'The annotation, as `annotation` (201)',
        }),
        body: bodySchema,
        docResponses: createResponses,
      },
    },
    async (request, reply) => {
      const body = validateBody(createBody, request.body);
      try {
        const row = await createAnnotation(request.useCase(), {
          org: body.org,
          metric: body.metric,
          date: body.date,
          kind: body.kind ?? (body.rebase ? 'rebase' : ''),
          text: body.text,
          visibility: body.visibility,
          status: body.status,
          rebaseReason: body.rebase ? body.rebase.reason : null,
        });
        return reply.status(201).send({ annotation: annotationView(row) });
      } catch (error) {
        // The API names the reason as it is sent: `rebase.reason`.
        if (isAppError(error) && error.code === 'VALIDATION_FAILED') {
          const details = error.details.map((detail) =>
            detail.startsWith('reason: ') ? `rebase.${detail}` : detail,
          );
          throw new AppError('VALIDATION_FAILED', error.message.replaceAll('reason: ', 'rebase.reason: '), {
            details,
          });
        }
        throw error;
      }
    },
  );

  for (const action of ['publish', 'withdraw'] as const) {
    app.post(
      `/annotations/:id/${action}`,
      {
        schema: {
          ...routeSchema({
            summary:
              action === 'publish'
                ? 'Publish a draft annotation'
                : 'Withdraw an annotation (a withdrawn rebase restores the limits)',
            params: idParams,
            ok: 'The annotation, as `annotation`',
          }),
          docResponses: writeResponses('The annotation as it now is, as `annotation`'),
        },
      },
      async (request) => {
        const { id } = validate(idParams, request.params);
        const change = action === 'publish' ? publishAnnotation : withdrawAnnotation;
        return { annotation: annotationView(await change(request.useCase(), Number(id))) };
      },
    );
  }
}
