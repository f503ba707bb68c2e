import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authorise } from '../../app/context.ts';
import {
  getListening,
  type ListeningDetail,
  type ListeningSummary,
  listListening,
  mayStartListening,
} from '../../app/listening/read.ts';
import {
  createListening,
  publishListening,
  reportBackListening,
  requireConvenorWriter,
} from '../../app/listening/write.ts';
import { listeningKinds, participantGroups } from '../../domain/listening.ts';
import { AppError } from '../../errors.ts';
import { docResponses, routeSchema, validate } from './api.ts';
import { listeningItemPath } from './listening/present.ts';

/**
 * The listening inquiries API: every inquiry the caller may read (published ones are public; drafts
 * are the convenor's), one inquiry with who took part, themes, quotes (public only with consent),
 * what will change and the report back, and writing one (the convenor's contributors and
 * administrators; an ICB's system lead): record a draft, publish it, report back. The convenor's raw
 * notes are given only to the convenor's writers. Writing is authenticated by the session cookie
 * (with `x-csrf-token`) or `Authorization: Bearer <token>`.
 */

const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a listening inquiry id')
    .describe('Listening inquiry id'),
});

const listQuery = z.object({
  org: z
    .string()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'must be an ODS code')
    .optional()
    .describe('Only inquiries convened by or concerning this organisation (ODS code)'),
  metric: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,120}$/, 'must be a metric id')
    .optional()
    .describe('Only inquiries concerning this metric'),
});

/** The body of POST /listening: types and sizes checked here, meaning by the use case. */
const createBody = z.object({
  convenor: z.string().max(20).describe('ODS code of the convening organisation, place or ICB'),
  kind: z
    .enum(listeningKinds)
    .optional()
    .describe('inquiry (default) or assembly: a system listening assembly, convened by an ICB'),
  question: z.string().max(2_000).describe('The question asked, 1 to 500 characters'),
  participants: z
    .array(
      z.object({
        group: z.enum(participantGroups),
        count: z.number().int().min(0),
        roles: z.string().max(1_000).optional(),
        names: z.string().max(4_000).optional(),
      }),
    )
    .max(10)
    .describe('Who took part, one entry per group'),
  themes: z.array(z.string().max(4_000)).max(100).optional().describe('The themes heard'),
  quotes: z
    .array(
      z.object({
        text: z.string().max(4_000),
        speaker: z.string().max(400).optional(),
        consent: z.boolean(),
      }),
    )
    .max(100)
    .optional()
    .describe('Quotes; public only where consent is true and once published'),
  orgs: z
    .array(z.string().max(20))
    .max(100)
    .optional()
    .describe('ODS codes of the organisations it concerns'),
  metrics: z.array(z.string().max(200)).max(100).optional().describe('Metric ids it concerns'),
  whatWillChange: z.string().max(12_000).optional().describe('What will change'),
  reportBackBy: z
    .string()
    .max(20)
    .optional()
    .describe('The date to report back by, YYYY-MM-DD; needed to publish'),
  rawNotes: z.string().max(60_000).optional().describe('The convenor’s raw notes: never published'),
});
const publishBody = z.object({
  reportBackBy: z
    .string()
    .max(20)
    .optional()
    .describe('The date to report back by, after today (YYYY-MM-DD)'),
});
const reportBackBody = z.object({
  reportBack: z.string().max(12_000).describe('The report back: what changed, and what did not'),
});

function validateBody<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw new AppError(
    'VALIDATION_FAILED',
    `The listening inquiry has ${problems.length} problem(s): ${problems.join('; ')}`,
    { details: problems },
  );
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

function inquiryId(params: unknown): number {
  const parsed = idParams.safeParse(params);
  if (!parsed.success)
    throw new AppError('NOT_FOUND', 'There is no listening inquiry with that id that you can read.');
  return Number(parsed.data.id);
}

function summaryJson(inquiry: ListeningSummary) {
  return {
    id: inquiry.id,
    url: listeningItemPath(inquiry.id),
    kind: inquiry.kind,
    question: inquiry.question,
    state: inquiry.state,
    convenor: inquiry.convenor,
    reportBackBy: inquiry.reportBackBy,
    reportBackOverdue: inquiry.reportBackOverdue,
    publishedAt: inquiry.publishedAt?.toISOString() ?? null,
    isExample: inquiry.isExample,
  };
}

function detailJson(detail: ListeningDetail) {
  return {
    ...summaryJson(detail),
    participants: detail.participants.map(({ group, count, roles, names }) => ({
      group,
      count,
      roles,
      names,
    })),
    participantCount: detail.participantCount,
    themes: detail.themes,
    quotes: detail.quotes,
    orgs: detail.orgCodes,
    metrics: detail.metricIds,
    whatWillChange: detail.whatWillChange,
    reportBack: detail.reportBackText,
    reportedBackAt: detail.reportedBackAt?.toISOString() ?? null,
    rawNotes: detail.rawNotes,
    permissions: detail.may,
  };
}

const unseen = 'No listening inquiry with that id that you can read';

function writeResponses(description: string, status: 200 | 201) {
  const { 200: _ok, ...rest } = docResponses('', {
    401: 'No one is signed in',
    403: 'You do not write for the convening organisation',
    404: unseen,
    409: 'The inquiry is not in a state that allows this',
    422: 'Field problems, each in `details` as `field: problem`',
  });
  return { [status]: { description, type: 'object' }, ...rest };
}

export async function registerListeningApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/listening',
    {
      schema: routeSchema({
        summary: 'Listening inquiries',
        description:
          'Every listening inquiry the caller may read: published ones are public, drafts only their convenor’s writers read. A system’s listening assembly is one of kind `assembly`.',
        querystring: listQuery,
        ok: 'The inquiries, as `inquiries`',
      }),
    },
    async (request) => {
      const query = validate(listQuery, request.query);
      const inquiries = await listListening(request.useCase(), {
        ...(query.org ? { orgCode: query.org.toUpperCase() } : {}),
        ...(query.metric ? { metricId: query.metric } : {}),
      });
      return { inquiries: inquiries.map(summaryJson) };
    },
  );

  app.get(
    '/listening/:id',
    {
      schema: routeSchema({
        summary: 'One listening inquiry',
        description:
          'The question, who took part, the themes heard, quotes (only with consent, once published), what it concerns, what will change and the report back. `rawNotes` is null for all but the convenor’s writers.',
        params: idParams,
        ok: 'The inquiry, as `inquiry`',
        notFound: unseen,
      }),
    },
    async (request) => ({
      inquiry: detailJson(await getListening(request.useCase(), inquiryId(request.params))),
    }),
  );

  app.post(
    '/listening',
    {
      schema: {
        ...routeSchema({ summary: 'Record a listening inquiry', ok: '' }),
        description:
          'Records a listening inquiry as a draft, for an organisation the caller writes for (an ICB’s system lead for its ICB). Every field problem is listed at once.',
        body: jsonSchema(createBody),
        docResponses: writeResponses('The inquiry, as `inquiry`', 201),
      },
    },
    async (request, reply) => {
      const context = request.useCase();
      authorise(context, mayStartListening(context), 'record a listening inquiry');
      const body = validateBody(createBody, request.body);
      const row = await createListening(context, body);
      return reply.status(201).send({ inquiry: detailJson(await getListening(context, row.id)) });
    },
  );

  for (const [path, summary, description, schema, write] of [
    [
      'publish',
      'Publish a listening inquiry',
      'Publishes a draft with a date after today to report back by: its themes, what will change and the quotes with consent become public.',
      publishBody,
      publishListening,
    ],
    [
      'report-back',
      'Report back on a listening inquiry',
      'Reports back on a published inquiry: what changed, and what did not.',
      reportBackBody,
      reportBackListening,
    ],
  ] as const) {
    app.post(
      `/listening/:id/${path}`,
      {
        schema: {
          ...routeSchema({ summary, params: idParams, ok: '' }),
          description,
          body: jsonSchema(schema),
          docResponses: writeResponses('The inquiry, as `inquiry`', 200),
        },
      },
      async (request) => {
        const context = request.useCase();
        authorise(context, context.actor.kind !== 'anonymous', 'change a listening inquiry');
        const id = inquiryId(request.params);
        await requireConvenorWriter(context, id);
        const body = validateBody(schema, request.body);
        await write(context, id, body);
        return { inquiry: detailJson(await getListening(context, id)) };
      },
    );
  }
}
