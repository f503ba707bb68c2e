import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type BoardCommentaryView, getBoard, listAllBoards } from '../../app/boards/read.ts';
import { requireMayWriteCommentary, writeBoardCommentary } from '../../app/boards/write.ts';
import { authorise } from '../../app/context.ts';
import { AppError } from '../../errors.ts';
import { docResponses, routeSchema, validate } from './api.ts';
import { boardPath, commentaryPath } from './boards/present.ts';

/**
 * The ethical reflection boards API: every board, one board with its members (named only where they
 * agreed, otherwise by role) and the commentary the caller may read with the organisation's replies,
 * and writing a commentary (the board's members with an account, within their term). Reading is
 * public, like the pages; a restricted commentary's text is given only to its author and the chair.
 * Writing is authenticated by the session cookie (with `x-csrf-token`) or `Authorization: Bearer <token>`.
 */

const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a board id')
    .describe('Board id'),
});

const listQuery = z.object({
  org: z
    .string()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'must be an ODS code')
    .optional()
    .describe('Only the boards of this organisation or system (ODS code)'),
});

/** The body of POST /boards/{id}/commentary: types and sizes checked here, meaning by the use case. */
const commentaryBody = z.object({
  subject: z.string().max(1_000).describe('What it is about: a narrative id, a metric id, or a decision'),
  title: z.string().max(1_000).describe('Title, 1 to 200 characters'),
  body: z.string().max(12_000).describe('The commentary, 1 to 10,000 characters'),
  submit: z
    .boolean()
    .optional()
    .describe('true to send it to the chair at once; otherwise it is kept as a draft'),
});

function validateBody<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw new AppError(
    'VALIDATION_FAILED',
    `The commentary has ${problems.length} problem(s): ${problems.join('; ')}`,
    {
      details: problems,
    },
  );
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

function boardId(params: unknown): number {
  const parsed = idParams.safeParse(params);
  if (!parsed.success) throw new AppError('NOT_FOUND', 'There is no board with that id that you can read.');
  return Number(parsed.data.id);
}

function commentaryJson(commentary: BoardCommentaryView) {
  return {
    id: commentary.id,
    url: commentaryPath(commentary.boardId, commentary.id),
    subject: commentary.subject,
    title: commentary.title,
    body: commentary.body,
    state: commentary.state,
    restrictedReason: commentary.restrictedReason,
    author: commentary.author,
    createdAt: commentary.createdAt.toISOString(),
    submittedAt: commentary.submittedAt?.toISOString() ?? null,
    moderatedAt: commentary.moderatedAt?.toISOString() ?? null,
    isExample: commentary.isExample,
    replies: commentary.replies.map((reply) => ({
      body: reply.body,
      whatWeChanged: reply.whatWeChanged,
      writtenAt: reply.writtenAt.toISOString(),
    })),
  };
}

const unseen = 'No board with that id';

function createdResponses(description: string, extra: Record<number, string>) {
  const { 200: _ok, ...rest } = docResponses('', extra);
  return { 201: { description, type: 'object' }, ...rest };
}

export async function registerBoardApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/boards',
    {
      schema: routeSchema({
        summary: 'Ethical reflection boards',
        description:
          'Every ethical reflection board: a board of staff, patients and lay people commenting on how an organisation or a system is living its values. Public.',
        querystring: listQuery,
        ok: 'The boards, as `boards`',
      }),
    },
    async (request) => {
      const query = validate(listQuery, request.query);
      const boards = await listAllBoards(
        request.useCase(),
        query.org ? { orgCode: query.org.toUpperCase() } : {},
      );
      return {
        boards: boards.map((board) => ({
          id: board.id,
          url: boardPath(board.id),
          name: board.name,
          org: { code: board.orgCode, name: board.orgName, kind: board.orgKind },
          isExample: board.isExample,
        })),
      };
    },
  );

  app.get(
    '/boards/:id',
    {
      schema: routeSchema({
        summary: 'One ethical reflection board',
        description:
          'A board with its members (named only where they agreed, otherwise by role) and the commentary the caller may read, with the organisation’s replies. Published commentary and a restricted commentary’s title and reason are public; its text only its author and the chair read; drafts only their author; commentary in moderation its author and the chair.',
        params: idParams,
        ok: 'The board, as `board`',
        notFound: unseen,
      }),
    },
    async (request) => {
      const detail = await getBoard(request.useCase(), boardId(request.params));
      return {
        board: {
          id: detail.board.id,
          url: boardPath(detail.board.id),
          name: detail.board.name,
          org: { code: detail.board.orgCode, name: detail.board.orgName, kind: detail.board.orgKind },
          isExample: detail.board.isExample,
          members: detail.members.map((member) => ({
            shownAs: member.shownAs,
            role: member.role,
            isChair: member.isChair,
            termFrom: member.termFrom,
            termTo: member.termTo,
          })),
          commentary: detail.commentary.map(commentaryJson),
          permissions: detail.may,
        },
      };
    },
  );

  app.post(
    '/boards/:id/commentary',
    {
      schema: {
        ...routeSchema({ summary: 'Write a commentary', params: idParams, ok: '' }),
        description:
          'Writes a commentary as a member of the board (with a user account, within their term): kept as a draft only its author reads, or sent to the chair with `submit: true`. Every field problem is listed at once.',
        body: jsonSchema(commentaryBody),
        docResponses: createdResponses('The commentary, as `commentary`', {
          401: 'No one is signed in',
          403: 'You are not a member of this board within your term',
          404: unseen,
          422: 'Field problems, each in `details` as `field: problem`',
        }),
      },
    },
    async (request, reply) => {
      const context = request.useCase();
      authorise(context, context.actor.kind !== 'anonymous', 'write commentary');
      const id = boardId(request.params);
      await requireMayWriteCommentary(context, id);
      const body = validateBody(commentaryBody, request.body);
      const row = await writeBoardCommentary(context, id, body);
      return reply.status(201).send({
        commentary: {
          id: row.id,
          url: commentaryPath(id, row.id),
          subject: row.subject,
          title: row.title,
          body: row.body,
          state: row.state,
          createdAt: row.created_at.toISOString(),
        },
      });
    },
  );
}
