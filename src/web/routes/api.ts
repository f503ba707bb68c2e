import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { assessFromStore, explainFromStore, leagueTableColumns } from '../../app/assessment.ts';
import { metricCoverage, observationSeries, organisationDetail } from '../../app/catalogue.ts';
import { observationsCsv, toCsv } from '../../app/csv.ts';
import { AppError } from '../../errors.ts';
import { listMetrics } from '../../store/repos/metric-repo.ts';
import { listOrganisations } from '../../store/repos/organisation-repo.ts';

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

const organisationsQuery = z.object({
  kind: z
    .enum(['trust', 'icb', 'region', 'country', 'group', 'team', 'independent_provider', 'other_provider'])
    .optional(),
  search: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});
const codeParams = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'must be an ODS code (letters and digits)'),
});
const metricParams = z.object({
  id: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a metric id'),
});
const observationsQuery = z.object({
  org: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'must be an ODS code'),
  metric: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a metric id'),
  format: z.enum(['json', 'csv']).default('json'),
});

const assessmentParams = z.object({
  framework: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]{3,40}$/, 'must be a framework id such as nof-2025-26'),
  quarter: z
    .string()
    .trim()
    .regex(/^Q[1-4] \d{4}\/\d{2}$/, 'must be a quarter such as "Q4 2025/26" (URL-encoded)'),
});
const assessmentQuery = z.object({
  trustType: z.string().trim().min(1).max(100).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

/** The versioned JSON API: organisations, metrics, coverage, observations and assessments. */
export async function registerApiRoutes(app: FastifyInstance): Promise<void> {
  app.get('/organisations', async (request) => {
    const query = validate(organisationsQuery, request.query);
    return { organisations: await listOrganisations(app.store.db, query) };
  });

  app.get('/organisations/:code', async (request) => {
    const { code } = validate(codeParams, request.params);
    return { organisation: await organisationDetail(app.store.db, code) };
  });

  app.get('/metrics', async () => ({ metrics: await listMetrics(app.store.db) }));

  app.get('/metrics/:id/coverage', async (request) => {
    const { id } = validate(metricParams, request.params);
    return await metricCoverage(app.store.db, id);
  });

  app.get('/assessments/:framework/:quarter', async (request, reply) => {
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
    return {
      framework: assessment.framework,
      quarter: assessment.quarter,
      cutPoints: assessment.cutPoints,
      trusts: assessment.trusts,
    };
  });

  app.get('/assessments/:framework/:quarter/:code', async (request) => {
    const params = validate(assessmentParams.extend(codeParams.shape), request.params);
    return {
      explanation: await explainFromStore(app.store.db, {
        framework: params.framework,
        quarter: params.quarter,
        org: params.code,
      }),
    };
  });

  app.get('/observations', async (request, reply) => {
    const query = validate(observationsQuery, request.query);
    const series = await observationSeries(app.store.db, query.org, query.metric);
    if (query.format === 'csv') {
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${series.organisation.code}-${series.metric.id}.csv"`,
        );
      return observationsCsv(series.observations);
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
  });
}
