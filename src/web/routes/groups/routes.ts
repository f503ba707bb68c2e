import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorise, type UseCaseContext } from '../../../app/context.ts';
import { getGroup, listAllGroups } from '../../../app/groups/read.ts';
import {
  addGroupMember,
  createGroup,
  editGroupDescription,
  endGroupMembership,
} from '../../../app/groups/write.ts';
import { AppError, isAppError } from '../../../errors.ts';
import { mayManageSomeGroup } from '../../../policies/organisation-group.ts';
import { fieldErrorsFrom, sentFormValues } from '../../forms.ts';
import { sendPage } from '../../render.ts';
import {
  type FormState,
  type GroupForm,
  groupPath,
  groupsPath,
  presentGroup,
  presentGroups,
} from './present.ts';

/**
 * Group pages: every group with its current members (and, for those who record groups, the form to
 * create one), and one group with its members shown together, its past members, and the forms to add
 * a member, end a membership and edit the description. Reading is public; every write is a use case
 * under `policies/organisation-group.ts`, and a form's problems are shown beside it with the NHS.UK
 * error summary.
 */

const number = z
  .string()
  .regex(/^[1-9]\d{0,8}$/)
  .transform(Number);
const groupParams = z.object({ id: number });
const memberParams = z.object({ id: number, memberId: number });

/** Page input checked at the door: anything malformed is a page that does not exist. */
function pageInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AppError('NOT_FOUND', 'There is no page at this address. Check the number.');
}

function requireMayManage(context: UseCaseContext, what: string): void {
  authorise(context, context.actor.kind !== 'anonymous' && mayManageSomeGroup(context.actor), what);
}

export async function registerGroupPages(app: FastifyInstance): Promise<void> {
  async function showGroups(request: FastifyRequest, reply: FastifyReply, state: FormState = {}) {
    const list = await listAllGroups(request.useCase());
    reply.status(state.errors?.length ? 422 : 200);
    return sendPage(request, reply, 'pages/groups/index.njk', presentGroups(list, state));
  }

  async function showGroup(
    request: FastifyRequest,
    reply: FastifyReply,
    state: FormState = {},
    status = state.errors?.length ? 422 : 200,
  ) {
    const context = request.useCase();
    const { id } = pageInput(groupParams, request.params);
    const detail = await getGroup(context, id);
    reply.status(status);
    return sendPage(request, reply, 'pages/groups/show.njk', await presentGroup(context, detail, state));
  }

  app.get(groupsPath, async (request, reply) => showGroups(request, reply));

  app.post(groupsPath, async (request, reply) => {
    const context = request.useCase();
    requireMayManage(context, 'record a group');
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      const { group } = await createGroup(context, sent);
      return reply.redirect(groupPath(group.id), 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showGroups(request, reply, { values: sentFormValues(sent), errors });
    }
  });

  app.get('/groups/:id', async (request, reply) => showGroup(request, reply));

  /** A write from the group page: back to it, or the page with the problems beside the form. */
  async function groupWrite(
    request: FastifyRequest,
    reply: FastifyReply,
    form: GroupForm,
    write: (context: UseCaseContext, id: number, sent: Record<string, unknown>) => Promise<unknown>,
    memberId?: number,
  ) {
    const context = request.useCase();
    const { id } = pageInput(groupParams, request.params);
    requireMayManage(context, 'change a group');
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      await write(context, id, sent);
      return reply.redirect(groupPath(id), 303);
    } catch (error) {
      if (isAppError(error) && error.code === 'CONFLICT')
        return showGroup(
          request,
          reply,
          { errors: [{ field: 'form', message: error.message }], form, memberId },
          409,
        );
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showGroup(request, reply, { values: sentFormValues(sent), errors, form, memberId });
    }
  }

  app.post('/groups/:id/members', async (request, reply) =>
    groupWrite(request, reply, 'add', addGroupMember),
  );

  app.post('/groups/:id/description', async (request, reply) =>
    groupWrite(request, reply, 'description', editGroupDescription),
  );

  app.post('/groups/:id/members/:memberId/end', async (request, reply) => {
    const { memberId } = pageInput(memberParams, request.params);
    return groupWrite(
      request,
      reply,
      'end',
      (context, id, sent) => endGroupMembership(context, id, memberId, sent),
      memberId,
    );
  });
}
