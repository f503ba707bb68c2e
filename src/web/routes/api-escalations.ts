import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authorise, type UseCaseContext } from '../../app/context.ts';
import {
  type EscalationDetail,
  escalationClock,
  escalationListFilter,
  findEscalations,
  getEscalation,
} from '../../app/escalations/read.ts';
import {
  acknowledgeEscalation,
  answerEscalation,
  closeEscalation,
  raiseEscalation,
  requireMayRaise,
  requireStep,
  respondToEscalation,
} from '../../app/escalations/write.ts';
import { escalationStateLabels } from '../../domain/improvement.ts';
import { AppError } from '../../errors.ts';
import type { EscalationWithNames } from '../../store/repos/escalation-repo.ts';
import { docResponses, routeSchema, validate } from './api.ts';

/**
 * The escalations API: list and read the concerns the caller may read — those their organisation
 * raised, and those raised with the region or ICB they answer for — raise one (the organisation's
 * contributors and administrators), and take the next step: acknowledge and respond (the recipient),
 * close (either side) and answer "would you raise a concern this way again?" (the raiser). Clocks
 * count working days (Monday to Friday, bank holidays in England left out) with calendar days beside
 * them. Authenticated by the session cookie (with `x-csrf-token` for writes) or `Authorization:
 * Bearer <token>`; anonymous callers are refused (401).
 */

const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be an escalation id')
    .describe('Escalation id'),
});

const optionalText = (max: number, description: string) =>
  z.string().max(max).nullable().optional().describe(description);

/** The body of POST /escalations: types and sizes checked here, meaning by the use case. */
const raiseBody = z.object({
  org: z.string().max(20).describe('ODS code of the organisation raising the concern, e.g. RJ1'),
  recipient: z
    .string()
    .max(20)
    .describe('ODS code of its NHS England region or of an ICB it belongs to: its choice'),
  topic: z.string().max(40).describe('performance, finance or quality'),
  title: z.string().max(1_000).describe('Title, 1 to 200 characters'),
  body: z.string().max(12_000).describe('The concern, 1 to 10,000 characters'),
});

const baseVersion = z
  .number()
  .int()
  .optional()
  .describe('The version the step was taken on; 409 if it has moved on');

const stepBodies = {
  acknowledge: z.object({ note: optionalText(3_000, 'A note to the organisation'), baseVersion }),
  respond: z.object({
    response: z.string().max(12_000).describe('The response, 1 to 10,000 characters'),
    baseVersion,
  }),
  close: z.object({
    note: optionalText(3_000, 'A closing note'),
    wouldRaiseAgain: optionalText(
      20,
      'The raiser, closing: would you raise a concern this way again? yes, no or not_sure (required of the raiser)',
    ),
    comment: optionalText(3_000, 'Why, in a sentence or two'),
    baseVersion,
  }),
  answer: z.object({
    wouldRaiseAgain: z.string().max(20).describe('yes, no or not_sure'),
    comment: optionalText(3_000, 'Why, in a sentence or two'),
    baseVersion,
  }),
} as const;

/** Every problem with a JSON body as VALIDATION_FAILED (422), `field: problem` each. */
function validateBody<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw new AppError(
    'VALIDATION_FAILED',
    `The escalation has ${problems.length} problem(s): ${problems.join('; ')}`,
    { details: problems },
  );
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

function escalationId(params: unknown): number {
  const parsed = idParams.safeParse(params);
  if (!parsed.success)
    throw new AppError('NOT_FOUND', 'There is no escalation with that id that you can read.');
  return Number(parsed.data.id);
}

function requireSignedIn(context: UseCaseContext): void {
  authorise(context, context.actor.kind !== 'anonymous', 'read escalations');
}

/** An escalation as the API gives it (`escalationJson`), with its clock at `now`. */
export function escalationJson(escalation: EscalationWithNames, now: Date) {
  const clock = escalationClock(escalation, now);
  return {
    id: escalation.id,
    url: `/escalations/${escalation.id}`,
    raiser: { code: escalation.raiser_org_code, name: escalation.raiser_name },
    recipient: {
      code: escalation.recipient_org_code,
      name: escalation.recipient_name,
      kind: escalation.recipient_kind,
    },
    topic: escalation.topic,
    title: escalation.title,
    body: escalation.body,
    state: escalation.state,
    stateLabel: escalationStateLabels[escalation.state],
    response: escalation.response,
    wouldRaiseAgain: escalation.would_raise_again,
    closingComment: escalation.closing_comment,
    raisedBy: escalation.raised_by_label,
    raisedAt: escalation.raised_at.toISOString(),
    acknowledgedAt: escalation.acknowledged_at?.toISOString() ?? null,
    respondedAt: escalation.responded_at?.toISOString() ?? null,
    closedAt: escalation.closed_at?.toISOString() ?? null,
    clock: {
      unit: 'working days (Monday to Friday, bank holidays in England left out); calendar days beside',
      sinceRaised: clock.sinceRaised,
      sinceLastStep: clock.sinceLastStep,
      lastStep: clock.lastStep,
      ageBand: clock.band,
      stopped: clock.stopped,
    },
    version: escalation.version,
    isExample: escalation.is_example,
  };
}

function detailJson(detail: EscalationDetail, now: Date) {
  return {
    escalation: {
      ...escalationJson(detail.escalation, now),
      events: detail.steps.map((step) => ({
        state: step.event.state,
        at: step.event.at.toISOString(),
        by: step.event.by_label,
        note: step.event.note,
        sinceRaised: step.sinceRaised,
        sincePrevious: step.sincePrevious,
      })),
      permissions: detail.permissions,
    },
  };
}

const signedIn =
  'No one is signed in (send `Authorization: Bearer <token>`, or a session cookie with `x-csrf-token`)';
const unseen = 'No escalation with that id that you can read';
const problems422 = 'Field problems, each in `details` as `field: problem`';

function createdResponses(description: string, extra: Record<number, string>) {
  const { 200: _ok, ...rest } = docResponses('', extra);
  return { 201: { description, type: 'object' }, ...rest };
}

export async function registerEscalationApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/escalations',
    {
      schema: {
        ...routeSchema({
          summary: 'Escalated concerns the caller may read',
          description:
            'Concerns providers raised directly with their NHS England region or an ICB. Read only by the raising organisation’s people and the recipient (oversight of the region; the ICB’s system lead and people) — not by national oversight or anyone else. The longest-waiting first; at most 500.',
          querystring: escalationListFilter,
          ok: 'The escalations, as `escalations`',
        }),
        docResponses: docResponses('The escalations, as `escalations`', { 401: signedIn }),
      },
    },
    async (request) => {
      const context = request.useCase();
      requireSignedIn(context);
      const filter = validate(escalationListFilter, request.query);
      const now = context.clock();
      return {
        escalations: (await findEscalations(context, filter)).map((each) => escalationJson(each, now)),
      };
    },
  );

  app.post(
    '/escalations',
    {
      schema: {
        ...routeSchema({ summary: 'Raise a concern with a region or ICB', ok: '' }),
        description:
          'Raises a concern about performance, finance or quality directly with the organisation’s NHS England region or an ICB it belongs to. Needs the organisation’s contributor or administrator role. Every field problem is listed at once.',
        body: jsonSchema(raiseBody),
        docResponses: createdResponses('The escalation, as `escalation`', {
          401: signedIn,
          403: 'You may not raise concerns for this organisation',
          422: problems422,
        }),
      },
    },
    async (request, reply) => {
      const context = request.useCase();
      requireSignedIn(context);
      await requireMayRaise(context, (request.body as { org?: unknown } | null)?.org);
      const body = validateBody(raiseBody, request.body);
      const detail = await raiseEscalation(context, body);
      return reply.status(201).send(detailJson(detail, context.clock()));
    },
  );

  app.get(
    '/escalations/:id',
    {
      schema: {
        ...routeSchema({
          summary: 'One escalated concern',
          description:
            'An escalation the caller may read, with its timeline, the clock at each step and what the caller may do next. One the caller may not read answers 404, as if it did not exist.',
          params: idParams,
          ok: 'The escalation, as `escalation`',
          notFound: unseen,
        }),
        docResponses: docResponses('The escalation, as `escalation`', { 401: signedIn, 404: unseen }),
      },
    },
    async (request) => {
      const context = request.useCase();
      requireSignedIn(context);
      return detailJson(await getEscalation(context, escalationId(request.params)), context.clock());
    },
  );

  const steps = [
    [
      'acknowledge',
      'Acknowledge an escalated concern',
      'The recipient acknowledges a raised concern (oversight of the region; the ICB’s system lead).',
      acknowledgeEscalation,
    ],
    [
      'respond',
      'Respond to an escalated concern',
      'The recipient responds to an acknowledged concern.',
      respondToEscalation,
    ],
    [
      'close',
      'Close an escalated concern',
      'Either side closes an open concern; the raiser, closing, answers `wouldRaiseAgain`.',
      closeEscalation,
    ],
    [
      'answer',
      'Say whether you would raise a concern this way again',
      'The raiser answers once the recipient has closed the concern.',
      answerEscalation,
    ],
  ] as const;
  for (const [path, summary, description, write] of steps) {
    app.post(
      `/escalations/:id/${path}`,
      {
        schema: {
          ...routeSchema({ summary, params: idParams, ok: '' }),
          description,
          body: jsonSchema(stepBodies[path]),
          docResponses: createdResponses('The escalation, as `escalation`', {
            401: signedIn,
            403: 'You may not take this step',
            404: unseen,
            409: 'The escalation is not in a state that allows this, or changed since `baseVersion`',
            422: problems422,
          }),
        },
      },
      async (request, reply) => {
        const context = request.useCase();
        const id = escalationId(request.params);
        requireSignedIn(context);
        await requireStep(context, id, path);
        const body = validateBody(stepBodies[path], request.body) as Record<string, unknown>;
        const detail = await write(context, id, body);
        return reply.status(201).send(detailJson(detail, context.clock()));
      },
    );
  }
}
