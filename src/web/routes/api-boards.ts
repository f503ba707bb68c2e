import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  type BoardCommentaryView,
  getBoard,
  getBoardCommentary,
  getBoardForManaging,
  listAllBoards,
} from '../../app/boards/read.ts';
import {
  addBoardMember,
  createBoard,
  endBoardMemberTerm,
  moderateBoardCommentary,
  replyToBoardCommentary,
  requireMayWriteCommentary,
  setBoardChair,
  submitBoardCommentary,
  writeBoardCommentary,
} from '../../app/boards/write.ts';
import { authorise, type UseCaseContext } from '../../app/context.ts';
import { boardMemberRoles } from '../../domain/board.ts';
import { AppError } from '../../errors.ts';
import { mayCreateSomeBoard } from '../../policies/board.ts';
import type { BoardMemberRow } from '../../store/repos/board-repo.ts';
import { docResponses, routeSchema, validate } from './api.ts';
import { boardPath, commentaryPath } from './boards/present.ts';

/**
 * The ethical reflection boards API: every board, one board with its members (named only where they
 * agreed, otherwise by role) and the commentary the caller may read with the organisation's replies,
 * writing a commentary (the board's members with an account, within their term), submitting it,
 * moderating it (the chair) and replying beside it (the organisation); creating a board and managing
 * its members (the organisation's administrators; for a system, its system lead). Reading is public,
 * like the pages; a restricted commentary's text is given only to its author and the chair.
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

const commentaryParams = z.object({
  id: idParams.shape.id,
  commentaryId: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a commentary id')
    .describe('Commentary id'),
});

const memberParams = z.object({
  id: idParams.shape.id,
  memberId: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a member id')
    .describe('Board member id'),
});

/** The body of POST /boards. */
const boardBody = z.object({
  org: z.string().max(20).describe('ODS code of the organisation or system (ICB) the board is for'),
  name: z.string().max(1_000).describe('The board’s name, 1 to 200 characters'),
});

/** The body of POST /boards/{id}/members. */
const memberBody = z.object({
  name: z.string().max(1_000).describe('The member’s name, 1 to 200 characters'),
  role: z.enum(boardMemberRoles).describe('staff, patient or lay'),
  userId: z
    .number()
    .int()
    .nullable()
    .optional()
    .describe('Their Tend user id: a member with one writes commentary'),
  namePublic: z.boolean().optional().describe('Whether they agreed to be named in public'),
  isChair: z.boolean().optional().describe('Whether they chair the board'),
  termFrom: z.string().max(20).describe('The date the term starts, YYYY-MM-DD'),
  termTo: z.string().max(20).nullable().optional().describe('The date the term ends, YYYY-MM-DD'),
});

/** The body of POST /boards/{id}/members/{memberId}/chair. */
const chairBody = z.object({ isChair: z.boolean().describe('true to make them a chair, false to stop') });

/** The body of POST /boards/{id}/members/{memberId}/end-term. */
const endTermBody = z.object({ termTo: z.string().max(20).describe('The last day of the term, YYYY-MM-DD') });

/** The body of POST /boards/{id}/commentary/{commentaryId}/moderate. */
const moderateBody = z.object({
  decision: z.enum(['publish', 'restrict']).describe('Publish it, or restrict it'),
  reason: z
    .string()
    .max(4_000)
    .optional()
    .describe('Why it is restricted, shown to everyone; required to restrict'),
});

/** The body of POST /boards/{id}/commentary/{commentaryId}/reply. */
const replyBody = z.object({
  reply: z.string().max(12_000).describe('The organisation’s reply, 1 to 10,000 characters'),
  whatWeChanged: z.string().max(12_000).optional().describe('What the organisation changed, if anything'),
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
    `The request has ${problems.length} problem(s): ${problems.join('; ')}`,
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
const unseenCommentary = 'No board with that id, or no commentary with that id on it that you may read';
const signedIn = 'No one is signed in';
const problems422 = 'Field problems, each in `details` as `field: problem`';

function ids(params: unknown, schema: typeof commentaryParams | typeof memberParams): [number, number] {
  const parsed = schema.safeParse(params);
  if (!parsed.success)
    throw new AppError('NOT_FOUND', 'There is no board or commentary with that id that you can read.');
  const values = Object.values(parsed.data).map(Number);
  return [values[0] as number, values[1] as number];
}

function requireSignedIn(context: UseCaseContext, what: string): void {
  authorise(context, context.actor.kind !== 'anonymous', what);
}

function memberJson(member: BoardMemberRow) {
  return {
    id: member.id,
    name: member.name,
    namePublic: member.name_public,
    role: member.role,
    userId: member.user_id,
    isChair: member.is_chair,
    termFrom: member.term_from,
    termTo: member.term_to,
  };
}

/** A board's members in full, as its managers see them. */
async function managedJson(context: UseCaseContext, boardId: number) {
  const { board, members } = await getBoardForManaging(context, boardId);
  return {
    board: {
      id: board.id,
      url: boardPath(board.id),
      name: board.name,
      org: { code: board.orgCode, name: board.orgName, kind: board.orgKind },
      members: members.map(memberJson),
    },
  };
}

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

  app.post(
    '/boards',
    {
      schema: {
        ...routeSchema({ summary: 'Create a board', ok: '' }),
        description:
          'Creates an ethical reflection board for an organisation (its administrators) or a system (its ICB’s administrators or system lead). Every field problem is listed at once.',
        body: jsonSchema(boardBody),
        docResponses: createdResponses('The board with its members, as `board`', {
          401: signedIn,
          403: 'You may not create a board for that organisation',
          422: problems422,
        }),
      },
    },
    async (request, reply) => {
      const context = request.useCase();
      requireSignedIn(context, 'create a board');
      authorise(context, mayCreateSomeBoard(context.actor), 'create a board');
      const body = validateBody(boardBody, request.body);
      const board = await createBoard(context, body);
      return reply.status(201).send(await managedJson(context, board.id));
    },
  );

  app.post(
    '/boards/:id/members',
    {
      schema: {
        ...routeSchema({ summary: 'Add a member to a board', params: idParams, ok: '' }),
        description:
          'Adds a staff, patient or lay member with a term; one with a Tend user id writes commentary within their term. The board’s managers only. Every field problem is listed at once.',
        body: jsonSchema(memberBody),
        docResponses: createdResponses('The board with its members, as `board`', {
          401: signedIn,
          403: 'You do not manage this board',
          404: unseen,
          422: problems422,
        }),
      },
    },
    async (request, reply) => {
      const context = request.useCase();
      requireSignedIn(context, 'manage a board');
      const id = boardId(request.params);
      await getBoardForManaging(context, id);
      const body = validateBody(memberBody, request.body);
      await addBoardMember(context, id, body);
      return reply.status(201).send(await managedJson(context, id));
    },
  );

  const memberSteps = [
    {
      path: 'chair',
      summary: 'Make a member the chair, or not',
      description:
        'Sets whether a member chairs the board (a board may have more than one chair). The board’s managers only.',
      body: chairBody,
      write: setBoardChair,
    },
    {
      path: 'end-term',
      summary: 'End a member’s term',
      description:
        'Ends a member’s term on the given day (on or after it started): from the day after, they no longer write or moderate commentary. The board’s managers only.',
      body: endTermBody,
      write: endBoardMemberTerm,
    },
  ] as const;
  for (const step of memberSteps) {
    app.post(
      `/boards/:id/members/:memberId/${step.path}`,
      {
        schema: {
          ...routeSchema({ summary: step.summary, params: memberParams, ok: '' }),
          description: step.description,
          body: jsonSchema(step.body),
          docResponses: docResponses('The board with its members, as `board`', {
            401: signedIn,
            403: 'You do not manage this board',
            404: 'No board with that id, or no member with that id on it',
            422: problems422,
          }),
        },
      },
      async (request) => {
        const context = request.useCase();
        requireSignedIn(context, 'manage a board');
        const [id, memberId] = ids(request.params, memberParams);
        await getBoardForManaging(context, id);
        const body = validateBody(step.body, request.body);
        await step.write(context, id, memberId, body);
        return managedJson(context, id);
      },
    );
  }

  const commentarySteps = [
    {
      path: 'submit',
      summary: 'Send a draft commentary to the chair',
      description:
        'The author sends their draft to the board’s chair for moderation. 409 once it is no longer a draft.',
      body: z.object({}),
      write: (context: UseCaseContext, boardId: number, commentaryId: number) =>
        submitBoardCommentary(context, boardId, commentaryId),
    },
    {
      path: 'moderate',
      summary: 'Moderate a commentary',
      description:
        'The board’s chair publishes a commentary in moderation, or restricts it with a reason everyone will see. Moderation is the chair’s, never the organisation’s. 409 once it is no longer in moderation.',
      body: moderateBody,
      write: moderateBoardCommentary,
    },
    {
      path: 'reply',
      summary: 'Reply beside a published commentary',
      description:
        'The organisation’s right of reply (its administrators and contributors; for a system, its system lead): a reply and, if anything, what it changed. 409 unless the commentary is published.',
      body: replyBody,
      write: replyToBoardCommentary,
    },
  ] as const;
  for (const step of commentarySteps) {
    app.post(
      `/boards/:id/commentary/:commentaryId/${step.path}`,
      {
        schema: {
          ...routeSchema({ summary: step.summary, params: commentaryParams, ok: '' }),
          description: step.description,
          body: jsonSchema(step.body),
          docResponses: docResponses('The commentary, as `commentary`', {
            401: signedIn,
            403: 'You may not do this to this commentary',
            404: unseenCommentary,
            409: 'The commentary is not at the step this needs',
            422: problems422,
          }),
        },
      },
      async (request) => {
        const context = request.useCase();
        requireSignedIn(context, 'change a commentary');
        const [id, commentaryId] = ids(request.params, commentaryParams);
        await getBoardCommentary(context, id, commentaryId); // anyone who cannot read it: 404
        // The use case refuses anyone who may not take this step before it reads the fields, each of which it checks.
        await step.write(context, id, commentaryId, request.body ?? {});
        return {
          commentary: commentaryJson((await getBoardCommentary(context, id, commentaryId)).commentary),
        };
      },
    );
  }
}
