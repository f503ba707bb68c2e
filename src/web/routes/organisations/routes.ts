import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { canReadAudit } from '../../../policies/audit.ts';
import { findOrganisation, listOrganisations } from '../../../store/repos/organisation-repo.ts';
import { pageParams, pageQuery } from '../../page-input.ts';
import { sendPage } from '../../render.ts';
import { chartAnnotations } from '../annotations/present.ts';
import { chartNarrativeSection, organisationNarrativeSection } from '../narratives/present.ts';
import {
  metricIdPattern,
  odsCodePattern,
  organisationsTable,
  presentMetricChart,
  presentOrganisation,
  searchOrganisations,
} from './present.ts';

/** A search is trimmed and cut to 100 characters (a longer one is still a search, not an error). */
const listQuery = z.object({
  search: z
    .string()
    .optional()
    .transform((value) => (value ?? '').trim().slice(0, 100)),
});
const organisationParams = z.object({ code: z.string().regex(odsCodePattern) });
const chartParams = z.object({
  code: z.string().regex(odsCodePattern),
  id: z.string().regex(metricIdPattern),
});

/** The organisation not-found page: says what to try (a search, the list). */
export function organisationNotFound(reply: FastifyReply, code: string, what = 'organisation') {
  const shown = code.slice(0, 40);
  return reply.status(404).view('pages/not-found.njk', {
    pageName: 'Page not found',
    heading: 'Page not found',
    message:
      what === 'organisation'
        ? `No organisation has the code "${shown}". Search for it by name or code, or browse the list.`
        : `Tend holds no ${what} here. Check the metric id, or open the organisation's page for the metrics it holds.`,
    search: what === 'organisation' ? shown : null,
  });
}

/** Organisation pages: the list with search, one organisation, one metric's chart. */
export async function registerOrganisationPages(app: FastifyInstance): Promise<void> {
  app.get('/organisations', async (request, reply) => {
    const { search } = pageQuery(listQuery, request.query);
    const results = search
      ? await searchOrganisations(app.store.db, search)
      : await listOrganisations(app.store.db, { kind: 'trust' });
    return sendPage(request, reply, 'pages/organisations/index.njk', {
      pageName: search ? `Organisations matching “${search}”` : 'Organisations',
      search,
      resultCount: results.length,
      results: organisationsTable(results, search ? `Organisations matching “${search}”` : 'NHS trusts'),
    });
  });

  app.get<{ Params: { code: string } }>('/organisations/:code', async (request, reply) => {
    const params = pageParams(organisationParams, request.params);
    const page = params && (await presentOrganisation(app.store.db, params.code));
    if (!page) return organisationNotFound(reply, request.params.code);
    return sendPage(request, reply, 'pages/organisations/show.njk', {
      pageName: page.organisation.name,
      ...page,
      // Per request, never part of the kept view model: only the organisation's admins see the link.
      canReadAudit: canReadAudit(request.actor, page.organisation.code),
      ...(await organisationNarrativeSection(request.useCase(), page.organisation.code)),
    });
  });

  app.get<{ Params: { code: string; id: string } }>(
    '/organisations/:code/metrics/:id',
    async (request, reply) => {
      const params = pageParams(chartParams, request.params);
      const page = params && (await presentMetricChart(app.store.db, params.code, params.id));
      if (!page) {
        const code = request.params.code;
        const organisation = odsCodePattern.test(code) && (await findOrganisation(app.store.db, code));
        return organisationNotFound(
          reply,
          request.params.code,
          organisation ? 'data for this metric' : 'organisation',
        );
      }
      return sendPage(request, reply, 'pages/organisations/metric.njk', {
        pageName: `${page.metric.name} – ${page.organisation.name}`,
        ...page,
        ...(await chartAnnotations(request, page)),
        ...(await chartNarrativeSection(request.useCase(), page.organisation.code, page.metric.id)),
      });
    },
  );
}
