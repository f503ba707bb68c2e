import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { pageParams } from '../../page-input.ts';
import { sendPage } from '../../render.ts';
import { boardLinksFor } from '../boards/present.ts';
import { systemFinanceSection } from '../finance/present.ts';
import { followThroughSectionFor } from '../follow-ups/section.ts';
import { systemSharedIssueSection } from '../inquiries/present.ts';
import { odsCodePattern } from '../organisations/present.ts';
import { riskSharingSectionFor } from '../risk-sharing/present.ts';
import { systemSignalSection } from '../signals/present.ts';

const systemPageParams = z.object({ code: z.string().regex(odsCodePattern) });

import { presentSystem, presentSystemList } from './present.ts';

/** System pages: the list of integrated care boards, and one ICB with its member trusts. */
export async function registerSystemPages(app: FastifyInstance): Promise<void> {
  app.get('/systems', async (request, reply) => {
    const page = await presentSystemList(app.store.db);
    return sendPage(request, reply, 'pages/systems/index.njk', { pageName: 'Systems', ...page });
  });

  app.get<{ Params: { code: string } }>('/systems/:code', async (request, reply) => {
    const params = pageParams(systemPageParams, request.params);
    const page = params && (await presentSystem(app.store.db, params.code));
    if (!page)
      return reply.status(404).view('pages/systems/not-found.njk', {
        pageName: 'Page not found',
        code: request.params.code.slice(0, 40),
      });
    return sendPage(request, reply, 'pages/systems/show.njk', {
      pageName: page.icb.name,
      ...page,
      ...(await systemSharedIssueSection(request.useCase(), page.icb.code)),
      ...(await systemSignalSection(request.useCase(), page.icb.code)),
      ...(await systemFinanceSection(request.useCase(), page.icb.code)),
      ...(await riskSharingSectionFor(request.useCase(), page.icb.code)),
      ...(await followThroughSectionFor(request.useCase(), 'system', page.icb.code, page.icb.name)),
      ...(await boardLinksFor(request.useCase(), page.icb.code)),
    });
  });
}
