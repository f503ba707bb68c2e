import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { circleKeeps } from '../../app/circles/input.ts';
import {
  type CircleDetail,
  getCircle,
  getJournalEntry,
  type JournalEntryDetail,
  myCircles,
  myJournal,
} from '../../app/circles/read.ts';
import {
  createCircle,
  recordCircleMeeting,
  shareJournalEntry,
  writeJournalEntry,
} from '../../app/circles/write.ts';
import { authorise, type UseCaseContext } from '../../app/context.ts';
import { AppError } from '../../errors.ts';
import type { CircleRow, JournalEntryRow } from '../../store/repos/circle-repo.ts';
import { docResponses, routeSchema } from './api.ts';

/**
 * The circles API: the caller's confidential peer circles, one circle with its members, meetings and
 * the journal entries shared into it, starting a circle and recording a meeting; and the caller's
 * reflective journal: their entries, writing one, one entry, and sharing it into a circle. Only a
 * circle's current members read or write it; to anyone else a circle answers 404, as if it did not
 * exist. A journal entry is its author's, and once shared its circle's members' too; 404 to anyone else.
 * Authenticated by the session cookie (with `x-csrf-token` for writes) or `Authorization: Bearer
 * <token>`; anonymous callers are refused (401).
 */

const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a circle id')
    .describe('Circle id'),
});

/** The body of POST /circles: types and sizes checked here, meaning by the use case. */
const createBody = z.object({
  name: z.string().max(1_000).describe('The circle’s name, 1 to 120 characters'),
  whatIsKept: z.enum(circleKeeps).describe('What Tend keeps of its meetings: dates, themes or notes'),
  members: z
    .array(z.string().max(320))
    .max(50)
    .optional()
    .describe('Email addresses of the Tend users to make members; the caller is always one'),
});

const entryParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a journal entry id')
    .describe('Journal entry id'),
});

/** The body of POST /journal. */
const entryBody = z.object({
  title: z.string().max(1_000).describe('The entry’s title, 1 to 200 characters'),
  body: z.string().max(40_000).describe('The entry itself'),
});

/** The body of POST /journal/{id}/share. */
const shareBody = z.object({
  circle: z.number().int().describe('The id of a circle the author belongs to'),
});

/** The body of POST /circles/{id}/meetings. */
const meetingBody = z.object({
  metOn: z.string().max(20).describe('The date the circle met, YYYY-MM-DD'),
  themes: z.string().max(12_000).nullable().optional().describe('Themes, if the circle keeps themes'),
  notes: z.string().max(12_000).nullable().optional().describe('Notes, if the circle keeps notes'),
});

/** Every problem with a JSON body as VALIDATION_FAILED (422), `field: problem` each. */
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

function circleId(params: unknown): number {
  const parsed = idParams.safeParse(params);
  if (!parsed.success) throw new AppError('NOT_FOUND', 'There is no circle with that id that you belong to.');
  return Number(parsed.data.id);
}

function entryId(params: unknown): number {
  const parsed = entryParams.safeParse(params);
  if (!parsed.success) throw new AppError('NOT_FOUND', 'There is no journal entry with that id for you.');
  return Number(parsed.data.id);
}

function entryJson(entry: JournalEntryRow) {
  return {
    id: entry.id,
    url: `/journal/${entry.id}`,
    title: entry.title,
    body: entry.body,
    writtenAt: entry.written_at.toISOString(),
    sharedToCircle: entry.shared_to_circle_id,
    sharedAt: entry.shared_at?.toISOString() ?? null,
  };
}

function entryDetailJson(detail: JournalEntryDetail) {
  return {
    entry: {
      ...entryJson(detail.entry),
      isYours: detail.isAuthor,
      sharedCircle: detail.sharedCircle ? circleJson(detail.sharedCircle) : null,
      shareableCircles: detail.shareableCircles.map(circleJson),
    },
  };
}

function requireSignedIn(context: UseCaseContext): void {
  authorise(context, context.actor.kind !== 'anonymous', 'see your circles');
}

function circleJson(circle: CircleRow) {
  return {
    id: circle.id,
    url: `/circles/${circle.id}`,
    name: circle.name,
    whatIsKept: circle.what_is_kept,
    createdAt: circle.created_at.toISOString(),
    isExample: circle.is_example,
  };
}

function detailJson(detail: CircleDetail) {
  return {
    circle: {
      ...circleJson(detail.circle),
      members: detail.members.map((member) => ({
        userId: member.user_id,
        name: member.display_name,
        email: member.email,
        joinedAt: member.joined_at.toISOString(),
      })),
      meetings: detail.meetings.map((meeting) => ({
        id: meeting.id,
        metOn: meeting.met_on,
        themes: meeting.themes,
        notes: meeting.notes,
      })),
      sharedEntries: detail.sharedEntries.map((entry) => ({
        id: entry.id,
        url: `/journal/${entry.id}`,
        title: entry.title,
        body: entry.body,
        author: entry.author_name,
        sharedAt: entry.shared_at?.toISOString() ?? null,
      })),
      mayManageMembers: detail.mayManageMembers,
    },
  };
}

const signedIn =
  'No one is signed in (send `Authorization: Bearer <token>`, or a session cookie with `x-csrf-token`)';
const unseen = 'No circle with that id that you belong to';
const unseenEntry = 'No journal entry with that id that is yours or shared into a circle you belong to';
const problems422 = 'Field problems, each in `details` as `field: problem`';

function createdResponses(description: string, extra: Record<number, string>) {
  const { 200: _ok, ...rest } = docResponses('', extra);
  return { 201: { description, type: 'object' }, ...rest };
}

export async function registerCircleApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/circles',
    {
      schema: {
        ...routeSchema({
          summary: 'The caller’s circles',
          description:
            'Confidential peer circles the caller currently belongs to. No one else — administrators, oversight, the operator — is ever listed a circle they are not a member of.',
          ok: 'The circles, as `circles`',
        }),
        docResponses: docResponses('The circles, as `circles`', { 401: signedIn }),
      },
    },
    async (request) => {
      const context = request.useCase();
      requireSignedIn(context);
      return { circles: (await myCircles(context)).map(circleJson) };
    },
  );

  app.post(
    '/circles',
    {
      schema: {
        ...routeSchema({ summary: 'Start a circle', ok: '' }),
        description:
          'Starts a circle with the caller and the named Tend users (any organisation) as members, keeping meeting dates only, themes, or notes. Every field problem is listed at once.',
        body: jsonSchema(createBody),
        docResponses: createdResponses('The circle, as `circle`', { 401: signedIn, 422: problems422 }),
      },
    },
    async (request, reply) => {
      const context = request.useCase();
      requireSignedIn(context);
      const body = validateBody(createBody, request.body);
      const circle = await createCircle(context, body);
      return reply.status(201).send(detailJson(await getCircle(context, circle.id)));
    },
  );

  app.get(
    '/circles/:id',
    {
      schema: {
        ...routeSchema({
          summary: 'One circle',
          description:
            'A circle the caller belongs to, with its members, meetings (only what it keeps) and the journal entries shared into it. Any other circle answers 404, as if it did not exist.',
          params: idParams,
          ok: 'The circle, as `circle`',
          notFound: unseen,
        }),
        docResponses: docResponses('The circle, as `circle`', { 401: signedIn, 404: unseen }),
      },
    },
    async (request) => {
      const context = request.useCase();
      requireSignedIn(context);
      return detailJson(await getCircle(context, circleId(request.params)));
    },
  );

  app.post(
    '/circles/:id/meetings',
    {
      schema: {
        ...routeSchema({ summary: 'Record a meeting of a circle', params: idParams, ok: '' }),
        description:
          'A member records a meeting: its date, and themes and notes only as far as the circle keeps them.',
        body: jsonSchema(meetingBody),
        docResponses: createdResponses('The circle, as `circle`', {
          401: signedIn,
          404: unseen,
          422: problems422,
        }),
      },
    },
    async (request, reply) => {
      const context = request.useCase();
      requireSignedIn(context);
      const id = circleId(request.params);
      await getCircle(context, id); // anyone outside the circle is told it does not exist, not about fields
      const body = validateBody(meetingBody, request.body);
      await recordCircleMeeting(context, id, body);
      return reply.status(201).send(detailJson(await getCircle(context, id)));
    },
  );

  app.get(
    '/journal',
    {
      schema: {
        ...routeSchema({
          summary: 'The caller’s journal',
          description:
            'The reflective journal entries the caller wrote, latest first. No one else — administrators, oversight, the operator — is ever listed another person’s entries.',
          ok: 'The entries, as `entries`',
        }),
        docResponses: docResponses('The entries, as `entries`', { 401: signedIn }),
      },
    },
    async (request) => {
      const context = request.useCase();
      requireSignedIn(context);
      return { entries: (await myJournal(context)).map(entryJson) };
    },
  );

  app.post(
    '/journal',
    {
      schema: {
        ...routeSchema({ summary: 'Write a journal entry', ok: '' }),
        description:
          'Writes an entry in the caller’s journal, private to them until they share it into a circle. Every field problem is listed at once.',
        body: jsonSchema(entryBody),
        docResponses: createdResponses('The entry, as `entry`', { 401: signedIn, 422: problems422 }),
      },
    },
    async (request, reply) => {
      const context = request.useCase();
      requireSignedIn(context);
      const body = validateBody(entryBody, request.body);
      const entry = await writeJournalEntry(context, body);
      return reply.status(201).send(entryDetailJson(await getJournalEntry(context, entry.id)));
    },
  );

  app.get(
    '/journal/:id',
    {
      schema: {
        ...routeSchema({
          summary: 'One journal entry',
          description:
            'An entry the caller wrote, or one shared into a circle the caller belongs to. Any other entry answers 404, as if it did not exist.',
          params: entryParams,
          ok: 'The entry, as `entry`',
          notFound: unseenEntry,
        }),
        docResponses: docResponses('The entry, as `entry`', { 401: signedIn, 404: unseenEntry }),
      },
    },
    async (request) => {
      const context = request.useCase();
      requireSignedIn(context);
      return entryDetailJson(await getJournalEntry(context, entryId(request.params)));
    },
  );

  app.post(
    '/journal/:id/share',
    {
      schema: {
        ...routeSchema({ summary: 'Share a journal entry into a circle', params: entryParams, ok: '' }),
        description:
          'The author shares an entry into one circle they belong to; its current members may then read it. An entry is shared once (409 after that).',
        body: jsonSchema(shareBody),
        docResponses: docResponses('The entry, as `entry`', {
          401: signedIn,
          403: 'The caller did not write this entry',
          404: unseenEntry,
          409: 'The entry has already been shared',
          422: problems422,
        }),
      },
    },
    async (request) => {
      const context = request.useCase();
      requireSignedIn(context);
      const id = entryId(request.params);
      await getJournalEntry(context, id); // anyone who cannot read it is told it does not exist
      const body = validateBody(shareBody, request.body);
      await shareJournalEntry(context, id, body);
      return entryDetailJson(await getJournalEntry(context, id));
    },
  );
}
