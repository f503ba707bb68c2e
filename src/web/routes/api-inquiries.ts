import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { UseCaseContext } from '../../app/context.ts';
import {
  findInquiries,
  getInquiry,
  type InquiryDetail,
  inquiryListFilter,
} from '../../app/inquiries/read.ts';
import {
  acceptInvitation,
  addInquiryAction,
  addInquiryFactor,
  addInquiryNote,
  closeInquiry,
  declineInvitation,
  inviteInquiry,
  moveInquiry,
  openInquiry,
  requireWorkable,
  updateInquiry,
} from '../../app/inquiries/write.ts';
import {
  inquiryKindLabels,
  inquiryStateLabels,
  inquiryStates,
  promptDomainLabels,
} from '../../domain/inquiry.ts';
import { AppError } from '../../errors.ts';
import type { InquiryWithNames } from '../../store/repos/inquiry-repo.ts';
import { docResponses, routeSchema, validate } from './api.ts';

/**
 * The inquiries API: list and read the inquiries and learning reviews the caller may read; open one
 * (the organisation's contributors and administrators) or invite an organisation into one (oversight,
 * system leads); change it — answers, participants, learning summary, its stage, accepting,
 * declining and closing — and add notes to its timeline. Authenticated by the session cookie (with
 * `x-csrf-token` for writes) or `Authorization: Bearer <token>`.
 */

const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be an inquiry id')
    .describe('Inquiry id'),
});

const optionalText = (max: number, description: string) =>
  z.string().max(max).nullable().optional().describe(description);

const participant = z.object({
  group: z.string().max(20).describe('staff, patients or partners'),
  role: z.string().max(300).describe('Their role, or who they are: "Ward sister", "Patients on ward 7"'),
  name: z.string().max(300).nullable().optional().describe('A name, if they agree to be named'),
  count: z.number().int().nullable().optional().describe('How many people'),
});

const answers = z
  .record(z.string().max(40), z.string().max(12_000))
  .optional()
  .describe('Answers to the prompt set’s questions, keyed by question id');

/** The body of POST /inquiries: types and sizes checked here, meaning by the use case. */
const createBody = z.object({
  org: z.string().max(20).describe('ODS code of the organisation, e.g. RJ1'),
  invite: z
    .boolean()
    .optional()
    .describe(
      'true to invite the organisation into the inquiry (oversight and system leads) rather than open it',
    ),
  kind: optionalText(40, 'inquiry (default) or learning_review'),
  title: z.string().max(1_000).describe('Title, 1 to 200 characters'),
  metric: optionalText(100, 'Metric id the inquiry is about'),
  signal: z.number().int().nullable().optional().describe('The signal it is opened from'),
  domain: optionalText(
    40,
    'Prompt set: patient_experience, workforce, finance, access_flow or safety_quality (default: from the metric’s domain)',
  ),
  visibility: z.string().max(40).describe('public, organisation, or named (only the people in `readers`)'),
  readers: z
    .array(z.string().max(320))
    .max(200)
    .optional()
    .describe('Email addresses for a named-only inquiry'),
  message: optionalText(3_000, 'For an invitation: why the organisation is invited'),
  answers,
  participants: z.array(participant).max(100).optional().describe('Who is taking part'),
});

/** The body of PATCH /inquiries/{id}. */
const patchBody = z.object({
  baseVersion: z
    .number()
    .int()
    .optional()
    .describe('The version the change was made on; 409 if it has moved on'),
  title: z.string().max(1_000).optional().describe('A new title'),
  answers,
  participants: z.array(participant).max(100).optional().describe('Who is taking part (replaces the list)'),
  learningSummary: optionalText(12_000, 'What was learned'),
  visibility: z.string().max(40).optional().describe('public, organisation or named'),
  readers: z.array(z.string().max(320)).max(200).optional().describe('People added to a named-only inquiry'),
  state: z
    .enum(inquiryStates)
    .optional()
    .describe(
      'opened (accept an invitation, or move back), declined (with `reason`), gathering, sense_making, actions_agreed, or closed (with `closingReason`, `followUpDate` and, for outside_control, `passedTo`)',
    ),
  reason: optionalText(3_000, 'Why an invitation is declined'),
  closingReason: optionalText(40, 'understood, changed or outside_control'),
  closingNote: optionalText(3_000, 'Anything to add when closing'),
  passedTo: optionalText(300, 'The partner it is passed to: an ODS code or a named service'),
  followUpDate: optionalText(20, 'When to follow up, YYYY-MM-DD'),
});

const factorBody = z.object({
  factor: z.string().max(3_000).describe('The contributing factor, 1 to 2,000 characters'),
  control: z.string().max(20).describe('within (our control) or partner (with a system partner)'),
  partner: optionalText(
    300,
    'For partner: the ODS code of an organisation in Tend, or a named service such as "local authority social care"',
  ),
});

const actionBody = z.object({
  action: z.string().max(3_000).describe('The agreed action, 1 to 2,000 characters'),
  owner: z.string().max(400).describe('Who owns it: a role or a name'),
  due: optionalText(20, 'When it is due, YYYY-MM-DD'),
});

const noteBody = z.object({
  date: optionalText(20, 'The date of the note, YYYY-MM-DD (default: today)'),
  text: z.string().max(12_000).describe('The note, 1 to 10,000 characters'),
});

/** Every problem with a JSON body as VALIDATION_FAILED (422), `field: problem` each. */
function validateBody<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw new AppError(
    'VALIDATION_FAILED',
    `The inquiry has ${problems.length} problem(s): ${problems.join('; ')}`,
    {
      details: problems,
    },
  );
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

function inquiryId(params: unknown): number {
  const parsed = idParams.safeParse(params);
  if (!parsed.success) throw new AppError('NOT_FOUND', 'There is no inquiry with that id that you can read.');
  return Number(parsed.data.id);
}

/** An inquiry as the API gives it (`inquiryJson`). */
export function inquiryJson(inquiry: InquiryWithNames) {
  return {
    id: inquiry.id,
    url: `/organisations/${encodeURIComponent(inquiry.org_code)}/inquiries/${inquiry.id}`,
    org: { code: inquiry.org_code, name: inquiry.org_name },
    metric: inquiry.metric_id ? { id: inquiry.metric_id, name: inquiry.metric_name } : null,
    signal: inquiry.signal_id,
    kind: inquiry.kind,
    kindLabel: inquiryKindLabels[inquiry.kind],
    title: inquiry.title,
    state: inquiry.state,
    stateLabel: inquiryStateLabels[inquiry.state],
    visibility: inquiry.visibility,
    version: inquiry.version,
    promptSet: {
      domain: inquiry.prompt_domain,
      domainLabel: promptDomainLabels[inquiry.prompt_domain],
      version: inquiry.prompt_version,
      title: inquiry.prompt_title,
      fields: inquiry.prompt_fields,
    },
    answers: inquiry.answers,
    participants: inquiry.participants,
    learningSummary: inquiry.learning_summary,
    invitation: inquiry.invited_by_label
      ? { message: inquiry.invitation_message, declinedReason: inquiry.declined_reason }
      : null,
    closing: inquiry.closing_reason
      ? {
          reason: inquiry.closing_reason,
          note: inquiry.closing_note,
          passedTo: inquiry.passed_to_org_code
            ? { code: inquiry.passed_to_org_code, name: inquiry.passed_to_org_name }
            : inquiry.passed_to_name
              ? { code: null, name: inquiry.passed_to_name }
              : null,
          followUpDate: inquiry.follow_up_date,
          closedAt: inquiry.closed_at?.toISOString() ?? null,
        }
      : null,
    createdAt: inquiry.created_at.toISOString(),
    updatedAt: inquiry.updated_at.toISOString(),
    isExample: inquiry.is_example,
  };
}

function detailJson(detail: InquiryDetail) {
  const namesShown = detail.permissions.work || detail.permissions.respond || detail.readers.length > 0;
  return {
    inquiry: {
      ...inquiryJson(detail.inquiry),
      notes: detail.notes.map((note) => ({
        id: note.id,
        date: note.on_date,
        text: note.text,
        // Named only to those who take part, as on the page.
        by: namesShown ? note.written_by_label : null,
        writtenAt: note.written_at.toISOString(),
      })),
      factors: detail.factors.map((factor) => ({
        id: factor.id,
        description: factor.description,
        control: factor.control,
        partner:
          factor.control === 'partner'
            ? { code: factor.partner_org_code, name: factor.partner_org_name ?? factor.partner_name }
            : null,
      })),
      actions: detail.actions.map((action) => ({
        id: action.id,
        description: action.description,
        owner: action.owner,
        due: action.due_date,
        done: action.done_at !== null,
      })),
      ...(detail.readers.length ? { readers: detail.readers.map((reader) => reader.email) } : {}),
      permissions: detail.permissions,
    },
  };
}

const signedIn =
  'No one is signed in (send `Authorization: Bearer <token>`, or a session cookie with `x-csrf-token`)';
const unseen = 'No inquiry with that id that you can read';
const problems422 = 'Field problems, each in `details` as `field: problem`';

/** Applies a PATCH: field changes first, then a change of state. */
async function patchInquiry(context: UseCaseContext, id: number, body: z.output<typeof patchBody>) {
  const { state, reason, closingReason, closingNote, passedTo, followUpDate, baseVersion, ...fields } = body;
  const hasFields = Object.values(fields).some((value) => value !== undefined);
  let base = baseVersion;
  if (hasFields && state !== 'closed') {
    const updated = await updateInquiry(context, id, { ...fields, baseVersion: base });
    base = updated.version;
  }
  if (state === undefined) return;
  const current = await getInquiry(context, id);
  if (state === 'declined') await declineInvitation(context, id, { reason, baseVersion: base });
  else if (state === 'opened' && current.inquiry.state === 'invited')
    await acceptInvitation(context, id, { baseVersion: base });
  else if (state === 'closed')
    await closeInquiry(context, id, {
      ...fields,
      closingReason,
      closingNote,
      passedTo,
      followUpDate,
      baseVersion: base,
    });
  else if (state === 'invited')
    throw new AppError('CONFLICT', 'An inquiry cannot go back to being an invitation.');
  else await moveInquiry(context, id, { state, baseVersion: base });
}

export async function registerInquiryApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/inquiries',
    {
      schema: routeSchema({
        summary: 'Inquiries the caller may read',
        description:
          'Inquiries and learning reviews: conversations opened from a signal or by hand, with the questions of the prompt set their metric’s domain chose. Everyone reads public ones once accepted; the organisation’s people, its system leads and regional and national oversight read organisation-only ones; named-only ones are read by the people named, whoever opened it and whoever invited the organisation. The most recently changed first; at most 500.',
        querystring: inquiryListFilter,
        ok: 'The inquiries, as `inquiries`',
      }),
    },
    async (request) => {
      const filter = validate(inquiryListFilter, request.query);
      return { inquiries: (await findInquiries(request.useCase(), filter)).map(inquiryJson) };
    },
  );

  app.post(
    '/inquiries',
    {
      schema: {
        ...routeSchema({ summary: 'Open an inquiry, or invite an organisation into one', ok: '' }),
        description:
          'Opens an inquiry or learning review for an organisation (its contributors and administrators), or with `invite: true` invites the organisation into one (oversight of its region, national oversight, the system lead of its ICB). The prompt set is the current version of the metric’s domain unless `domain` says otherwise. Every field problem is listed at once.',
        body: jsonSchema(createBody),
        docResponses: (() => {
          const {
            200: _ok,
            404: _nf,
            ...rest
          } = docResponses('', {
            401: signedIn,
            403: 'You may not open (or invite into) inquiries of this organisation',
            422: problems422,
          });
          return { 201: { description: 'The inquiry, as `inquiry`', type: 'object' }, ...rest };
        })(),
      },
    },
    async (request, reply) => {
      const { invite, ...body } = validateBody(createBody, request.body);
      const inquiry = await (invite ? inviteInquiry : openInquiry)(request.useCase(), body);
      return reply.status(201).send({ inquiry: inquiryJson(inquiry) });
    },
  );

  app.get(
    '/inquiries/:id',
    {
      schema: routeSchema({
        summary: 'One inquiry',
        description:
          'An inquiry the caller may read, with its answers, participants, dated notes, contributing factors and agreed actions, and what the caller may do to it. One the caller may not read answers 404, as if it did not exist.',
        params: idParams,
        ok: 'The inquiry, as `inquiry`',
        notFound: unseen,
      }),
    },
    async (request) => detailJson(await getInquiry(request.useCase(), inquiryId(request.params))),
  );

  app.patch(
    '/inquiries/:id',
    {
      schema: {
        ...routeSchema({ summary: 'Change an inquiry', params: idParams, ok: '' }),
        description:
          'Changes an inquiry: its title, answers, participants, learning summary or visibility, and its state — accept (`opened`) or decline (`declined`, with `reason`) an invitation, move it between opened, gathering, sense_making and actions_agreed, or close it (`closed`, with `closingReason`, `followUpDate`, and `passedTo` when outside our control). Needs the organisation’s contributor or administrator role.',
        body: jsonSchema(patchBody),
        docResponses: docResponses('The inquiry as changed, as `inquiry`', {
          401: signedIn,
          403: 'You may not change this inquiry',
          404: unseen,
          409: 'The inquiry changed since `baseVersion`, or is not in a state that allows this',
          422: problems422,
        }),
      },
    },
    async (request) => {
      const id = inquiryId(request.params);
      const body = validateBody(patchBody, request.body);
      const context = request.useCase();
      await patchInquiry(context, id, body);
      return detailJson(await getInquiry(context, id));
    },
  );

  app.post(
    '/inquiries/:id/notes',
    {
      schema: {
        ...routeSchema({ summary: 'Add a note to an inquiry’s timeline', params: idParams, ok: '' }),
        description:
          'Adds a dated note while the inquiry is under way. Needs the organisation’s contributor or administrator role.',
        body: jsonSchema(noteBody),
        docResponses: (() => {
          const { 200: _ok, ...rest } = docResponses('', {
            401: signedIn,
            403: 'You may not change this inquiry',
            404: unseen,
            409: 'The inquiry is not under way',
            422: problems422,
          });
          return {
            201: { description: 'The inquiry with its notes, as `inquiry`', type: 'object' },
            ...rest,
          };
        })(),
      },
    },
    async (request, reply) => {
      const id = inquiryId(request.params);
      const context = request.useCase();
      await requireWorkable(context, id);
      const body = validateBody(noteBody, request.body);
      await addInquiryNote(context, id, { noteDate: body.date ?? undefined, noteText: body.text });
      return reply.status(201).send(detailJson(await getInquiry(context, id)));
    },
  );

  for (const [path, summary, description, body, write] of [
    [
      'factors',
      'Add a contributing factor to an inquiry',
      'Adds a contributing factor, tagged within our control or with a named system partner (shown on the ICB’s page as a shared issue), while the inquiry is under way.',
      factorBody,
      (context: UseCaseContext, id: number, input: Record<string, unknown>) =>
        addInquiryFactor(context, id, input),
    ],
    [
      'actions',
      'Agree an action in an inquiry',
      'Adds an agreed action with its owner and an optional due date, while the inquiry is under way.',
      actionBody,
      (context: UseCaseContext, id: number, input: Record<string, unknown>) =>
        addInquiryAction(context, id, input),
    ],
  ] as const) {
    app.post(
      `/inquiries/:id/${path}`,
      {
        schema: {
          ...routeSchema({ summary, params: idParams, ok: '' }),
          description: `${description} Needs the organisation’s contributor or administrator role.`,
          body: jsonSchema(body),
          docResponses: (() => {
            const { 200: _ok, ...rest } = docResponses('', {
              401: signedIn,
              403: 'You may not change this inquiry',
              404: unseen,
              409: 'The inquiry is not under way',
              422: problems422,
            });
            return { 201: { description: 'The inquiry, as `inquiry`', type: 'object' }, ...rest };
          })(),
        },
      },
      async (request, reply) => {
        const id = inquiryId(request.params);
        const context = request.useCase();
        await requireWorkable(context, id);
        const input = validateBody(body, request.body) as Record<string, unknown>;
        await write(context, id, input);
        return reply.status(201).send(detailJson(await getInquiry(context, id)));
      },
    );
  }
}
