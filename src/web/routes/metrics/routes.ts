import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isTeamMetricId } from '../../../app/teams/access.ts';
import { pageParams } from '../../page-input.ts';
import { sendPage } from '../../render.ts';
import { directorySection } from '../directory/section.ts';
import { metricIdPattern } from '../organisations/present.ts';

const metricPageParams = z.object({ id: z.string().regex(metricIdPattern) });

import { presentMetric, presentMetricList } from './present.ts';

/** Metric pages: the catalogue by domain, and one metric across organisations. */
export async function registerMetricPages(app: FastifyInstance): Promise<void> {
  app.get('/metrics', async (request, reply) => {
    const page = await presentMetricList(app.store.db);
    return sendPage(request, reply, 'pages/metrics/index.njk', { pageName: 'Metrics', ...page });
  });

  app.get<{ Params: { id: string } }>('/metrics/:id', async (request, reply) => {
    const params = pageParams(metricPageParams, request.params);
    // One metric across organisations is a national page: a team's own indicator is on its team's page.
    const page = params && !isTeamMetricId(params.id) && (await presentMetric(app.store.db, params.id));
    if (!page)
      return reply.status(404).view('pages/metrics/not-found.njk', {
        pageName: 'Page not found',
        id: request.params.id.slice(0, 64),
      });
    return sendPage(request, reply, 'pages/metrics/show.njk', {
      pageName: page.metric.name,
      ...page,
      ...(await directorySection(request.useCase(), page.metric.id, null)),
    });
  });
}
