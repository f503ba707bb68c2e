import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { rememberForReader } from '../../../app/reader-cache.ts';
import { findMetrics, searchMaxLength } from '../../../app/search.ts';
import { canReadMetric } from '../../../app/teams/access.ts';
import { isOpenOn } from '../../../domain/organisation.ts';
import { canReadAudit } from '../../../policies/audit.ts';
import { findOrganisation, listOrganisations } from '../../../store/repos/organisation-repo.ts';
import { pageParams, pageQuery } from '../../page-input.ts';
import { sendPage } from '../../render.ts';
import { chartAnnotations } from '../annotations/present.ts';
import { boardLinksFor } from '../boards/present.ts';
import { capabilitySectionFor } from '../capability/present.ts';
import { directorySection } from '../directory/section.ts';
import { organisationEscalationLinks } from '../escalations/present.ts';
import { followThroughSectionFor } from '../follow-ups/section.ts';
import { groupLinksFor } from '../groups/present.ts';
import { chartInquirySection, organisationInquirySection } from '../inquiries/present.ts';
import { listeningLinksFor, listeningLinksForMetric } from '../listening/present.ts';
import { chartNarrativeSection, organisationNarrativeSection } from '../narratives/present.ts';
import { organisationReviewLink } from '../reviews/present.ts';
import { chartSignalSection, organisationSignalSection } from '../signals/present.ts';
import { teamPath } from '../teams/present.ts';
import { organisationTeamSection } from '../teams/section.ts';
import {
  metricIdPattern,
  metricsFoundTable,
  odsCodePattern,
  organisationsTable,
  placesOffered,
  presentMetricChart,
  presentOrganisation,
  searchOrganisations,
} from './present.ts';

/** A search is trimmed; one longer than `searchMaxLength` characters is refused with a clear error. */
const listQuery = z.object({
  search: z
    .string()
    .optional()
    .transform((value) => (value ?? '').trim())
    .pipe(z.string().max(searchMaxLength, `must be ${searchMaxLength} characters or fewer`)),
});
const organisationParams = z.object({ code: z.string().regex(odsCodePattern) });
/** `?quarter=` as the league tables take it: "Q2 2025/26". */
const organisationQuery = z.object({
  quarter: z
    .string()
    .trim()
    .regex(/^Q[1-4] \d{4}\/\d{2}$/, 'must be a quarter such as "Q2 2025/26"')
    .optional()
    .or(z.literal('').transform(() => undefined)),
});
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
    // The list is of trusts open today; closed and merged ones are found by search, marked closed.
    const today = new Date().toISOString().slice(0, 10);
    const results = search
      ? await searchOrganisations(app.store.db, search)
      : (await listOrganisations(app.store.db, { kind: 'trust' })).filter((row) => isOpenOn(row, today));
    const metrics = search ? await findMetrics(app.store.db, search) : [];
    return sendPage(request, reply, 'pages/organisations/index.njk', {
      pageName: search ? `Organisations matching “${search}”` : 'Organisations',
      search,
      resultCount: results.length,
      results: organisationsTable(results, search ? `Organisations matching “${search}”` : 'NHS trusts'),
      places: search ? placesOffered(results) : [],
      metricCount: metrics.length,
      metrics: metricsFoundTable(metrics),
    });
  });

  app.get<{ Params: { code: string }; Querystring: { quarter?: string } }>(
    '/organisations/:code',
    async (request, reply) => {
      const params = pageParams(organisationParams, request.params);
      const { quarter } = pageQuery(organisationQuery, { quarter: request.query.quarter });
      const page = params && (await presentOrganisation(app.store.db, params.code, quarter));
      if (!page) return organisationNotFound(reply, request.params.code);
      // A team's page is its own: its indicators, under the team-indicator policy.
      if (page.organisation.kind === 'team') return reply.redirect(teamPath(page.organisation.code), 303);
      return sendPage(request, reply, 'pages/organisations/show.njk', {
        pageName: page.organisation.name,
        ...page,
        // Per reader, never part of the shared view model: what the read policies let this reader see.
        ...(await rememberForReader(
          request.useCase(),
          `organisation-page|${page.organisation.code}`,
          async () => ({
            canReadAudit: canReadAudit(request.actor, page.organisation.code),
            ...(await organisationNarrativeSection(
              request.useCase(),
              page.organisation.code,
              page.organisation,
            )),
            ...(await organisationTeamSection(
              request.useCase(),
              page.organisation.code,
              page.organisation.kind,
            )),
            ...(await organisationInquirySection(request.useCase(), page.organisation.code)),
            ...(await organisationSignalSection(request.useCase(), page.organisation.code)),
            ...(await organisationEscalationLinks(request.useCase(), page.organisation)),
            ...(await organisationReviewLink(request.useCase(), page.organisation)),
            ...(await boardLinksFor(request.useCase(), page.organisation.code)),
            ...(await groupLinksFor(request.useCase(), page.organisation.code)),
            ...(await listeningLinksFor(request.useCase(), page.organisation.code)),
            ...(await capabilitySectionFor(request.useCase(), page.organisation.code)),
          }),
        )),
        // Public counts and shares, the same for every reader.
        ...(await followThroughSectionFor(
          request.useCase(),
          'organisation',
          page.organisation.code,
          page.organisation.name,
        )),
      });
    },
  );

  app.get<{ Params: { code: string; id: string } }>(
    '/organisations/:code/metrics/:id',
    async (request, reply) => {
      const params = pageParams(chartParams, request.params);
      // A team's organisation-only indicator is not there for those who may not read it.
      const readable = params && (await canReadMetric(request.useCase(), params.id));
      const page = readable && (await presentMetricChart(app.store.db, params.code, params.id));
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
        // Per reader: annotations, narratives, inquiries and signals as the read policies allow.
        ...(await rememberForReader(
          request.useCase(),
          `chart-page|${page.organisation.code}|${page.metric.id}`,
          async () => ({
            ...(await chartAnnotations(request, page)),
            ...(await chartNarrativeSection(request.useCase(), page.organisation.code, page.metric.id)),
            ...(await chartInquirySection(request.useCase(), page.organisation.code, page.metric.id)),
            ...(await chartSignalSection(request.useCase(), page.organisation.code, page.metric.id)),
            ...(await directorySection(request.useCase(), page.metric.id, page.organisation.code)),
            ...(await listeningLinksForMetric(request.useCase(), page.metric.id)),
          }),
        )),
      });
    },
  );
}
