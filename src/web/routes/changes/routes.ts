import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { pageQuery } from '../../page-input.ts';
import { sendPage } from '../../render.ts';
import { presentChanges } from './present.ts';

/** A quarter as the league tables take it ("Q2 2025/26"); one Tend does not hold gets the not-found page. */
export const quarterQuery = z.object({
  quarter: z
    .string()
    .trim()
    .max(40, 'must be a quarter such as "Q2 2025/26"')
    .optional()
    .transform((value) => value || undefined),
});

/** The national "what changed this quarter" page and its CSV. */
export async function registerChangesPages(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { quarter?: string } }>('/changes', async (request, reply) => {
    const { quarter } = pageQuery(quarterQuery, { quarter: request.query.quarter });
    const page = await presentChanges(app.store.db, quarter);
    if (!page.found)
      return reply.status(404).view('pages/changes/none.njk', { pageName: 'Changes not found', ...page });
    return sendPage(request, reply, 'pages/changes/index.njk', {
      pageName: `What changed in ${page.quarter}`,
      ...page,
    });
  });
}
