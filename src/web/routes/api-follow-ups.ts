import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { answerFollowUp } from '../../app/follow-ups/answer.ts';
import { type FollowUpDetail, findFollowUps, getFollowUp } from '../../app/follow-ups/read.ts';
import { followUpStates, outcomeLabels } from '../../domain/improvement.ts';
import { AppError } from '../../errors.ts';
import type { FollowUpDetailRow } from '../../store/repos/follow-up-repo.ts';
import { docResponses, routeSchema, validate } from './api.ts';

/**
 * The follow-ups API: the follow-ups of reviews' agreed actions the caller may read (the reviewed
 * organisation's people and those who oversee it), due by a date; and answering one — how it went,
 * what happened, and the date a change took effect. Authenticated by the session cookie (with
 * `x-csrf-token` for writes) or `Authorization: Bearer <token>`.
 */

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((value) => !Number.isNaN(new Date(`${value}T00:00:00Z`).getTime()), 'must be a real date');

const listQuery = z.object({
  due_before: isoDate.optional().describe('Only follow-ups due on or before this date (YYYY-MM-DD)'),
  org: z
    .string()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'must be an organisation code')
    .transform((code) => code.toUpperCase())
    .optional()
    .describe('Only follow-ups of this organisation’s reviews'),
  state: z.enum(followUpStates).optional().describe('scheduled, asked or answered'),
});

const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a follow-up id')
    .describe('Follow-up id'),
});

/** The body of POST /follow-ups/{id}/outcome: types and sizes checked here, meaning by the use case. */
const outcomeBody = z.object({
  outcome: z.string().max(40).describe('helped, partly, not_yet or did_not'),
  answer: z.string().max(12_000).describe('What happened'),
  change_made: z.boolean().optional().describe('true when a change was made'),
  change_made_on: z
    .string()
    .max(40)
    .nullable()
    .optional()
    .describe('The date the change took effect (YYYY-MM-DD)'),
});

const signedIn =
  'No one is signed in (send `Authorization: Bearer <token>`, or a session cookie with `x-csrf-token`)';
const unseen = 'No follow-up with that id that you can read';

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

/** A follow-up as the API shows it. */
export function followUpJson(row: FollowUpDetailRow) {
  return {
    id: row.id,
    review: row.review_id === null ? null : { id: row.review_id, quarter: row.quarter, heldOn: row.held_on },
    peerReview:
      row.peer_review_id === null
        ? null
        : { id: row.peer_review_id, url: `/peer-reviews/${row.peer_review_id}` },
    organisation: { code: row.org_code, name: row.org_name },
    overseer: { code: row.overseer_org_code, name: row.overseer_name },
    action: row.action_description
      ? {
          id: row.review_action_id,
          description: row.action_description,
          owner: row.action_owner_name,
          dueOn: row.action_due_on,
          status: row.action_status,
        }
      : null,
    dueOn: row.due_on,
    state: row.state,
    askedAt: row.asked_at ? new Date(row.asked_at).toISOString() : null,
    outcome: row.outcome,
    outcomeLabel: row.outcome ? outcomeLabels[row.outcome] : null,
    answer: row.state === 'answered' ? row.answer : null,
    changeMade: row.change_made,
    changeMadeOn: row.change_made_on,
    answeredAt: row.answered_at ? new Date(row.answered_at).toISOString() : null,
    isExample: row.is_example,
    href: `/follow-ups/${row.id}`,
  };
}

function detailJson(detail: FollowUpDetail) {
  return {
    followUp: {
      ...followUpJson(detail.followUp),
      mayAnswer: detail.mayAnswer,
      chart: detail.readings.map((reading) => ({
        metric: reading.metricId,
        since: reading.since,
        verdict: reading.verdict,
        sentence: reading.sentence,
      })),
    },
  };
}

export async function registerFollowUpApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/follow-ups',
    {
      schema: routeSchema({
        summary: 'Follow-ups the caller may read',
        description:
          'The follow-ups of review conversations’ agreed actions, read by the reviewed organisation’s people and those who oversee it (oversight of its region, national oversight, the system lead of its ICB), and of peer reviews’ action plans, read by the host’s people and each action’s owner (`peerReview` names the peer review; `review` is then null); the earliest due first; at most 1,000. `due_before` keeps those due on or before a date.',
        querystring: listQuery,
        ok: 'The follow-ups, as `followUps`',
      }),
    },
    async (request) => {
      const query = validate(listQuery, request.query ?? {});
      const rows = await findFollowUps(request.useCase(), {
        ...(query.due_before ? { dueBefore: query.due_before } : {}),
        ...(query.org ? { orgCode: query.org } : {}),
        ...(query.state ? { state: query.state } : {}),
      });
      return { followUps: rows.map(followUpJson) };
    },
  );

  app.get(
    '/follow-ups/:id',
    {
      schema: routeSchema({
        summary: 'One follow-up',
        description:
          'A follow-up the caller may read, whether they may answer it, and — when its answer claims a change made on a date — what the chart of each linked metric shows since then.',
        params: idParams,
        ok: 'The follow-up, as `followUp`',
        notFound: unseen,
      }),
    },
    async (request) => {
      const { id } = validate(idParams, request.params);
      const detail = await getFollowUp(request.useCase(), Number(id));
      if (!detail) throw new AppError('NOT_FOUND', `There is no follow-up ${id} you can read.`);
      return detailJson(detail);
    },
  );

  app.post(
    '/follow-ups/:id/outcome',
    {
      schema: {
        ...routeSchema({ summary: 'Answer a follow-up', params: idParams, ok: '' }),
        description:
          'Records how an agreed action went (helped, partly, not_yet, did_not), what happened and, with `change_made`, the date the change took effect. The action’s owner, the organisation’s contributors and administrators, and the overseer side that records its reviews may answer; once only. Every field problem is listed at once.',
        body: jsonSchema(outcomeBody),
        docResponses: docResponses('The follow-up as answered, as `followUp`', {
          401: signedIn,
          403: 'You may not answer this follow-up',
          404: unseen,
          409: 'The follow-up has been answered already',
          422: 'Field problems, each in `details` as `field: problem`',
        }),
      },
    },
    async (request) => {
      const { id } = validate(idParams, request.params);
      const parsed = outcomeBody.safeParse(request.body ?? {});
      const body: Record<string, unknown> = parsed.success
        ? parsed.data
        : ((request.body ?? {}) as Record<string, unknown>);
      const context = request.useCase();
      await answerFollowUp(context, Number(id), body);
      const detail = await getFollowUp(context, Number(id));
      if (!detail) throw new AppError('NOT_FOUND', `There is no follow-up ${id} you can read.`);
      return detailJson(detail);
    },
  );
}
