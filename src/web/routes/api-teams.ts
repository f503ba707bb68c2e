import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authorise } from '../../app/context.ts';
import { authoriseTeam, requireReadableIndicator, requireTeam } from '../../app/teams/access.ts';
import { listTeamsOf, teamView, withLatest } from '../../app/teams/read.ts';
import { createTeam, createTeamIndicator, enterTeamValues } from '../../app/teams/write.ts';
import { AppError } from '../../errors.ts';
import { formatIssue } from '../../ingest/cells.ts';
import { canCreateTeam } from '../../policies/team.ts';
import { docResponses, routeSchema, validate } from './api.ts';

const codePattern = /^[A-Za-z0-9]{2,10}$/;

const listQuery = z.object({
  org: z
    .string()
    .trim()
    .regex(codePattern, 'must be an ODS code')
    .optional()
    .describe('The organisation whose teams to list, e.g. RYY; leave out for every team'),
});
const teamParams = z.object({
  id: z.string().regex(codePattern, 'must be a team code').describe('The team’s code, e.g. RYYT01'),
});
const indicatorParams = teamParams.extend({
  indicator: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,80}$/, 'must be an indicator id')
    .describe(
      'The indicator’s short id (e.g. continuity-of-carer) or its metric id (team.RYYT01.continuity-of-carer)',
    ),
});

const teamBody = z.object({
  org: z.string().max(20).describe('The organisation the team belongs to, e.g. RYY'),
  name: z.string().max(500).describe('The team’s name, e.g. Maternity'),
  code: z
    .string()
    .max(20)
    .optional()
    .describe('Its code (3 to 9 letters and digits); by default the organisation’s code, T and a number'),
});
const indicatorBody = z.object({
  name: z.string().max(500).describe('The indicator’s name'),
  slug: z
    .string()
    .max(80)
    .optional()
    .describe('Short id (lower case and hyphens); by default made from the name'),
  definition: z.string().max(5000).describe('How it is measured'),
  unit: z.string().max(20).describe('%, count, rate, days, hours, minutes, ratio or £'),
  direction: z.string().max(40).describe('higher_is_better, lower_is_better or neutral'),
  target: z
    .union([z.number(), z.string().max(40), z.null()])
    .optional()
    .describe('Optional target'),
  whyItMatters: z.string().max(10_000).describe('Why it matters to the team'),
  visibility: z.string().max(40).describe('public, or organisation (its people and those who oversee it)'),
});
const valuesBody = z.object({
  values: z
    .array(
      z.object({
        period: z.string().max(20).describe('YYYY-MM (a month) or YYYY-MM-DD (a day)'),
        value: z.union([z.number(), z.string().max(40), z.null()]).describe('The figure; null when missing'),
        note: z.string().max(2000).nullable().optional().describe('Free text kept beside the figure'),
      }),
    )
    .max(10_000)
    .describe('The values, one per period'),
});

/** Every problem with a JSON body as VALIDATION_FAILED (422), `field: problem` each. */
function validateBody<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw new AppError(
    'VALIDATION_FAILED',
    `The request has ${problems.length} problem(s): ${problems.join('; ')}`,
    {
      details: problems,
    },
  );
}

function jsonSchema(schema: z.ZodType) {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

const writeResponses = (created: string, who: string) => {
  const {
    200: _ok,
    400: _bad,
    ...errors
  } = docResponses('', {
    401: 'No one is signed in (send `Authorization: Bearer <token>`)',
    403: who,
    404: 'No team has that code (or no indicator that you can read has that id)',
    422: 'Field problems, each in `details` as `field: problem`',
  });
  return { 201: { description: created, type: 'object' }, ...errors };
};

/**
 * The teams API: an organisation's teams, a team's own indicators (those the caller may read), and
 * adding teams, indicators and values. Values go through the import, as the tidy template with a
 * `team` column does: all or none, every problem listed.
 */
export async function registerTeamApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/teams',
    {
      schema: routeSchema({
        summary: 'Teams: every team, or an organisation’s',
        description:
          'Teams are units inside an organisation, with their own people and indicators. Their names and codes are public.',
        querystring: listQuery,
        ok: 'The teams, as `teams`: code, name, and the organisation they belong to',
      }),
    },
    async (request) => {
      const query = validate(listQuery, request.query);
      const teams = await listTeamsOf(request.useCase(), query.org?.toUpperCase());
      return {
        teams: teams.map((team) => ({
          code: team.code,
          name: team.name,
          org: { code: team.parent_code, name: team.parent_name },
        })),
      };
    },
  );

  app.post(
    '/teams',
    {
      schema: {
        ...routeSchema({
          summary: 'Add a team to an organisation',
          description: 'For the organisation’s admins. Its people are then given roles on the team’s code.',
          ok: 'The team, as `team` (201)',
        }),
        body: jsonSchema(teamBody),
        docResponses: writeResponses('The team added, as `team`', 'You are not an admin of the organisation'),
      },
    },
    async (request, reply) => {
      const context = request.useCase();
      // Who may add a team is known from the organisation alone: refused before the body is checked.
      const sent = (request.body ?? {}) as { org?: unknown };
      authorise(
        context,
        canCreateTeam(context.actor, typeof sent.org === 'string' ? sent.org.trim().toUpperCase() : ''),
        'add teams to this organisation',
      );
      const body = validateBody(teamBody, request.body);
      const team = await createTeam(context, body);
      return reply.status(201).send({
        team: { code: team.code, name: team.name, org: { code: team.parent_code, name: team.parent_name } },
      });
    },
  );

  app.get(
    '/teams/:id/indicators',
    {
      schema: routeSchema({
        summary: 'A team’s own indicators that the caller may read',
        description:
          'Public indicators for everyone; organisation-only ones for the team’s and the organisation’s people and those who oversee the organisation. Each with its definition, target, why it matters, latest value and the address of its chart.',
        params: teamParams,
        ok: 'The team, as `team`, and its indicators, as `indicators`',
        notFound: 'No team has that code',
      }),
    },
    async (request) => {
      const { id } = validate(teamParams, request.params);
      const view = await teamView(request.useCase(), id);
      return {
        team: {
          code: view.team.code,
          name: view.team.name,
          org: { code: view.team.parent_code, name: view.team.parent_name },
        },
        indicators: view.indicators,
      };
    },
  );

  app.post(
    '/teams/:id/indicators',
    {
      schema: {
        ...routeSchema({
          summary: 'Define a team indicator',
          description:
            'For the team’s admins and the organisation’s admins. It becomes the metric `team.<TEAM>.<slug>`, with the same SPC chart and annotations as any metric.',
          params: teamParams,
          ok: 'The indicator, as `indicator` (201)',
        }),
        body: jsonSchema(indicatorBody),
        docResponses: writeResponses(
          'The indicator defined, as `indicator`',
          'You do not administer the team',
        ),
      },
    },
    async (request, reply) => {
      const { id } = validate(teamParams, request.params);
      const context = request.useCase();
      authoriseTeam(context, 'administer', await requireTeam(context, id));
      const body = validateBody(indicatorBody, request.body);
      const created = await createTeamIndicator(context, id, body);
      const [indicator] = await withLatest(context, [created]);
      return reply.status(201).send({ indicator });
    },
  );

  app.post(
    '/teams/:id/indicators/:indicator/values',
    {
      schema: {
        ...routeSchema({
          summary: 'Enter values of a team indicator',
          description:
            'For the team’s contributors and admins (and the organisation’s admins). Imported as the tidy template with a `team` column is: all of them or none, every problem listed; a value for a period already held replaces it (the earlier one is kept in history).',
          params: indicatorParams,
          ok: 'The import’s summary, as `import` (201)',
        }),
        body: jsonSchema(valuesBody),
        docResponses: writeResponses(
          'The values imported: counts, as `import`',
          'You do not enter values for the team',
        ),
      },
    },
    async (request, reply) => {
      const params = validate(indicatorParams, request.params);
      const context = request.useCase();
      const team = await requireTeam(context, params.id);
      const indicator = await requireReadableIndicator(context, team, params.indicator);
      authoriseTeam(context, 'enter-values', team);
      const body = validateBody(valuesBody, request.body);
      const result = await enterTeamValues(
        { ...context, store: app.store },
        team.code,
        indicator.slug,
        body.values,
      );
      const { issues, phaseSeconds: _phases, ...summary } = result;
      return reply.status(201).send({ import: { ...summary, problems: issues.map(formatIssue) } });
    },
  );
}
