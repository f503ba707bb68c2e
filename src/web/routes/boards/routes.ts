import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  getBoard,
  getBoardCommentary,
  getBoardForManaging,
  listAllBoards,
  loadBoard,
} from '../../../app/boards/read.ts';
import {
  addBoardMember,
  createBoard,
  endBoardMemberTerm,
  moderateBoardCommentary,
  replyToBoardCommentary,
  setBoardChair,
  submitBoardCommentary,
  writeBoardCommentary,
} from '../../../app/boards/write.ts';
import { authorise, type UseCaseContext } from '../../../app/context.ts';
import { AppError, isAppError } from '../../../errors.ts';
import { mayCreateSomeBoard } from '../../../policies/board.ts';
import { type FieldError, fieldErrorsFrom, sentFormValues } from '../../forms.ts';
import { sendPage } from '../../render.ts';
import {
  boardsPath,
  commentaryPath,
  type FormValues,
  membersPath,
  newBoardPath,
  presentBoard,
  presentBoardMembers,
  presentBoards,
  presentCommentary,
  presentNewBoard,
  presentNewCommentary,
} from './present.ts';

/**
 * Ethical reflection board pages: every board, one board with its members and commentary, the form
 * to write a commentary, and one commentary with the forms to submit, moderate or reply; for the
 * board's managers, the form to create a board and the page to add members, set a chair and end a
 * term. Public by default; reading follows the commentary scope, and every write is a use case.
 */

const number = z
  .string()
  .regex(/^[1-9]\d{0,8}$/)
  .transform(Number);
const boardParams = z.object({ id: number });
const commentaryParams = z.object({ id: number, commentaryId: number });
const memberParams = z.object({ id: number, memberId: number });

/** Page input checked at the door: anything malformed is a page that does not exist. */
function pageInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AppError('NOT_FOUND', 'There is no page at this address. Check the number.');
}

function requireSignedIn(context: UseCaseContext, what: string): void {
  authorise(context, context.actor.kind !== 'anonymous', what);
}

/** Strings of a form body, for showing back after a problem. */
export async function registerBoardPages(app: FastifyInstance): Promise<void> {
  async function showNewCommentary(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: FormValues; errors?: FieldError[] } = {},
  ) {
    const context = request.useCase();
    const { id } = pageInput(boardParams, request.params);
    requireSignedIn(context, 'write commentary');
    const detail = await getBoard(context, id);
    authorise(context, detail.may.writeCommentary, 'write commentary for this board');
    reply.status(options.errors?.length ? 422 : 200);
    return sendPage(
      request,
      reply,
      'pages/boards/new-commentary.njk',
      presentNewCommentary(detail.board, options),
    );
  }

  async function showCommentary(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: FormValues; errors?: FieldError[]; status?: number } = {},
  ) {
    const context = request.useCase();
    const { id, commentaryId } = pageInput(commentaryParams, request.params);
    const detail = await getBoardCommentary(context, id, commentaryId);
    reply.status(options.status ?? (options.errors?.length ? 422 : 200));
    return sendPage(request, reply, 'pages/boards/commentary.njk', presentCommentary(detail, options));
  }

  async function showNewBoard(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: FormValues; errors?: FieldError[] } = {},
  ) {
    const context = request.useCase();
    requireSignedIn(context, 'create a board');
    authorise(context, mayCreateSomeBoard(context.actor), 'create a board');
    reply.status(options.errors?.length ? 422 : 200);
    return sendPage(request, reply, 'pages/boards/new.njk', presentNewBoard(options));
  }

  async function showMembers(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: FormValues; errors?: FieldError[]; memberId?: number } = {},
  ) {
    const context = request.useCase();
    const { id } = pageInput(boardParams, request.params);
    requireSignedIn(context, "manage a board's members");
    const detail = await getBoardForManaging(context, id);
    reply.status(options.errors?.length ? 422 : 200);
    return sendPage(request, reply, 'pages/boards/members.njk', presentBoardMembers(detail, options));
  }

  app.get(boardsPath, async (request, reply) => {
    const context = request.useCase();
    const boards = await listAllBoards(context);
    return sendPage(
      request,
      reply,
      'pages/boards/index.njk',
      presentBoards(boards, mayCreateSomeBoard(context.actor)),
    );
  });

  app.get(newBoardPath, async (request, reply) => showNewBoard(request, reply));

  app.post(boardsPath, async (request, reply) => {
    const context = request.useCase();
    requireSignedIn(context, 'create a board');
    authorise(context, mayCreateSomeBoard(context.actor), 'create a board');
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      const board = await createBoard(context, sent);
      return reply.redirect(membersPath(board.id), 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showNewBoard(request, reply, { values: sentFormValues(sent), errors });
    }
  });

  app.get('/boards/:id/members', async (request, reply) => showMembers(request, reply));

  app.post('/boards/:id/members', async (request, reply) => {
    const context = request.useCase();
    const { id } = pageInput(boardParams, request.params);
    requireSignedIn(context, "manage a board's members");
    await getBoardForManaging(context, id);
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      await addBoardMember(context, id, sent);
      return reply.redirect(membersPath(id), 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showMembers(request, reply, { values: sentFormValues(sent), errors });
    }
  });

  /** A change to one member from the members page: back to it, or the page with the problems beside them. */
  const memberSteps: [string, typeof setBoardChair][] = [
    ['chair', setBoardChair],
    ['end-term', endBoardMemberTerm],
  ];
  for (const [path, write] of memberSteps) {
    app.post(`/boards/:id/members/:memberId/${path}`, async (request, reply) => {
      const context = request.useCase();
      const { id, memberId } = pageInput(memberParams, request.params);
      requireSignedIn(context, "manage a board's members");
      await getBoardForManaging(context, id);
      const sent = (request.body ?? {}) as Record<string, unknown>;
      try {
        await write(context, id, memberId, sent);
        return reply.redirect(`${membersPath(id)}#member-${memberId}`, 303);
      } catch (error) {
        const errors = fieldErrorsFrom(error);
        if (!errors) throw error;
        return showMembers(request, reply, { values: sentFormValues(sent), errors, memberId });
      }
    });
  }

  app.get('/boards/:id', async (request, reply) => {
    const { id } = pageInput(boardParams, request.params);
    const detail = await getBoard(request.useCase(), id);
    return sendPage(request, reply, 'pages/boards/show.njk', presentBoard(detail));
  });

  app.get('/boards/:id/commentary/new', async (request, reply) => showNewCommentary(request, reply));

  app.post('/boards/:id/commentary', async (request, reply) => {
    const context = request.useCase();
    const { id } = pageInput(boardParams, request.params);
    requireSignedIn(context, 'write commentary');
    await loadBoard(context, id);
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      const commentary = await writeBoardCommentary(context, id, sent);
      return reply.redirect(commentaryPath(id, commentary.id), 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showNewCommentary(request, reply, { values: sentFormValues(sent), errors });
    }
  });

  app.get('/boards/:id/commentary/:commentaryId', async (request, reply) => showCommentary(request, reply));

  /** A step from the commentary page: back to it on success, the page with every problem otherwise. */
  const steps: [
    string,
    (
      context: UseCaseContext,
      boardId: number,
      commentaryId: number,
      body: Record<string, unknown>,
    ) => Promise<unknown>,
  ][] = [
    ['submit', (context, boardId, commentaryId) => submitBoardCommentary(context, boardId, commentaryId)],
    ['moderate', moderateBoardCommentary],
    ['reply', replyToBoardCommentary],
  ];
  for (const [path, write] of steps) {
    app.post(`/boards/:id/commentary/:commentaryId/${path}`, async (request, reply) => {
      const context = request.useCase();
      const { id, commentaryId } = pageInput(commentaryParams, request.params);
      requireSignedIn(context, 'change a commentary');
      const sent = (request.body ?? {}) as Record<string, unknown>;
      try {
        await write(context, id, commentaryId, sent);
        return reply.redirect(commentaryPath(id, commentaryId), 303);
      } catch (error) {
        if (isAppError(error) && error.code === 'CONFLICT')
          return showCommentary(request, reply, {
            errors: [{ field: 'form', message: error.message }],
            status: 409,
          });
        const errors = fieldErrorsFrom(error);
        if (!errors) throw error;
        return showCommentary(request, reply, { values: sentFormValues(sent), errors });
      }
    });
  }
}
