import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { UseCaseContext } from '../../app/context.ts';
import { renderMarkdown } from '../../app/narratives/markdown.ts';
import {
  findNarratives,
  getNarrative,
  narrativeListFilter,
  narrativeVersions,
  type VersionEntry,
} from '../../app/narratives/read.ts';
import {
  createNarrative,
  editNarrative,
  publishNarrative,
  withdrawNarrative,
} from '../../app/narratives/write.ts';
import { searchEverything, searchQuery } from '../../app/search.ts';
import { narrativeKindLabels } from '../../domain/people.ts';
import { AppError } from '../../errors.ts';
import type { NarrativeWithBody } from '../../store/repos/narrative-repo.ts';
import { docResponses, routeSchema, validate } from './api.ts';

/**
 * The narratives API: list and read what the caller may read, write (create, change, publish,
 * withdraw) as a contributor or administrator of the organisation, each narrative's versions, and
 * one search over organisations, metrics and narratives. Authenticated by the session cookie (with
 * the `x-csrf-token` header for writes) or `Authorization: Bearer <token>`; reading needs neither
 * for what is published for everyone.
 */

const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a narrative id')
    .describe('Narrative id'),
});

const text = (max: number, description: string) => z.string().max(max).describe(description);
const optionalText = (max: number, description: string) =>
  z.string().max(max).nullable().optional().describe(description);

const fieldsShape = {
  metric: optionalText(
    100,
    'Metric id the narrative is about, e.g. ae-4hr-type1 (needed for metric_commentary)',
  ),
  kind: text(40, 'metric_commentary, financial_stewardship, team_story, patient_story or listening_walk'),
  title: text(1_000, 'Title, 1 to 200 characters'),
  body: text(60_000, 'The text in Markdown, 1 to 50,000 characters'),
  visibility: text(40, 'public, organisation, or named (only the people in `readers`, once published)'),
  readers: z
    .array(z.string().max(320))
    .max(200)
    .optional()
    .describe('Email addresses of the people a named-only narrative is shared with'),
  periodFrom: optionalText(20, 'First day of the period it covers, YYYY-MM-DD'),
  periodTo: optionalText(20, 'Last day of the period it covers, YYYY-MM-DD'),
};

/** The body of POST /narratives: types and sizes checked here, meaning by the use case. */
const createBody = z.object({
  org: text(20, 'ODS code of the organisation, e.g. RYY'),
  ...fieldsShape,
  status: optionalText(40, 'draft (default) or published'),
});

/** The body of PATCH /narratives/{id}: any fields to change, and the version the change is based on. */
const patchBody = z.object({
  baseVersion: z
    .number()
    .int()
    .describe('The current version the change was made on; 409 if it has moved on'),
  ...Object.fromEntries(Object.entries(fieldsShape).map(([name, schema]) => [name, schema.optional()])),
});

const statusBody = z
  .object({
    baseVersion: z
      .number()
      .int()
      .optional()
      .describe('The current version the change was made on; 409 if it has moved on'),
  })
  .optional();

/** Every problem with a JSON body as VALIDATION_FAILED (422), `field: problem` each. */
function validateBody<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw new AppError(
    'VALIDATION_FAILED',
    `The narrative has ${problems.length} problem(s): ${problems.join('; ')}`,
    { details: problems },
  );
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

/** A narrative id from the address, or NOT_FOUND: a malformed id is no narrative. */
function narrativeId(params: unknown): number {
  const parsed = idParams.safeParse(params);
  if (!parsed.success)
    throw new AppError('NOT_FOUND', 'There is no narrative with that id that you can read.');
  return Number(parsed.data.id);
}

const signedIn =
  'No one is signed in (send `Authorization: Bearer <token>`, or a session cookie with `x-csrf-token`)';
const notWriter =
  'You are not a contributor or administrator of the organisation (or, for named-only, its author)';
const unseen = 'No narrative with that id that you can read';

const {
  200: _ok,
  404: _notFound,
  ...createErrors
} = docResponses('', {
  401: signedIn,
  403: notWriter,
  422: 'Field problems, each in `details` as `field: problem`',
});

const writeResponses = (ok: string) =>
  docResponses(ok, {
    401: signedIn,
    403: notWriter,
    404: unseen,
    409: 'The narrative changed since `baseVersion`, or is already in that status',
    422: 'Field problems, each in `details` as `field: problem`',
  });

/** The address of a narrative's page. */
export function narrativeUrl(narrative: Pick<NarrativeWithBody, 'org_code' | 'id'>): string {
  return `/organisations/${encodeURIComponent(narrative.org_code)}/narratives/${narrative.id}`;
}

/** A narrative's summary as the API gives it (`narrativeSummaryJson`): everything but its text. */
export function narrativeSummaryJson(narrative: NarrativeWithBody) {
  return {
    id: narrative.id,
    url: narrativeUrl(narrative),
    org: { code: narrative.org_code, name: narrative.org_name },
    metric: narrative.metric_id ? { id: narrative.metric_id, name: narrative.metric_name } : null,
    kind: narrative.kind,
    kindLabel: narrativeKindLabels[narrative.kind],
    title: narrative.title,
    visibility: narrative.visibility,
    status: narrative.status,
    version: narrative.current_version,
    periodFrom: narrative.period_from,
    periodTo: narrative.period_to,
    createdAt: narrative.created_at.toISOString(),
    updatedAt: narrative.updated_at.toISOString(),
    publishedAt: narrative.published_at?.toISOString() ?? null,
    isExample: narrative.is_example,
  };
}

/** A narrative with its text, as Markdown and as the sanitised HTML pages show (`narrativeJson`). */
export function narrativeJson(narrative: NarrativeWithBody) {
  return {
    ...narrativeSummaryJson(narrative),
    body: narrative.body,
    bodyHtml: renderMarkdown(narrative.body),
  };
}

function versionJson(version: VersionEntry) {
  return {
    version: version.version,
    title: version.title,
    kind: version.kind,
    visibility: version.visibility,
    status: version.status,
    metric: version.metric_id,
    periodFrom: version.period_from,
    periodTo: version.period_to,
    writtenAt: version.written_at.toISOString(),
    writtenBy: version.writtenByName,
    body: version.body,
  };
}

/** The narratives of an organisation the caller may read, as summaries (for GET /organisations/{code}). */
export async function organisationNarrativesJson(context: UseCaseContext, orgCode: string) {
  return (await findNarratives(context, { org: orgCode.toUpperCase() })).map(narrativeSummaryJson);
}

async function detailJson(context: UseCaseContext, id: number) {
  const detail = await getNarrative(context, id);
  return {
    narrative: {
      ...narrativeJson(detail.narrative),
      ...(detail.permissions.edit ? { readers: detail.readers.map((reader) => reader.email) } : {}),
      permissions: detail.permissions,
    },
  };
}

export async function registerNarrativeApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/narratives',
    {
      schema: routeSchema({
        summary: 'Narratives the caller may read',
        description:
          'Words organisations write beside their numbers: metric commentary, Financial Stewardship Narratives, team and patient stories, listening-walk notes. Everyone reads published public ones; the organisation’s people also read its drafts, withdrawn and organisation-only ones; its system leads and regional and national oversight read its published organisation-only ones; named-only ones are read by their author and, once published, the people named. Financial Stewardship Narratives first, then the most recent; at most 500.',
        querystring: narrativeListFilter,
        ok: 'The narratives, as `narratives`, each with its text in Markdown (`body`) and as sanitised HTML (`bodyHtml`)',
      }),
    },
    async (request) => {
      const filter = validate(narrativeListFilter, request.query);
      return { narratives: (await findNarratives(request.useCase(), filter)).map(narrativeJson) };
    },
  );

  app.post(
    '/narratives',
    {
      schema: {
        ...routeSchema({ summary: 'Write a narrative', ok: '' }),
        description:
          'Starts a narrative for an organisation, as a draft or published. Needs the contributor or administrator role of the organisation. Every field problem is listed at once.',
        body: jsonSchema(createBody),
        docResponses: {
          201: { description: 'The narrative, as `narrative`', type: 'object' },
          ...createErrors,
        },
      },
    },
    async (request, reply) => {
      const body = validateBody(createBody, request.body);
      const narrative = await createNarrative(request.useCase(), body);
      return reply.status(201).send({ narrative: narrativeJson(narrative) });
    },
  );

  app.get(
    '/narratives/:id',
    {
      schema: routeSchema({
        summary: 'One narrative',
        description:
          'A narrative the caller may read, with its text and what the caller may do to it. One the caller may not read answers 404, as if it did not exist.',
        params: idParams,
        ok: 'The narrative, as `narrative` (with `readers` when the caller may edit a named-only one)',
        notFound: unseen,
      }),
    },
    async (request) => detailJson(request.useCase(), narrativeId(request.params)),
  );

  app.get(
    '/narratives/:id/versions',
    {
      schema: routeSchema({
        summary: "A narrative's versions",
        description:
          'Every version the caller may read, oldest first: each is read under its own status and visibility, so an earlier draft stays hidden from readers of the published narrative.',
        params: idParams,
        ok: 'The narrative as `narrative` and its versions as `versions`',
        notFound: unseen,
      }),
    },
    async (request) => {
      const result = await narrativeVersions(request.useCase(), narrativeId(request.params));
      return {
        narrative: narrativeSummaryJson(result.narrative),
        versions: result.versions.map(versionJson),
      };
    },
  );

  app.patch(
    '/narratives/:id',
    {
      schema: {
        ...routeSchema({ summary: 'Change a narrative', params: idParams, ok: '' }),
        description:
          'Saves a new version with the fields given (the others keep their values). `baseVersion` must be the current version: if someone else saved since, the change is refused with 409 and nothing is saved.',
        body: jsonSchema(patchBody),
        docResponses: writeResponses('The narrative as changed, as `narrative`'),
      },
    },
    async (request) => {
      const id = narrativeId(request.params);
      const body = validateBody(patchBody, request.body);
      const narrative = await editNarrative(request.useCase(), id, body);
      return { narrative: narrativeJson(narrative) };
    },
  );

  for (const [action, change, summary] of [
    ['publish', publishNarrative, 'Publish a draft or withdrawn narrative'],
    ['withdraw', withdrawNarrative, 'Withdraw a published narrative'],
  ] as const) {
    app.post(
      `/narratives/:id/${action}`,
      {
        schema: {
          ...routeSchema({ summary, params: idParams, ok: '' }),
          body: jsonSchema(z.object({ baseVersion: z.number().int().optional() })),
          docResponses: writeResponses('The narrative, as `narrative`'),
        },
      },
      async (request) => {
        const id = narrativeId(request.params);
        const body = validateBody(statusBody, request.body ?? undefined);
        const narrative = await change(request.useCase(), id, { baseVersion: body?.baseVersion });
        return { narrative: narrativeJson(narrative) };
      },
    );
  }

  app.get(
    '/search',
    {
      schema: routeSchema({
        summary: 'Search organisations, metrics and narratives',
        description:
          'Organisations by code, name or a name people use for them ("GSTT"), and metrics by id or name, forgiving case, punctuation and a typo or two a word; the narratives the caller may read by title or text. At most 20 of each, best matches first (an exact code or id, then names equal to, starting with or containing the text, then near misses). An ICB comes with its system page and a region with its region page.',
        querystring: searchQuery,
        ok: '`organisations`, `metrics` and `narratives`',
      }),
    },
    async (request) => {
      const { q } = validate(searchQuery, request.query);
      const results = await searchEverything(request.useCase(), q);
      return {
        query: q,
        organisations: results.organisations.map((organisation) => ({
          code: organisation.code,
          name: organisation.name,
          kind: organisation.kind,
          url: `/organisations/${encodeURIComponent(organisation.code)}`,
          ...(organisation.kind === 'icb'
            ? { systemUrl: `/systems/${encodeURIComponent(organisation.code)}` }
            : organisation.kind === 'region'
              ? { regionUrl: `/regions/${encodeURIComponent(organisation.code)}` }
              : {}),
        })),
        metrics: results.metrics.map((metric) => ({
          id: metric.id,
          name: metric.name,
          url: `/metrics/${encodeURIComponent(metric.id)}`,
        })),
        narratives: results.narratives.map(narrativeSummaryJson),
      };
    },
  );
}
