import type { FastifyInstance } from 'fastify';
import { authoriseAuditRead, listAudit } from '../../../app/audit.ts';
import { findOrganisation } from '../../../store/repos/organisation-repo.ts';
import { errorsByField } from '../../forms.ts';
import { sendPage } from '../../render.ts';
import { odsCodePattern } from '../organisations/present.ts';
import { organisationNotFound } from '../organisations/routes.ts';
import { auditPageSize, auditTable, parseAuditPageQuery } from './present.ts';

/**
 * An organisation's audit log, for its administrators only (visitors are asked to sign in, everyone
 * else is refused): entries newest first, from a chosen day, a page of 500 at a time, with its CSV.
 */
export async function registerAuditPages(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { code: string } }>('/organisations/:code/audit', async (request, reply) => {
    const code = request.params.code;
    const organisation = odsCodePattern.test(code) ? await findOrganisation(app.store.db, code) : undefined;
    if (!organisation) return organisationNotFound(reply, code);
    const context = request.useCase();
    authoriseAuditRead(context, organisation.code);
    const query = parseAuditPageQuery(request.query);
    const found = query.errors.length
      ? undefined
      : await listAudit(context, {
          orgCode: organisation.code,
          since: query.since,
          before: query.before,
          limit: auditPageSize,
        });
    const entries = found?.entries ?? [];
    const last = entries.at(-1);
    const older = new URLSearchParams({
      ...(query.since ? { since: query.since } : {}),
      ...(last ? { before: String(last.id) } : {}),
    });
    const caption = `Audit log of ${organisation.name}${query.since ? ` from ${query.since}` : ''}`;
    if (query.errors.length) reply.status(422);
    return sendPage(request, reply, 'pages/audit/show.njk', {
      pageName: `${query.errors.length ? 'Error: ' : ''}Audit log – ${organisation.name}`,
      organisation,
      errors: query.errors,
      fieldErrors: errorsByField(query.errors),
      values: query.values,
      since: query.since ?? null,
      paged: query.before !== undefined,
      table: found ? auditTable(entries, organisation.code, caption) : null,
      pageSize: auditPageSize,
      olderHref: found?.more ? `/organisations/${organisation.code}/audit?${older}` : null,
      newestHref: `/organisations/${organisation.code}/audit${query.since ? `?since=${query.since}` : ''}`,
    });
  });
}
