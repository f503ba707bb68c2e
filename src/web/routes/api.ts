import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';
import { listSeriesAnnotations, notesInPeriod, numberForChart } from '../../app/annotations/read.ts';
import { assessFromStore, explainFromStore, leagueTableColumns } from '../../app/assessment.ts';
import { metricCoverage, observationSeries, organisationDetail } from '../../app/catalogue.ts';
import { observationsCsv, toCsv } from '../../app/csv.ts';
import { latestAcrossOrganisations } from '../../app/metric-across.ts';
import { coverageFromStore, publishedLeagueTable } from '../../app/nof-coverage.ts';
import { requireReadableMetric } from '../../app/teams/access.ts';
import { parseQuarterLabel } from '../../domain/quarter.ts';
import { AppError } from '../../errors.ts';
import { listMetrics } from '../../store/repos/metric-repo.ts';
import { listOrganisations } from '../../store/repos/organisation-repo.ts';
import { registerAnnotationApi } from './api-annotations.ts';
import { registerBoardApi } from './api-boards.ts';
import { registerCapabilityApi } from './api-capability.ts';
import { registerCircleApi } from './api-circles.ts';
import { registerDirectoryApi } from './api-directory.ts';
import { registerEscalationApi } from './api-escalations.ts';
import { registerFinanceApi } from './api-finance.ts';
import { registerFollowUpApi } from './api-follow-ups.ts';
import { registerGroupApi } from './api-groups.ts';
import { registerImportApi } from './api-imports.ts';
import { registerInquiryApi } from './api-inquiries.ts';
import { registerListeningApi } from './api-listening.ts';
import { organisationNarrativesJson, registerNarrativeApi } from './api-narratives.ts';
import { registerPeerReviewApi } from './api-peer-reviews.ts';
import { registerReviewApi } from './api-reviews.ts';
import { registerRiskSharingApi } from './api-risk-sharing.ts';
import { registerSignalApi } from './api-signals.ts';
import { registerTeamApi } from './api-teams.ts';

/** Validates input with a Zod schema; a failure is a 400 listing every problem. */
export function validate<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`,
  );
  throw new AppError('BAD_REQUEST', `The request has ${problems.length} problem(s): ${problems.join('; ')}`, {
    details: problems,
  });
}

/**
 * A Fastify route schema for the OpenAPI description, generated from the Zod schemas the route
 * validates with. Zod stays the validator (see `registerApiRoutes`), so errors keep Tend's shape.
 */
export function routeSchema(route: {
  summary: string;
  description?: string;
  params?: z.ZodType;
  querystring?: z.ZodType;
  /** What a 200 holds. */
  ok: string;
  /** When the route answers 404, and why. */
  notFound?: string;
}): FastifySchema & {
  summary: string;
  description?: string;
  tags: string[];
  docResponses: ReturnType<typeof docResponses>;
} {
  const json = (schema: z.ZodType) => {
    const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
    return rest;
  };
  return {
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: ['api'],
    ...(route.params ? { params: json(route.params) } : {}),
    ...(route.querystring ? { querystring: json(route.querystring) } : {}),
    docResponses: docResponses(route.ok, route.notFound ? { 404: route.notFound } : {}),
  };
}

/**
 * Response descriptions for the OpenAPI description only: the app's swagger `transform` moves them
 * to `response`, so Fastify never serialises with them.
 */
export function docResponses(ok: string, extra: Record<number, string> = {}): Record<string, object> {
  const error = (description: string) => ({
    description,
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          message: { type: 'string' },
          details: { type: 'array', items: {} },
        },
        required: ['code', 'message', 'details'],
      },
    },
  });
  return {
    200: { description: ok, type: 'object' },
    400: error('The request has problems; `details` lists every one'),
    ...Object.fromEntries(Object.entries(extra).map(([status, description]) => [status, error(description)])),
  };
}

const organisationsQuery = z.object({
  kind: z
    .enum(['trust', 'icb', 'region', 'country', 'group', 'team', 'independent_provider', 'other_provider'])
    .optional()
    .describe('Only organisations of this kind'),
  search: z.string().trim().min(1).max(100).optional().describe('Text the name or ODS code contains'),
  limit: z.coerce.number().int().min(1).max(5000).optional().describe('At most this many organisations'),
});
const codeParams = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'must be an ODS code (letters and digits)')
    .describe('ODS organisation code, e.g. RYY'),
});
const metricParams = z.object({
  id: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a metric id')
    .describe('Metric id, e.g. ae-4hr-type1 or OF5002'),
});
const observationsQuery = z.object({
  org: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'must be an ODS code')
    .describe('ODS organisation code, e.g. RJ1'),
  metric: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a metric id')
    .describe('Metric id, e.g. ae-4hr-type1'),
  format: z.enum(['json', 'csv']).default('json').describe('json (default) or csv'),
});

const latestQuery = z.object({
  format: z.enum(['json', 'csv']).default('json').describe('json (default) or csv'),
});

const assessmentParams = z.object({
  framework: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]{3,40}$/, 'must be a framework id such as nof-2025-26')
    .describe('Framework id, e.g. nof-2025-26'),
  quarter: z
    .string()
    .trim()
    .regex(/^Q[1-4] \d{4}\/\d{2}$/, 'must be a quarter such as "Q4 2025/26" (URL-encoded)')
    .refine(
      (value) => parseQuarterLabel(value) !== undefined,
      'the two halves of the year must follow on, e.g. 2025/26',
    )
    .describe('Quarter, URL-encoded, e.g. Q4%202025%2F26'),
});
const assessmentQuery = z.object({
  trustType: z.string().trim().min(1).max(100).optional().describe('Only trusts of this type'),
  format: z.enum(['json', 'csv']).default('json').describe('json (default) or csv'),
});

/** The versioned JSON API: organisations, metrics, coverage, observations and assessments. */
export async function registerApiRoutes(app: FastifyInstance): Promise<void> {
  // Route schemas describe the API (OpenAPI at /api/docs); Zod validates, through `validate`, so
  // every problem is listed in Tend's error shape. Fastify's own validation is switched off here.
  app.setValidatorCompiler(() => () => true);
  await app.register(registerAnnotationApi);
  await app.register(registerNarrativeApi);
  await app.register(registerInquiryApi);
  await app.register(registerReviewApi);
  await app.register(registerDirectoryApi);
  await app.register(registerImportApi);
  await app.register(registerTeamApi);
  await app.register(registerSignalApi);
  await app.register(registerFollowUpApi);
  await app.register(registerEscalationApi);
  await app.register(registerCircleApi);
  await app.register(registerBoardApi);
  await app.register(registerListeningApi);
  await app.register(registerCapabilityApi);
  await app.register(registerPeerReviewApi);
  await app.register(registerFinanceApi);
  await app.register(registerRiskSharingApi);
  await app.register(registerGroupApi);

  app.get(
    '/organisations',
    {
      schema: routeSchema({
        summary: 'List organisations',
        ok: 'The organisations, as `organisations`',
        querystring: organisationsQuery,
      }),
    },
    async (request) => {
      const query = validate(organisationsQuery, request.query);
      return { organisations: await listOrganisations(app.store.db, query) };
    },
  );

  app.get(
    '/organisations/:code',
    {
      schema: routeSchema({
        summary: 'One organisation with its region, ICB (both mappings) and group memberships',
        params: codeParams,
        ok: 'The organisation, as `organisation`, and the narratives the caller may read, as `narratives`',
        notFound: 'No organisation has that code',
      }),
    },
    async (request) => {
      const { code } = validate(codeParams, request.params);
      const organisation = await organisationDetail(app.store.db, code);
      return {
        organisation,
        narratives: await organisationNarrativesJson(request.useCase(), organisation.code),
      };
    },
  );

  app.get(
    '/metrics',
    { schema: routeSchema({ summary: 'The metric catalogue', ok: 'The metrics, as `metrics`' }) },
    async () => ({ metrics: await listMetrics(app.store.db) }),
  );

  app.get(
    '/metrics/:id/coverage',
    {
      schema: routeSchema({
        summary: 'Organisations and periods with data for one metric',
        params: metricParams,
        ok: 'Coverage of the metric',
        notFound: 'No metric has that id',
      }),
    },
    async (request) => {
      const { id } = validate(metricParams, request.params);
      await requireReadableMetric(request.useCase(), id);
      return await metricCoverage(app.store.db, id);
    },
  );

  app.get(
    '/metrics/:id/latest',
    {
      schema: routeSchema({
        summary: "Every organisation's latest value of one metric, ranked among its peers",
        description:
          'Peers are trusts of the same NHS Oversight Framework type, else organisations of the same kind, with a value for the same period. Rank 1 is the best value; equal values share a rank; a metric with no better direction (a flag, an activity count) has no rank (null). Each row carries its SPC variation icon and whether its limits are settled (13 points or more); on trial limits there is no icon.',
        params: metricParams,
        querystring: latestQuery,
        ok: 'The metric, its latest period, and one row per organisation with a value, as `readings`',
        notFound: 'No metric has that id',
      }),
    },
    async (request, reply) => {
      const { id } = validate(metricParams, request.params);
      const { format } = validate(latestQuery, request.query);
      await requireReadableMetric(request.useCase(), id);
      const latest = await latestAcrossOrganisations(app.store.db, id);
      if (format === 'csv') {
        const columns = [
          'org_code',
          'name',
          'trust_type',
          'period_start',
          'value',
          'peer_rank',
          'peer_count',
          'variation_icon',
          'latest_point_type',
          'settled_limits',
        ];
        return reply
          .type('text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="tend-latest-${latest.metric.id.replace(/[^A-Za-z0-9_.-]/g, '-')}.csv"`,
          )
          .send(
            toCsv(
              columns,
              latest.readings.map((row) => [
                row.code,
                row.name,
                row.trustType,
                row.period,
                row.value,
                row.peerRank,
                row.peerCount,
                row.variationIcon,
                row.latestPointType,
                row.settledLimits,
              ]),
            ),
          );
      }
      const { id: metricId, name, unit, direction } = latest.metric;
      return {
        metric: { id: metricId, name, unit, direction },
        granularity: latest.granularity,
        latestPeriod: latest.latestPeriod,
        readings: latest.readings,
      };
    },
  );

  app.get(
    '/assessments/:framework/:quarter',
    {
      schema: routeSchema({
        summary: 'Oversight Framework league table for a quarter',
        params: assessmentParams,
        querystring: assessmentQuery,
        ok: 'The league table (JSON, or CSV with format=csv)',
        notFound: 'The framework or quarter is not held',
      }),
    },
    async (request, reply) => {
      const params = validate(assessmentParams, request.params);
      const query = validate(assessmentQuery, request.query);
      const assessment = await assessFromStore(app.store.db, { ...params, trustType: query.trustType });
      if (query.format === 'csv') {
        reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="${params.framework}-${params.quarter.replace(/[ /]/g, '-')}.csv"`,
          );
        return toCsv(
          leagueTableColumns,
          assessment.trusts.map((row) => leagueTableColumns.map((column) => row[column])),
        );
      }
      const published = await publishedLeagueTable(app.store.db, assessment.quarter);
      return {
        framework: assessment.framework,
        quarter: assessment.quarter,
        coverage: await coverageFromStore(app.store.db),
        likelyRanges:
          "The trusts' Likely_range columns are Tend's own estimate (a bootstrap of each trust's metric scores); NHS England's published likely ranges, where Tend holds them, are under publishedLikelyRanges.",
        cutPoints: assessment.cutPoints,
        trusts: assessment.trusts,
        publishedLikelyRanges: assessment.trusts
          .filter((row) => published.has(row.Trust_code))
          .map((row) => {
            const figures = published.get(row.Trust_code);
            return {
              Trust_code: row.Trust_code,
              Likely_range_of_average_score: figures?.averageRange ?? null,
              Likely_range_of_rank: figures?.rankRange ?? null,
            };
          }),
      };
    },
  );

  app.get(
    '/assessments/:framework/:quarter/:code',
    {
      schema: routeSchema({
        summary: "Why one trust sits where it does in a quarter's league table",
        params: assessmentParams.extend(codeParams.shape),
        ok: 'The explanation, as `explanation`',
        notFound: 'The trust, framework or quarter is not held',
      }),
    },
    async (request) => {
      const params = validate(assessmentParams.extend(codeParams.shape), request.params);
      return {
        explanation: await explainFromStore(app.store.db, {
          framework: params.framework,
          quarter: params.quarter,
          org: params.code,
        }),
      };
    },
  );

  app.get(
    '/observations',
    {
      schema: routeSchema({
        summary: "One organisation's series of one metric, with status and provenance",
        querystring: observationsQuery,
        ok: "The series (JSON, or CSV with format=csv, whose last column names the chart's annotations in each period that the caller may read)",
        notFound: 'The organisation or metric is not held',
      }),
    },
    async (request, reply) => {
      const query = validate(observationsQuery, request.query);
      await requireReadableMetric(request.useCase(), query.metric);
      const series = await observationSeries(app.store.db, query.org, query.metric);
      if (query.format === 'csv') {
        reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="${series.organisation.code}-${series.metric.id}.csv"`,
          );
        const notes = numberForChart(
          await listSeriesAnnotations(request.useCase(), series.organisation.code, series.metric.id),
        );
        return observationsCsv(series.observations, {
          annotation: (row) => notesInPeriod(notes, row.period_start, row.period_end),
        });
      }
      return {
        organisation: { code: series.organisation.code, name: series.organisation.name },
        metric: series.metric,
        observations: series.observations,
        ...(series.observations.length === 0
          ? {
              message: `${series.organisation.code} has no observations of ${series.metric.id}; ${series.organisationsWithMetric} organisation(s) do.`,
              metricsForOrganisation: series.metricsForOrganisation,
            }
          : {}),
      };
    },
  );
}
