import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorise, isoDay, type UseCaseContext } from '../../../app/context.ts';
import {
  editPromptSet,
  listPromptSets,
  promptSetFor,
  promptSetHistory,
} from '../../../app/inquiries/prompt-sets.ts';
import { getInquiry, organisationAndParent, organisationInquiries } from '../../../app/inquiries/read.ts';
import {
  acceptInvitation,
  addInquiryAction,
  addInquiryFactor,
  addInquiryNote,
  closeInquiry,
  completeInquiryAction,
  declineInvitation,
  inviteInquiry,
  moveInquiry,
  openInquiry,
  updateInquiry,
} from '../../../app/inquiries/write.ts';
import {
  inquiryKindLabels,
  inquiryKinds,
  participantGroupLabels,
  participantGroups,
  promptDomainLabels,
  promptDomains,
} from '../../../domain/inquiry.ts';
import { narrativeVisibilities, visibilityLabels } from '../../../domain/people.ts';
import { AppError, isAppError } from '../../../errors.ts';
import { canEditPromptSets, canInviteInquiry, canOpenInquiry } from '../../../policies/inquiry.ts';
import { findMetric } from '../../../store/repos/metric-repo.ts';
import { findOrganisation } from '../../../store/repos/organisation-repo.ts';
import { errorsByField, type FieldError, fieldErrorsFrom, sentFormValues } from '../../forms.ts';
import { sendPage } from '../../render.ts';
import {
  type FormValues,
  inquiriesPath,
  inquiriesTable,
  inquirySummary,
  presentInquiry,
  presentPromptSet,
} from './present.ts';

/**
 * Inquiry pages: an organisation's inquiries and learning reviews, one inquiry with the forms to
 * answer its prompts, add notes, factors and actions, move it on and close it; the forms to open one
 * and to invite an organisation into one, accepting and declining; and the prompt sets, which
 * national oversight edits. Reading follows the inquiry scope; every write is a use case.
 */

const orgParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z0-9]{2,10}$/)
    .transform((code) => code.toUpperCase()),
});
const inquiryParams = orgParams.extend({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .transform(Number),
});
const actionParams = inquiryParams.extend({
  actionId: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .transform(Number),
});
const domainParams = z.object({ domain: z.enum(promptDomains) });
const newQuery = z.object({
  metric: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional()
    .catch(undefined),
  signal: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .optional()
    .catch(undefined),
  domain: z.enum(promptDomains).optional().catch(undefined),
  kind: z.enum(inquiryKinds).optional().catch(undefined),
});

/** Page input checked at the door: anything malformed is a page that does not exist. */
function pageInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AppError(
    'NOT_FOUND',
    'There is no page at this address. Check the organisation code and inquiry number.',
  );
}

function requireSignedIn(context: UseCaseContext, what: string): void {
  authorise(context, context.actor.kind !== 'anonymous', what);
}

/** The inquiry of `/organisations/:code/inquiries/:id`; NOT_FOUND when the code is not its organisation's. */
async function inquiryAt(context: UseCaseContext, params: unknown) {
  const { code, id } = pageInput(inquiryParams, params);
  const detail = await getInquiry(context, id);
  if (detail.inquiry.org_code !== code)
    throw new AppError('NOT_FOUND', `There is no inquiry ${id} of ${code}.`);
  return detail;
}

/** Strings of a form body, for showing back after a problem. */
export async function registerInquiryPages(app: FastifyInstance): Promise<void> {
  async function showInquiry(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { errors?: FieldError[]; values?: FormValues; status?: number } = {},
  ) {
    const context = request.useCase();
    const detail = await inquiryAt(context, request.params);
    reply.status(options.status ?? (options.errors?.length ? 422 : 200));
    return sendPage(
      request,
      reply,
      'pages/inquiries/show.njk',
      presentInquiry(detail, { ...options, today: isoDay(context.clock()) }),
    );
  }

  async function showOpenForm(
    request: FastifyRequest,
    reply: FastifyReply,
    mode: 'open' | 'invite',
    values: FormValues,
    errors: FieldError[] = [],
  ) {
    const context = request.useCase();
    const { code } = pageInput(orgParams, request.params);
    requireSignedIn(context, mode === 'open' ? 'open an inquiry' : 'invite an organisation into an inquiry');
    const organisation = await findOrganisation(context.db, code);
    if (!organisation) throw new AppError('NOT_FOUND', `No organisation has the code ${code}.`);
    const { org, parent } = await organisationAndParent(context, code);
    authorise(
      context,
      mode === 'open'
        ? canOpenInquiry(context.actor, code, parent?.code)
        : !!org && canInviteInquiry(context.actor, org, parent),
      mode === 'open'
        ? `open inquiries for ${organisation.name}`
        : `invite ${organisation.name} into an inquiry`,
    );
    const metric = values.metric ? await findMetric(context.db, values.metric) : undefined;
    const domain = (promptDomains as readonly string[]).includes(values.domain ?? '')
      ? (values.domain as (typeof promptDomains)[number])
      : undefined;
    const set = await promptSetFor(context, {
      domain,
      metric: metric ?? null,
      kind: values.kind === 'learning_review' ? 'learning_review' : 'inquiry',
    });
    const path = inquiriesPath(organisation.code);
    const formQuery = (other: string) =>
      `${path}/${mode === 'open' ? 'new' : 'invite'}?domain=${other}${values.metric ? `&metric=${encodeURIComponent(values.metric)}` : ''}${values.signal ? `&signal=${encodeURIComponent(values.signal)}` : ''}`;
    reply.status(errors.length ? 422 : 200);
    return sendPage(request, reply, 'pages/inquiries/form.njk', {
      pageName:
        mode === 'open'
          ? `Open an inquiry – ${organisation.name}`
          : `Invite ${organisation.name} into an inquiry`,
      mode,
      organisation: { code: organisation.code, name: organisation.name },
      action: mode === 'open' ? path : `${path}/invite`,
      cancelHref: metric
        ? `/organisations/${encodeURIComponent(organisation.code)}/metrics/${encodeURIComponent(metric.id)}`
        : path,
      metric: metric ? { id: metric.id, name: metric.name } : null,
      promptSet: {
        ...presentPromptSet(set),
        fields: set.fields.map((field) => ({ ...field, name: `answer_${field.id}` })),
      },
      otherSets: promptDomains
        .filter((other) => other !== set.domain)
        .map((other) => ({ text: promptDomainLabels[other], href: formQuery(other) })),
      kinds: inquiryKinds.map((kind) => ({
        value: kind,
        text: inquiryKindLabels[kind],
        checked: (values.kind || 'inquiry') === kind,
      })),
      visibilities: narrativeVisibilities.map((visibility) => ({
        value: visibility,
        text: visibilityLabels[visibility],
        checked: (values.visibility || 'organisation') === visibility,
      })),
      participantGroups: participantGroups.map((group) => ({
        name: `participants_${group}`,
        label: participantGroupLabels[group],
      })),
      values: { ...values, domain: set.domain },
      errors,
      fieldErrors: errorsByField(errors),
    });
  }

  app.get('/organisations/:code/inquiries', async (request, reply) => {
    const { code } = pageInput(orgParams, request.params);
    const { organisation, inquiries, canOpen, canInvite } = await organisationInquiries(
      request.useCase(),
      code,
    );
    return sendPage(request, reply, 'pages/inquiries/index.njk', {
      pageName: `Inquiries – ${organisation.name}`,
      organisation: {
        code: organisation.code,
        name: organisation.name,
        href: `/organisations/${encodeURIComponent(organisation.code)}`,
      },
      items: inquiries.map(inquirySummary),
      table: inquiriesTable(organisation.code, organisation.name, inquiries),
      openHref: canOpen ? `${inquiriesPath(organisation.code)}/new` : null,
      inviteHref: canInvite ? `${inquiriesPath(organisation.code)}/invite` : null,
    });
  });

  for (const mode of ['open', 'invite'] as const) {
    const suffix = mode === 'open' ? 'new' : 'invite';
    app.get(`/organisations/:code/inquiries/${suffix}`, async (request, reply) => {
      const query = newQuery.parse(request.query ?? {});
      return showOpenForm(request, reply, mode, {
        metric: query.metric ?? '',
        signal: query.signal ?? '',
        domain: query.domain ?? '',
        kind: query.kind ?? '',
      });
    });
    app.post(
      mode === 'open' ? '/organisations/:code/inquiries' : '/organisations/:code/inquiries/invite',
      async (request, reply) => {
        const context = request.useCase();
        const { code } = pageInput(orgParams, request.params);
        requireSignedIn(
          context,
          mode === 'open' ? 'open an inquiry' : 'invite an organisation into an inquiry',
        );
        const sent = (request.body ?? {}) as Record<string, unknown>;
        try {
          const write = mode === 'open' ? openInquiry : inviteInquiry;
          const inquiry = await write(context, { ...sent, org: code });
          return reply.redirect(inquiriesPath(inquiry.org_code, inquiry.id), 303);
        } catch (error) {
          const errors = fieldErrorsFrom(error);
          if (!errors) throw error;
          return showOpenForm(request, reply, mode, sentFormValues(sent), errors);
        }
      },
    );
  }

  app.get('/organisations/:code/inquiries/:id', async (request, reply) => showInquiry(request, reply));

  /** A write from the inquiry page: back to the page on success, the page with every problem otherwise. */
  const pageWrites: [
    string,
    (context: UseCaseContext, id: number, body: Record<string, unknown>) => Promise<unknown>,
  ][] = [
    ['accept', (context, id, body) => acceptInvitation(context, id, body)],
    ['decline', declineInvitation],
    ['answers', updateInquiry],
    ['notes', addInquiryNote],
    ['factors', addInquiryFactor],
    ['actions', addInquiryAction],
    ['move', moveInquiry],
    ['close', closeInquiry],
  ];
  for (const [path, write] of pageWrites) {
    app.post(`/organisations/:code/inquiries/:id/${path}`, async (request, reply) => {
      const context = request.useCase();
      pageInput(inquiryParams, request.params);
      requireSignedIn(context, 'change an inquiry');
      const detail = await inquiryAt(context, request.params);
      const sent = (request.body ?? {}) as Record<string, unknown>;
      const here = inquiriesPath(detail.inquiry.org_code, detail.inquiry.id);
      try {
        await write(context, detail.inquiry.id, sent);
        return reply.redirect(`${here}#${path === 'answers' ? 'prompts' : path}`, 303);
      } catch (error) {
        if (isAppError(error) && error.code === 'CONFLICT')
          return showInquiry(request, reply, {
            errors: [{ field: 'form', message: error.message }],
            status: 409,
          });
        const errors = fieldErrorsFrom(error);
        if (!errors) throw error;
        return showInquiry(request, reply, { errors, values: sentFormValues(sent) });
      }
    });
  }

  app.post('/organisations/:code/inquiries/:id/actions/:actionId/done', async (request, reply) => {
    const context = request.useCase();
    const { actionId } = pageInput(actionParams, request.params);
    requireSignedIn(context, 'change an inquiry');
    const detail = await inquiryAt(context, request.params);
    await completeInquiryAction(context, detail.inquiry.id, actionId);
    return reply.redirect(`${inquiriesPath(detail.inquiry.org_code, detail.inquiry.id)}#actions`, 303);
  });

  app.get('/prompt-sets', async (request, reply) => {
    const context = request.useCase();
    const sets = await listPromptSets(context);
    return sendPage(request, reply, 'pages/inquiries/prompt-sets.njk', {
      pageName: 'Prompt sets',
      sets: sets.map(presentPromptSet),
      canEdit: canEditPromptSets(context.actor),
    });
  });

  app.get('/prompt-sets/:domain', async (request, reply) => {
    const { domain } = pageInput(domainParams, request.params);
    const { current, versions, canEdit } = await promptSetHistory(request.useCase(), domain);
    return sendPage(request, reply, 'pages/inquiries/prompt-set.njk', {
      pageName: `${current.title} – prompt set`,
      set: presentPromptSet(current),
      versions: versions.map(presentPromptSet),
      editHref: canEdit ? `/prompt-sets/${domain}/edit` : null,
    });
  });

  async function showPromptSetForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormValues | null,
    errors: FieldError[] = [],
  ) {
    const context = request.useCase();
    const { domain } = pageInput(domainParams, request.params);
    requireSignedIn(context, 'edit prompt sets');
    authorise(context, canEditPromptSets(context.actor), 'edit prompt sets');
    const { current } = await promptSetHistory(context, domain);
    const stored: FormValues = { title: current.title, description: current.description };
    current.fields.forEach((field, index) => {
      stored[`field_${index + 1}_id`] = field.id;
      stored[`field_${index + 1}_label`] = field.label;
      stored[`field_${index + 1}_help`] = field.help;
      stored[`field_${index + 1}_type`] = field.type;
      stored[`field_${index + 1}_required`] = field.required ? 'yes' : '';
    });
    const shown = values ?? stored;
    const rows = Math.min(30, current.fields.length + 2);
    reply.status(errors.length ? 422 : 200);
    return sendPage(request, reply, 'pages/inquiries/prompt-set-form.njk', {
      pageName: `Edit ${current.title}`,
      set: presentPromptSet(current),
      action: `/prompt-sets/${domain}`,
      rows: Array.from({ length: rows }, (_each, index) => index + 1),
      values: shown,
      errors,
      fieldErrors: errorsByField(errors),
    });
  }

  app.get('/prompt-sets/:domain/edit', async (request, reply) => showPromptSetForm(request, reply, null));

  app.post('/prompt-sets/:domain', async (request, reply) => {
    const context = request.useCase();
    const { domain } = pageInput(domainParams, request.params);
    requireSignedIn(context, 'edit prompt sets');
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      await editPromptSet(context, domain, sent);
      return reply.redirect(`/prompt-sets/${domain}`, 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showPromptSetForm(request, reply, sentFormValues(sent), errors);
    }
  });
}
