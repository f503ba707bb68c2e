import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SIGNAL_AGES, signalFilter, signalQuery } from '../../app/signals/filter.ts';
import { readSignals, signalsCsv, signalView } from '../../app/signals/read.ts';
import { requireReadableMetric } from '../../app/teams/access.ts';
import { SIGNAL_KINDS, SIGNAL_STATUSES } from '../../domain/signal.ts';
import { routeSchema, validate } from './api.ts';

/** The query of GET /signals as the API documents it; `signalQuery` validates it. */
const documentedQuery = z.object({
  org: z.string().optional().describe("ODS code: the organisation's signals and its teams', e.g. RJ1"),
  icb: z.string().optional().describe("ICB code: its member organisations' signals, e.g. QKK"),
  region: z
    .string()
    .optional()
    .describe("NHS England region code: its member organisations' signals, e.g. Y56"),
  metric: z.string().optional().describe('Metric id, e.g. ae-4hr-all'),
  kind: z
    .enum(SIGNAL_KINDS as [string, ...string[]])
    .optional()
    .describe('Only signals of this kind'),
  status: z
    .enum(['open', 'all', ...SIGNAL_STATUSES] as [string, ...string[]])
    .optional()
    .describe('open (default: every status but closed), all, or one status'),
  age: z
    .enum(Object.keys(SIGNAL_AGES) as [string, ...string[]])
    .optional()
    .describe('How long it has lasted: new (1 point), recent (2 to 6 points), long (more than 6)'),
  conversation: z.enum(['open', 'none']).optional().describe('open: an inquiry is open from it; none: not'),
  format: z.enum(['json', 'csv']).default('json').describe('json (default) or csv'),
});

/** The signals API: the same list, filters and scope as the `/signals` page. */
export async function registerSignalApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/signals',
    {
      schema: routeSchema({
        summary: 'Signals: special cause, assurance, segment changes and questions about the data',
        description:
          'Signal episodes — one per organisation × metric × stretch of consecutive signalling points — with their lifecycle status, concerns first, then the most recent. Signals on national metrics are public; signals on a team’s organisation-only indicator only for those who may read the indicator. `unstartedConcerns` counts the concerns nobody has started talking about (no inquiry opened, not understood).',
        querystring: documentedQuery,
        ok: 'The signals, as `signals`, with `total` and `unstartedConcerns` (or CSV with format=csv)',
        notFound: 'No metric you can read has that id',
      }),
    },
    async (request, reply) => {
      const { format, ...rest } = validate(
        documentedQuery.pick({ format: true }).passthrough(),
        request.query ?? {},
      );
      const query = validate(signalQuery, rest);
      // a team's organisation-only indicator is not there for those who may not read it
      if (query.metric) await requireReadableMetric(request.useCase(), query.metric);
      const list = await readSignals(request.useCase(), signalFilter(query));
      if (format === 'csv')
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="tend-signals.csv"')
          .send(signalsCsv(list.rows));
      return {
        total: list.total,
        unstartedConcerns: list.unstartedConcerns,
        truncated: list.truncated,
        signals: list.rows.map(signalView),
      };
    },
  );
}
