import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorise, type UseCaseContext } from '../../../app/context.ts';
import {
  compareNarrativeVersions,
  getNarrative,
  narrativeVersions,
  organisationNarratives,
} from '../../../app/narratives/read.ts';
import {
  createNarrative,
  editNarrative,
  publishNarrative,
  withdrawNarrative,
} from '../../../app/narratives/write.ts';
import { teamMetricsOf } from '../../../app/teams/read.ts';
import { AppError, isAppError } from '../../../errors.ts';
import { canCreateNarrative } from '../../../policies/narrative.ts';
import { listMetrics } from '../../../store/repos/metric-repo.ts';
import { findOrganisation } from '../../../store/repos/organisation-repo.ts';
import type { OrganisationRow } from '../../../store/tables.ts';
import { type FieldError, fieldErrorsFrom } from '../../forms.ts';
import { sendPage } from '../../render.ts';
import {
  formValuesFrom,
  formValuesOf,
  type NarrativeFormValues,
  narrativeSummary,
  narrativesPath,
  presentComparison,
  presentForm,
  presentNarrative,
  presentVersions,
} from './present.ts';

/**
 * Narrative pages: an organisation's narratives, one narrative, the form to write or edit one,
 * publish and withdraw, its versions and the difference between two. Reading is open to everyone
 * under the read policy; writing needs sign-in (anonymous visitors are sent to sign in) and the
 * organisation's contributor or administrator role.
 */

const orgParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z0-9]{2,10}$/)
    .transform((code) => code.toUpperCase()),
});
const narrativeParams = orgParams.extend({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .transform(Number),
});
const versionNumber = z
  .string()
  .regex(/^[1-9]\d{0,5}$/)
  .transform(Number);
const compareQuery = z.object({ from: versionNumber, to: versionNumber });
const newQuery = z.object({
  metric: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional()
    .catch(undefined),
});

/** Page input checked at the door: anything malformed is a page that does not exist. */
function pageInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AppError(
    'NOT_FOUND',
    'There is no page at this address. Check the organisation code and narrative number.',
  );
}

function requireSignedIn(context: UseCaseContext, what: string): void {
  authorise(context, context.actor.kind !== 'anonymous', what);
}

async function organisationOrNotFound(context: UseCaseContext, code: string): Promise<OrganisationRow> {
  const organisation = await findOrganisation(context.db, code);
  if (!organisation) throw new AppError('NOT_FOUND', `No organisation has the code ${code}.`);
  return organisation;
}

/** The narrative for a page at `/organisations/:code/narratives/:id`; NOT_FOUND when the code is not its organisation's. */
async function narrativeAt(context: UseCaseContext, params: unknown) {
  const { code, id } = pageInput(narrativeParams, params);
  const detail = await getNarrative(context, id);
  if (detail.narrative.org_code !== code)
    throw new AppError('NOT_FOUND', `There is no narrative ${id} of ${code}.`);
  return detail;
}

export async function registerNarrativePages(app: FastifyInstance): Promise<void> {
  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    options: {
      mode: 'new' | 'edit';
      organisation: { code: string; name: string };
      values: NarrativeFormValues;
      errors?: FieldError[];
      action: string;
      cancelHref: string;
      conflict?: { message: string; compareHref: string } | null;
      status?: number;
    },
  ) {
    // A team writes about its own indicators as well as the national metrics.
    const metrics = [
      ...(await listMetrics(app.store.db)),
      ...(await teamMetricsOf(request.useCase(), options.organisation.code)),
    ];
    reply.status(options.status ?? (options.errors?.length ? 422 : 200));
    return sendPage(request, reply, 'pages/narratives/form.njk', presentForm({ ...options, metrics }));
  }

  app.get('/organisations/:code/narratives', async (request, reply) => {
    const { code } = pageInput(orgParams, request.params);
    const { organisation, narratives, canWrite } = await organisationNarratives(request.useCase(), code);
    return sendPage(request, reply, 'pages/narratives/index.njk', {
      pageName: `Narratives – ${organisation.name}`,
      organisation: {
        code: organisation.code,
        name: organisation.name,
        href: `/organisations/${encodeURIComponent(organisation.code)}`,
      },
      items: narratives.map(narrativeSummary),
      newHref: canWrite ? `${narrativesPath(organisation.code)}/new` : null,
    });
  });

  app.get('/organisations/:code/narratives/new', async (request, reply) => {
    const { code } = pageInput(orgParams, request.params);
    const { metric } = newQuery.parse(request.query ?? {});
    const context = request.useCase();
    requireSignedIn(context, 'write a narrative');
    const organisation = await organisationOrNotFound(context, code);
    authorise(
      context,
      canCreateNarrative(context.actor, organisation.code),
      `write narratives for ${organisation.name}`,
    );
    return showForm(request, reply, {
      mode: 'new',
      organisation,
      values: {
        kind: metric ? 'metric_commentary' : '',
        title: '',
        metric: metric ?? '',
        periodFrom: '',
        periodTo: '',
        body: '',
        visibility: 'public',
        readers: '',
      },
      action: narrativesPath(organisation.code),
      cancelHref: metric
        ? `/organisations/${encodeURIComponent(organisation.code)}/metrics/${encodeURIComponent(metric)}`
        : narrativesPath(organisation.code),
    });
  });

  app.post('/organisations/:code/narratives', async (request, reply) => {
    const { code } = pageInput(orgParams, request.params);
    const context = request.useCase();
    requireSignedIn(context, 'write a narrative');
    const organisation = await organisationOrNotFound(context, code);
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      const narrative = await createNarrative(context, { ...sent, org: organisation.code });
      return reply.redirect(narrativesPath(organisation.code, narrative.id), 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showForm(request, reply, {
        mode: 'new',
        organisation,
        values: formValuesFrom(sent),
        errors,
        action: narrativesPath(organisation.code),
        cancelHref: narrativesPath(organisation.code),
      });
    }
  });

  app.get('/organisations/:code/narratives/:id', async (request, reply) => {
    const detail = await narrativeAt(request.useCase(), request.params);
    return sendPage(request, reply, 'pages/narratives/show.njk', presentNarrative(detail));
  });

  app.get('/organisations/:code/narratives/:id/edit', async (request, reply) => {
    const context = request.useCase();
    pageInput(narrativeParams, request.params);
    requireSignedIn(context, 'edit a narrative');
    const detail = await narrativeAt(context, request.params);
    authorise(context, detail.permissions.edit, 'edit this narrative');
    const path = narrativesPath(detail.narrative.org_code, detail.narrative.id);
    return showForm(request, reply, {
      mode: 'edit',
      organisation: { code: detail.narrative.org_code, name: detail.narrative.org_name },
      values: formValuesOf(detail),
      action: path,
      cancelHref: path,
    });
  });

  app.post('/organisations/:code/narratives/:id', async (request, reply) => {
    const context = request.useCase();
    pageInput(narrativeParams, request.params);
    requireSignedIn(context, 'edit a narrative');
    const detail = await narrativeAt(context, request.params);
    const path = narrativesPath(detail.narrative.org_code, detail.narrative.id);
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      await editNarrative(context, detail.narrative.id, sent);
      return reply.redirect(path, 303);
    } catch (error) {
      const organisation = { code: detail.narrative.org_code, name: detail.narrative.org_name };
      if (isAppError(error) && error.code === 'CONFLICT') {
        const base = Number(sent.baseVersion);
        return showForm(request, reply, {
          mode: 'edit',
          organisation,
          values: formValuesFrom(sent, detail.narrative.current_version),
          action: path,
          cancelHref: path,
          status: 409,
          conflict: {
            message: error.message,
            compareHref: `${path}/versions/compare?from=${Number.isInteger(base) && base > 0 ? base : 1}&to=${detail.narrative.current_version}`,
          },
        });
      }
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showForm(request, reply, {
        mode: 'edit',
        organisation,
        values: formValuesFrom(sent, detail.narrative.current_version),
        errors,
        action: path,
        cancelHref: path,
      });
    }
  });

  for (const [action, change] of [
    ['publish', publishNarrative],
    ['withdraw', withdrawNarrative],
  ] as const) {
    app.post(`/organisations/:code/narratives/:id/${action}`, async (request, reply) => {
      const context = request.useCase();
      pageInput(narrativeParams, request.params);
      requireSignedIn(context, `${action} a narrative`);
      const detail = await narrativeAt(context, request.params);
      const sent = (request.body ?? {}) as Record<string, unknown>;
      await change(context, detail.narrative.id, { baseVersion: sent.baseVersion });
      return reply.redirect(narrativesPath(detail.narrative.org_code, detail.narrative.id), 303);
    });
  }

  app.get('/organisations/:code/narratives/:id/versions', async (request, reply) => {
    const context = request.useCase();
    const detail = await narrativeAt(context, request.params);
    const { versions } = await narrativeVersions(context, detail.narrative.id);
    return sendPage(request, reply, 'pages/narratives/versions.njk', presentVersions(detail, versions));
  });

  app.get('/organisations/:code/narratives/:id/versions/compare', async (request, reply) => {
    const context = request.useCase();
    const detail = await narrativeAt(context, request.params);
    const { from, to } = pageInput(compareQuery, request.query);
    const comparison = await compareNarrativeVersions(context, detail.narrative.id, from, to);
    return sendPage(request, reply, 'pages/narratives/compare.njk', presentComparison(comparison));
  });
}
