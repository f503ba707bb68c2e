import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { pageQuery } from '../../page-input.ts';
import { sendPage } from '../../render.ts';
import { presentLeagueTables } from './present.ts';

const slugPattern = /^[a-z0-9-]{1,80}$/;
/** A quarter that is not one Tend holds gets the not-found page, which lists those it does. */
const leagueTableQuery = z.object({
  quarter: z.string().trim().max(40, 'quarter: must be a quarter such as "Q4 2025/26"').optional(),
});

type LeagueRequest = { Params: { slug?: string }; Querystring: { quarter?: string } };

/** League tables: every trust type for a quarter, or one type. */
export async function registerLeagueTablePages(app: FastifyInstance): Promise<void> {
  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string | undefined,
    quarter: unknown,
  ) => {
    const query = pageQuery(leagueTableQuery, { quarter });
    const page = await presentLeagueTables(app.store.db, {
      slug: slug !== undefined && !slugPattern.test(slug) ? '-' : slug,
      quarter: query.quarter,
    });
    if (!page.found)
      return reply.status(404).view('pages/league-tables/none.njk', {
        pageName: 'League table not found',
        ...page,
      });
    const single = slug ? page.tables[0].type : null;
    return sendPage(request, reply, 'pages/league-tables/index.njk', {
      pageName: single ? `${single} league table, ${page.quarter}` : `League tables, ${page.quarter}`,
      single,
      ...page,
    });
  };
  app.get<LeagueRequest>('/league-tables', async (request, reply) =>
    show(request, reply, undefined, request.query.quarter),
  );
  app.get<LeagueRequest>('/league-tables/:slug', async (request, reply) =>
    show(request, reply, request.params.slug, request.query.quarter),
  );
}
