import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authorise } from '../../app/context.ts';
import { candidatesCsv, candidatesForMetric, candidateView } from '../../app/directory/candidates.ts';
import { coverageCsv, directoryCoverage } from '../../app/directory/coverage.ts';
import {
  DIRECTORY_CSV_ENTRIES,
  directorySearchSchema,
  entriesCsv,
  findEntryDetail,
  searchEntries,
  searchEntryPage,
} from '../../app/directory/read.ts';
import { createEntry } from '../../app/directory/write.ts';
import { AppError } from '../../errors.ts';
import { writerOf } from '../../policies/actor.ts';
import { curatesDirectory } from '../../policies/directory-entry.ts';
import { docResponses, routeSchema, validate } from './api.ts';

/**
 * The improvement directory API: candidates for a metric (public suggestions, never contacts), the
 * entries the caller may read (contacts' email addresses only where their consent lets the caller
 * see them), adding an entry or nominating one's own organisation, and the directory's coverage.
 * Authenticated by the session cookie (with `x-csrf-token` for writes) or `Authorization: Bearer <token>`.
 */

const candidatesQuery = z.object({
  metric: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a metric id')
    .describe('Metric id, e.g. ae-4hr-type1'),
  page: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .optional()
    .describe('Which page of 50 entries (JSON); the CSV holds every match, up to 5,000'),
  format: z.enum(['json', 'csv']).default('json').describe('json (default) or csv'),
});

const entriesQuery = z.object({
  metric: z.string().trim().max(200).optional().describe('Only entries on this metric'),
  org: z.string().trim().max(20).optional().describe('Only entries of this organisation (ODS code)'),
  idea: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe('Only entries that used this change idea (its id)'),
  q: z.string().trim().max(200).optional().describe('Text in the title, organisation or what they did'),
  state: z
    .enum(['candidate', 'invited', 'published', 'stale', 'withdrawn'])
    .optional()
    .describe('Only entries in this state'),
  format: z.enum(['json', 'csv']).default('json').describe('json (default) or csv'),
});

const formatQuery = z.object({
  format: z.enum(['json', 'csv']).default('json').describe('json (default) or csv'),
});

const optionalText = (max: number, description: string) =>
  z.string().max(max).nullable().optional().describe(description);

/** The body of POST /directory/entries: types and sizes checked here, meaning by the use case. */
const createBody = z.object({
  org: z.string().max(20).describe('ODS code of the organisation that improved, e.g. RJ1'),
  metrics: z.array(z.string().max(200)).max(20).describe('The metric ids it improved'),
  title: z.string().max(1_000).describe('Title, 1 to 200 characters'),
  source: optionalText(40, 'facilitator (curators only), nomination (default for others) or learning_review'),
  inquiry: z.number().int().nullable().optional().describe('For a learning review: its inquiry id'),
  what_they_did: z.string().max(12_000).describe('What they did, 1 to 10,000 characters'),
  what_did_not_work: optionalText(12_000, 'What did not work'),
  effort: optionalText(12_000, 'The effort it took'),
  resources: optionalText(12_000, 'The resources it took'),
  period_start: optionalText(20, 'When the improvement began, YYYY-MM-DD'),
  period_end: optionalText(20, 'When it was sustained until, YYYY-MM-DD'),
});

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

/** Every problem with a JSON body as VALIDATION_FAILED (422), `field: problem` each. */
function validateBody<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw new AppError(
    'VALIDATION_FAILED',
    `The directory entry has ${problems.length} problem(s): ${problems.join('; ')}`,
    { details: problems },
  );
}

export async function registerDirectoryApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/directory/candidates',
    {
      schema: routeSchema({
        summary: 'Candidates for the improvement directory on one metric',
        description:
          'Organisations and teams whose charts show sustained improvement (a shift or trend on the improvement side among the latest points, on settled limits), read on the rate where the metric is a count with one, or that were in the best quarter of their peers in every period of the last year. Never a flat or all-zero series, a drop to zero in one step, an organisation that no longer reports, or trial limits. Each is a suggestion — candidate, not yet confirmed — and carries no contact details.',
        querystring: candidatesQuery,
        ok: 'The metric, the metric it was read on, and the candidates, as `candidates`',
        notFound: 'No metric with that id that you can read',
      }),
    },
    async (request, reply) => {
      const query = validate(candidatesQuery, request.query);
      const found = await candidatesForMetric(request.useCase(), query.metric);
      if (query.format === 'csv')
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="tend-candidates-${found.metric.id}.csv"`)
          .send(candidatesCsv(found));
      return {
        metric: { id: found.metric.id, name: found.metric.name },
        readOn: { id: found.readOn.id, name: found.readOn.name },
        latestPeriod: found.latestPeriod,
        seriesRead: found.seriesRead,
        excluded: found.excludedCounts,
        candidates: found.candidates.map((candidate) => candidateView(found, candidate)),
      };
    },
  );

  app.get(
    '/directory/entries',
    {
      schema: routeSchema({
        summary: 'Directory entries the caller may read',
        description:
          'Published and stale entries are read by everyone; candidate, invited and withdrawn ones by improvement facilitators, national oversight and the entry organisation’s people. Searched by metric, organisation, change idea and free text. Contacts are given with one entry (`/directory/entries/{id}`), never in the list; the most recently changed first, 50 to a page (`page`, with `hasNext` saying whether another follows); the CSV holds every match, up to 5,000.',
        querystring: entriesQuery,
        ok: 'The entries, as `entries`, with `page` and `hasNext`',
      }),
    },
    async (request, reply) => {
      const query = validate(entriesQuery, request.query);
      const search = directorySearchSchema.parse(query);
      const context = request.useCase();
      if (query.format === 'csv')
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="tend-directory-entries.csv"')
          .send(entriesCsv(await searchEntries(context, search, DIRECTORY_CSV_ENTRIES)));
      return searchEntryPage(context, search);
    },
  );

  app.get(
    '/directory/entries/:id',
    {
      schema: routeSchema({
        summary: 'One directory entry',
        description:
          'An entry the caller may read, with its metrics, versions of what they did, the chart frozen at publication, contacts (each email only where the contact’s consent lets the caller see it), change ideas and adoptions. One the caller may not read answers 404.',
        params: z.object({
          id: z
            .string()
            .regex(/^[1-9]\d{0,8}$/, 'must be an entry id')
            .describe('Entry id'),
        }),
        ok: 'The entry, as `entry`',
        notFound: 'No directory entry with that id that you can read',
      }),
    },
    async (request) => {
      const id = Number((request.params as { id: string }).id);
      const detail = Number.isInteger(id) ? await findEntryDetail(request.useCase(), id) : null;
      if (!detail)
        throw new AppError('NOT_FOUND', 'There is no directory entry with that id that you can read.');
      const { entry } = detail;
      return {
        entry: {
          id: entry.id,
          url: `/improvement/entries/${entry.id}`,
          org: { code: entry.org_code, name: entry.org_name },
          title: entry.title,
          state: detail.state,
          source: entry.source,
          periodStart: entry.period_start,
          periodEnd: entry.period_end,
          effort: entry.effort,
          resources: entry.resources,
          metrics: detail.metrics.map((metric) => ({ id: metric.metric_id, name: metric.metric_name })),
          versions: detail.versions.map((version) => ({
            version: version.version,
            whatTheyDid: version.what_they_did,
            whatDidNotWork: version.what_did_not_work,
            writtenAt: version.written_at.toISOString(),
          })),
          evidence: detail.evidence.map(({ svg: _svg, ...rest }) => rest),
          contacts: detail.contacts.map((contact) => ({
            name: contact.name,
            role: contact.role,
            email: contact.email,
            consent: contact.consentScope,
            reviewBy: contact.reviewBy,
          })),
          changeIdeas: detail.changeIdeas.map((idea) => ({
            id: idea.id,
            name: idea.name,
            summary: idea.summary,
          })),
          adoptions: detail.adoptions.map((adoption) => ({
            org: { code: adoption.org_code, name: adoption.org_name },
            adoptedOn: adoption.adopted_on,
            outcome: adoption.outcome,
            howItWent: adoption.how_it_went,
          })),
          version: entry.version,
          isExample: entry.is_example,
        },
      };
    },
  );

  app.post(
    '/directory/entries',
    {
      schema: {
        ...routeSchema({
          summary: 'Add an entry to the directory, or nominate one’s own organisation',
          ok: '',
        }),
        description:
          'Adds an entry in state candidate: improvement facilitators and national oversight for any organisation, an organisation’s contributors and administrators as a nomination of their own. From a learning review with `inquiry`. Every field problem is listed at once.',
        body: jsonSchema(createBody),
        docResponses: (() => {
          const {
            200: _ok,
            404: _nf,
            ...rest
          } = docResponses('', {
            401: 'No one is signed in (send `Authorization: Bearer <token>`, or a session cookie with `x-csrf-token`)',
            403: 'You may not add an entry for this organisation',
            422: 'Field problems, each in `details` as `field: problem`',
          });
          return { 201: { description: 'The entry, as `entry` (id, state)', type: 'object' }, ...rest };
        })(),
      },
    },
    async (request, reply) => {
      const context = request.useCase();
      // Who may add any entry at all is known before the body is read.
      authorise(
        context,
        curatesDirectory(context.actor) || writerOf(context.actor).length > 0,
        'add an entry to the directory',
      );
      const body = validateBody(createBody, request.body);
      const entry = await createEntry(context, body);
      return reply
        .status(201)
        .send({ entry: { id: entry.id, state: entry.state, url: `/improvement/entries/${entry.id}` } });
    },
  );

  app.get(
    '/directory/coverage',
    {
      schema: routeSchema({
        summary: 'The improvement directory’s coverage',
        description:
          'Per metric that is scored in the NHS Oversight Framework or has open concerns: published entries against the goal of three, the gap with its candidates, and how many open concerns have three or more offers of help; with the share of England’s open concerns that have three or more.',
        querystring: formatQuery,
        ok: 'The coverage, as `coverage`',
      }),
    },
    async (request, reply) => {
      const query = validate(formatQuery, request.query);
      const coverage = await directoryCoverage(request.useCase());
      if (query.format === 'csv')
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="tend-directory-coverage.csv"')
          .send(coverageCsv(coverage));
      return { coverage };
    },
  );
}
