import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readSignals } from '../../../app/signals/read.ts';
import { pageParams } from '../../page-input.ts';
import { sendPage } from '../../render.ts';
import { followThroughSectionFor } from '../follow-ups/section.ts';
import { odsCodePattern } from '../organisations/present.ts';
import { presentRegion, presentRegionList } from './present.ts';

const regionPageParams = z.object({ code: z.string().regex(odsCodePattern) });

/** Region pages: NHS England's regions, and one region with its ICBs, trusts, segments and signals. */
export async function registerRegionPages(app: FastifyInstance): Promise<void> {
  app.get('/regions', async (request, reply) => {
    const page = await presentRegionList(app.store.db);
    return sendPage(request, reply, 'pages/regions/index.njk', { pageName: 'Regions', ...page });
  });

  app.get<{ Params: { code: string } }>('/regions/:code', async (request, reply) => {
    const params = pageParams(regionPageParams, request.params);
    const page = params && (await presentRegion(app.store.db, params.code));
    if (!page)
      return reply.status(404).view('pages/not-found.njk', {
        pageName: 'Page not found',
        heading: 'Page not found',
        message: `No region has the code "${request.params.code.slice(0, 40)}". The list of regions has every one Tend holds.`,
        search: null,
      });
    // Per reader: signals on a team's organisation-only indicator are only for those who may read it.
    const signals = await readSignals(request.useCase(), { regionCode: page.region.code }, 10);
    return sendPage(request, reply, 'pages/regions/show.njk', {
      pageName: page.region.name,
      ...page,
      ...(await followThroughSectionFor(request.useCase(), 'region', page.region.code, page.region.name)),
      regionSignals: {
        openCount: signals.total,
        unstartedConcerns: signals.unstartedConcerns,
        href: `/signals?region=${encodeURIComponent(page.region.code)}`,
        rows: signals.rows.map((row) => ({
          href: `/signals/${row.id}`,
          organisation: row.org_name,
          metric: row.metric_name,
          kind: row.kind.replace(/_/g, ' '),
          status: row.status.replace(/_/g, ' '),
        })),
      },
    });
  });
}
