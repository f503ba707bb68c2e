import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authorise, type UseCaseContext } from '../../app/context.ts';
import { type GroupDetail, type GroupMemberView, getGroup, listAllGroups } from '../../app/groups/read.ts';
import {
  addGroupMember,
  createGroup,
  editGroupDescription,
  endGroupMembership,
} from '../../app/groups/write.ts';
import { AppError } from '../../errors.ts';
import { docResponses, routeSchema } from './api.ts';
import { groupPath } from './groups/present.ts';

/**
 * The groups API, under the same policy as the pages (`policies/organisation-group.ts`): every group
 * with its members, one group with its current, upcoming and past members, and the writes — record a
 * group of two or more trusts, add a member, end a membership, edit the description — for national
 * oversight (any trust) and a region's oversight (trusts in its region). Reading is public. Every
 * field problem is listed at once. Writing is authenticated by the session cookie (with
 * `x-csrf-token`) or `Authorization: Bearer <token>`.
 */

const idPattern = /^[1-9]\d{0,8}$/;
const idParams = z.object({ id: z.string().regex(idPattern, 'must be a group id').describe('Group id') });
const memberParams = z.object({
  id: idParams.shape.id,
  memberId: z.string().regex(idPattern, 'must be a membership id').describe('Membership id'),
});

const date = (what: string) => z.string().max(20).describe(`${what}, YYYY-MM-DD`);

const createBody = z.object({
  name: z.string().max(1_000).describe('The group’s name, 1 to 200 characters'),
  description: z
    .string()
    .max(4_000)
    .optional()
    .describe(
      'What the trusts share, up to 2,000 characters: "One board and chief executive since April 2024"',
    ),
  members: z.array(z.string().max(20)).max(40).describe('Two or more trusts’ ODS codes'),
  fromDate: date('The day they came under shared leadership'),
});

const memberBody = z.object({
  org: z.string().max(20).describe('The trust’s ODS code'),
  fromDate: date('First day as a member'),
  toDate: date('Last day as a member, only for a membership that has already ended').optional(),
});

const endBody = z.object({ toDate: date('Last day as a member, on or after the first') });

const descriptionBody = z.object({
  description: z.string().max(4_000).describe('What the trusts share; empty to remove it'),
});

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

/** The body as sent: the use case checks it, after who is asking, listing every field problem at once. */
function sentBody(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

function idOf(value: string | undefined, what: 'group' | 'membership'): number {
  if (!value || !idPattern.test(value)) throw new AppError('NOT_FOUND', `There is no ${what} with that id.`);
  return Number(value);
}

function memberJson(member: GroupMemberView) {
  return {
    id: member.id,
    org: { code: member.orgCode, name: member.orgName },
    fromDate: member.fromDate,
    toDate: member.toDate,
  };
}

function groupJson(detail: GroupDetail) {
  return {
    id: detail.group.id,
    url: groupPath(detail.group.id),
    name: detail.group.name,
    description: detail.group.description,
    isExample: detail.group.is_example,
    createdAt: detail.group.created_at.toISOString(),
    current: detail.current.map(memberJson),
    upcoming: detail.upcoming.map(memberJson),
    past: detail.past.map(memberJson),
  };
}

const unseen = 'No group or membership with that id';

function writeResponses(description: string, status: 200 | 201) {
  const { 200: _ok, ...rest } = docResponses('', {
    401: 'No one is signed in',
    403: 'You may not record this group: national oversight records any trust, a region’s oversight trusts in its region',
    404: unseen,
    409: 'The membership has already ended',
    422: 'Field problems, each in `details` as `field: problem`',
  });
  return { [status]: { description, type: 'object' }, ...rest };
}

function requireSignedIn(context: UseCaseContext): void {
  authorise(context, context.actor.kind !== 'anonymous', 'record groups');
}

export async function registerGroupApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/groups',
    {
      schema: routeSchema({
        summary: 'Groups and shared leadership',
        description:
          'Every group of trusts under shared leadership, with its current, upcoming and past members and their dates. Public.',
        ok: 'The groups, as `groups`',
      }),
    },
    async (request) => {
      const list = await listAllGroups(request.useCase());
      return { groups: list.groups.map(groupJson) };
    },
  );

  app.post(
    '/groups',
    {
      attachValidation: true,
      schema: {
        ...routeSchema({ summary: 'Record a group', ok: '' }),
        description:
          'National oversight records a group of any trusts; a region’s oversight, of trusts in its region. Two or more trusts, members from the same day. Every field problem is listed at once.',
        body: jsonSchema(createBody),
        docResponses: writeResponses('The group, as `group`', 201),
      },
    },
    async (request, reply) => {
      const context = request.useCase();
      requireSignedIn(context);
      const { group } = await createGroup(context, sentBody(request.body));
      return reply.status(201).send({ group: groupJson(await getGroup(context, group.id)) });
    },
  );

  app.get(
    '/groups/:id',
    {
      schema: routeSchema({
        summary: 'One group',
        description:
          'A group with its current members, those joining later and its past members, each with its dates. Public.',
        params: idParams,
        ok: 'The group, as `group`',
        notFound: unseen,
      }),
    },
    async (request) => {
      const id = idOf((request.params as { id?: string }).id, 'group');
      return { group: groupJson(await getGroup(request.useCase(), id)) };
    },
  );

  app.patch(
    '/groups/:id',
    {
      attachValidation: true,
      schema: {
        ...routeSchema({ summary: 'Edit a group’s description', params: idParams, ok: '' }),
        description:
          'National oversight, or a region’s oversight while every current member is in its region, edits what the trusts share. Every field problem is listed at once.',
        body: jsonSchema(descriptionBody),
        docResponses: writeResponses('The group, as `group`', 200),
      },
    },
    async (request) => {
      const context = request.useCase();
      requireSignedIn(context);
      const id = idOf((request.params as { id?: string }).id, 'group');
      await editGroupDescription(context, id, sentBody(request.body));
      return { group: groupJson(await getGroup(context, id)) };
    },
  );

  app.post(
    '/groups/:id/members',
    {
      attachValidation: true,
      schema: {
        ...routeSchema({ summary: 'Add a member to a group', params: idParams, ok: '' }),
        description:
          'Adds a trust from a date (with an end date only when recording a membership that has already ended). Refused when it overlaps a membership the trust already holds in the group. Every field problem is listed at once.',
        body: jsonSchema(memberBody),
        docResponses: writeResponses('The group, as `group`', 201),
      },
    },
    async (request, reply) => {
      const context = request.useCase();
      requireSignedIn(context);
      const id = idOf((request.params as { id?: string }).id, 'group');
      await addGroupMember(context, id, sentBody(request.body));
      return reply.status(201).send({ group: groupJson(await getGroup(context, id)) });
    },
  );

  app.post(
    '/groups/:id/members/:memberId/end',
    {
      attachValidation: true,
      schema: {
        ...routeSchema({ summary: 'End a membership', params: memberParams, ok: '' }),
        description:
          'Ends a trust’s membership on its last day as a member; it stays among the group’s past members. Every field problem is listed at once.',
        body: jsonSchema(endBody),
        docResponses: writeResponses('The group, as `group`', 200),
      },
    },
    async (request) => {
      const context = request.useCase();
      requireSignedIn(context);
      const params = request.params as { id?: string; memberId?: string };
      const id = idOf(params.id, 'group');
      await endGroupMembership(context, id, idOf(params.memberId, 'membership'), sentBody(request.body));
      return { group: groupJson(await getGroup(context, id)) };
    },
  );
}
