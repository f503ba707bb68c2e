import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { circleKeepsLabels } from '../../../app/circles/input.ts';
import { getCircle, getJournalEntry, myCircles, myJournal } from '../../../app/circles/read.ts';
import {
  addCircleMember,
  createCircle,
  recordCircleMeeting,
  removeCircleMember,
  shareJournalEntry,
  writeJournalEntry,
} from '../../../app/circles/write.ts';
import { authorise, type UseCaseContext } from '../../../app/context.ts';
import { AppError, isAppError } from '../../../errors.ts';
import { errorsByField, type FieldError, fieldErrorsFrom, sentFormValues } from '../../forms.ts';
import { sendPage } from '../../render.ts';

/**
 * Confidential peer circles and the reflective journal: my circles and the form to start one, one
 * circle (its members, meetings and shared entries, with the forms to record a meeting and, for its
 * creator, to add and remove members), my journal with the form to write an entry, and one entry
 * with the form to share it into a circle. Signed-in only; a circle or entry the reader may not read
 * is a page that does not exist. Every write is a use case.
 */

const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .transform(Number),
});

type FormValues = Record<string, string>;
interface FormState {
  values?: FormValues;
  errors?: FieldError[];
  status?: number;
}

function pageId(input: unknown): number {
  const parsed = idParams.safeParse(input);
  if (parsed.success) return parsed.data.id;
  throw new AppError('NOT_FOUND', 'There is no page at this address.');
}

function requireSignedIn(context: UseCaseContext, what: string): void {
  authorise(context, context.actor.kind !== 'anonymous', what);
}

/** Strings of a form body, for showing back after a problem. */
function formView(state: FormState) {
  const errors = state.errors ?? [];
  return { values: state.values ?? {}, errors, fieldErrors: errorsByField(errors) };
}

const day = (at: Date | null) => (at ? at.toISOString().slice(0, 10) : '');

export async function registerCirclePages(app: FastifyInstance): Promise<void> {
  async function showCircles(request: FastifyRequest, reply: FastifyReply, state: FormState = {}) {
    const context = request.useCase();
    requireSignedIn(context, 'see your circles');
    const circles = await myCircles(context);
    reply.status(state.status ?? (state.errors?.length ? 422 : 200));
    return sendPage(request, reply, 'pages/circles/index.njk', {
      pageName: 'Your circles',
      circles: circles.map((circle) => ({
        name: circle.name,
        isExample: circle.is_example,
        href: `/circles/${circle.id}`,
        kept: circleKeepsLabels[circle.what_is_kept],
      })),
      keeps: Object.entries(circleKeepsLabels).map(([value, text]) => ({
        value,
        text,
        checked: (state.values?.whatIsKept ?? 'dates') === value,
      })),
      ...formView(state),
    });
  }

  async function showCircle(request: FastifyRequest, reply: FastifyReply, state: FormState = {}) {
    const context = request.useCase();
    const id = pageId(request.params);
    requireSignedIn(context, 'see your circles');
    const detail = await getCircle(context, id);
    reply.status(state.status ?? (state.errors?.length ? 422 : 200));
    return sendPage(request, reply, 'pages/circles/show.njk', {
      pageName: `${detail.circle.name} – circle`,
      circle: {
        id,
        name: detail.circle.name,
        isExample: detail.circle.is_example,
        kept: circleKeepsLabels[detail.circle.what_is_kept],
        keepsThemes: detail.circle.what_is_kept !== 'dates',
        keepsNotes: detail.circle.what_is_kept === 'notes',
      },
      members: detail.members.map((member) => ({
        userId: member.user_id,
        name: member.display_name,
        email: member.email,
        removable: detail.mayManageMembers && member.user_id !== detail.circle.created_by,
      })),
      meetings: detail.meetings.map((meeting) => ({
        metOn: meeting.met_on,
        themes: meeting.themes,
        notes: meeting.notes,
      })),
      sharedEntries: detail.sharedEntries.map((entry) => ({
        title: entry.title,
        href: `/journal/${entry.id}`,
        author: entry.author_name,
        sharedOn: day(entry.shared_at),
      })),
      mayManageMembers: detail.mayManageMembers,
      ...formView(state),
    });
  }

  async function showJournal(request: FastifyRequest, reply: FastifyReply, state: FormState = {}) {
    const context = request.useCase();
    requireSignedIn(context, 'see your journal');
    const entries = await myJournal(context);
    reply.status(state.status ?? (state.errors?.length ? 422 : 200));
    return sendPage(request, reply, 'pages/circles/journal.njk', {
      pageName: 'Your reflective journal',
      entries: entries.map((entry) => ({
        title: entry.title,
        href: `/journal/${entry.id}`,
        writtenOn: day(entry.written_at),
        shared: entry.shared_to_circle_id !== null,
      })),
      ...formView(state),
    });
  }

  async function showEntry(request: FastifyRequest, reply: FastifyReply, state: FormState = {}) {
    const context = request.useCase();
    const id = pageId(request.params);
    requireSignedIn(context, 'see your journal');
    const detail = await getJournalEntry(context, id);
    reply.status(state.status ?? (state.errors?.length ? 422 : 200));
    return sendPage(request, reply, 'pages/circles/entry.njk', {
      pageName: `${detail.entry.title} – journal entry`,
      entry: {
        id,
        title: detail.entry.title,
        body: detail.entry.body,
        writtenOn: day(detail.entry.written_at),
        sharedOn: day(detail.entry.shared_at),
      },
      isAuthor: detail.isAuthor,
      sharedCircle: detail.sharedCircle
        ? { name: detail.sharedCircle.name, href: `/circles/${detail.sharedCircle.id}` }
        : null,
      circles: detail.shareableCircles.map((circle) => ({ value: String(circle.id), text: circle.name })),
      ...formView(state),
    });
  }

  /** A form post: `to` on success; the page with every problem (or the conflict) otherwise. */
  function post(
    path: string,
    write: (
      context: UseCaseContext,
      request: FastifyRequest,
      body: Record<string, unknown>,
    ) => Promise<string>,
    show: (request: FastifyRequest, reply: FastifyReply, state: FormState) => Promise<unknown>,
  ) {
    app.post(path, async (request, reply) => {
      const context = request.useCase();
      requireSignedIn(context, 'keep a circle or journal');
      const sent = (request.body ?? {}) as Record<string, unknown>;
      try {
        return reply.redirect(await write(context, request, sent), 303);
      } catch (error) {
        if (isAppError(error) && error.code === 'CONFLICT')
          return show(request, reply, { errors: [{ field: 'form', message: error.message }], status: 409 });
        const errors = fieldErrorsFrom(error);
        if (!errors) throw error;
        return show(request, reply, { values: sentFormValues(sent), errors });
      }
    });
  }

  app.get('/circles', async (request, reply) => showCircles(request, reply));
  app.get('/circles/new', async (request, reply) => showCircles(request, reply));
  app.get('/circles/:id', async (request, reply) => showCircle(request, reply));
  app.get('/journal', async (request, reply) => showJournal(request, reply));
  app.get('/journal/:id', async (request, reply) => showEntry(request, reply));

  post(
    '/circles',
    async (context, _request, body) => `/circles/${(await createCircle(context, body)).id}`,
    showCircles,
  );
  post(
    '/circles/:id/meetings',
    async (context, request, body) => {
      const id = pageId(request.params);
      await recordCircleMeeting(context, id, body);
      return `/circles/${id}#meetings`;
    },
    showCircle,
  );
  post(
    '/circles/:id/members',
    async (context, request, body) => {
      const id = pageId(request.params);
      await addCircleMember(context, id, body);
      return `/circles/${id}#members`;
    },
    showCircle,
  );
  post(
    '/circles/:id/members/remove',
    async (context, request, body) => {
      const id = pageId(request.params);
      await removeCircleMember(context, id, body);
      return `/circles/${id}#members`;
    },
    showCircle,
  );
  post(
    '/journal',
    async (context, _request, body) => `/journal/${(await writeJournalEntry(context, body)).id}`,
    showJournal,
  );
  post(
    '/journal/:id/share',
    async (context, request, body) => {
      const id = pageId(request.params);
      await shareJournalEntry(context, id, body);
      return `/journal/${id}`;
    },
    showEntry,
  );
}
