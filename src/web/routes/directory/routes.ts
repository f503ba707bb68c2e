import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorise, type UseCaseContext } from '../../../app/context.ts';
import { candidatesForMetric } from '../../../app/directory/candidates.ts';
import { directoryCoverage } from '../../../app/directory/coverage.ts';
import {
  changeIdeasFor,
  directorySearchSchema,
  findEntryDetail,
  readerCurates,
  searchEntryPage,
} from '../../../app/directory/read.ts';
import {
  addContact,
  createChangeIdea,
  createEntry,
  inviteEntry,
  linkEntryChangeIdeas,
  publishEntry,
  recordAdoption,
  removeEntryContact,
  reviseEntry,
  withdrawEntry,
} from '../../../app/directory/write.ts';
import { AppError, isAppError } from '../../../errors.ts';
import { writerOf } from '../../../policies/actor.ts';
import { listMetrics } from '../../../store/repos/metric-repo.ts';
import { errorsByField, type FieldError, fieldErrorsFrom, sentFormValues } from '../../forms.ts';
import { sendPage } from '../../render.ts';
import {
  candidatesTable,
  coverageSummary,
  coverageTable,
  type FormValues,
  presentEntry,
  presentSummary,
} from './present.ts';

/**
 * The improvement directory's pages: `/improvement` (search by metric, organisation, change idea and
 * free text), one page per entry with the forms its reader may use (invite, publish, a new version,
 * contacts, change ideas, adoptions, withdraw), the form to add or nominate an entry,
 * `/improvement/coverage` and `/improvement/candidates?metric=`. Reading follows the directory
 * scope; every write is a use case.
 */

const entryParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .transform(Number),
});
const contactParams = entryParams.extend({
  contactId: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .transform(Number),
});
const candidatesQuery = z.object({
  metric: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional()
    .catch(undefined),
});

function pageInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AppError('NOT_FOUND', 'There is no page at this address. Check the entry number.');
}

async function nationalMetrics(context: Pick<UseCaseContext, 'db'>) {
  return (await listMetrics(context.db))
    .filter((metric) => !metric.id.startsWith('team.'))
    .map((metric) => ({ id: metric.id, name: metric.name }));
}

export async function registerDirectoryPages(app: FastifyInstance): Promise<void> {
  app.get('/improvement', async (request, reply) => {
    const context = request.useCase();
    const search = directorySearchSchema.parse(request.query ?? {});
    const found = await searchEntryPage(context, search);
    const metrics = await nationalMetrics(context);
    const ideas = await changeIdeasFor(context);
    const searched = Boolean(search.metric || search.org || search.idea || search.q);
    const pageHref = (page: number) => {
      const params = new URLSearchParams();
      for (const key of ['metric', 'org', 'idea', 'q', 'state'] as const)
        if (search[key] !== undefined && search[key] !== '') params.set(key, String(search[key]));
      if (page > 1) params.set('page', String(page));
      const query = params.toString();
      return query ? `/improvement?${query}#results` : '/improvement#results';
    };
    return sendPage(request, reply, 'pages/directory/index.njk', {
      pageName: 'Who has improved what',
      search: {
        metric: search.metric ?? '',
        org: search.org ?? '',
        idea: search.idea ?? '',
        q: search.q ?? '',
      },
      searched,
      entries: found.entries.map(presentSummary),
      listPage: {
        page: found.page,
        previousHref: found.page > 1 ? pageHref(found.page - 1) : null,
        nextHref: found.hasNext ? pageHref(found.page + 1) : null,
      },
      metricChoices: [
        { value: '', text: 'Any metric' },
        ...metrics.map((metric) => ({
          value: metric.id,
          text: metric.name,
          selected: metric.id === search.metric,
        })),
      ],
      ideaChoices: [
        { value: '', text: 'Any change idea' },
        ...ideas.map((idea) => ({
          value: String(idea.id),
          text: `${idea.name} (${idea.metric_id})`,
          selected: idea.id === search.idea,
        })),
      ],
      ideas: ideas
        .filter((idea) => !search.metric || idea.metric_id === search.metric)
        .map((idea) => ({
          id: idea.id,
          name: idea.name,
          metric_id: idea.metric_id,
          summary: idea.summary,
          entry_count: idea.entry_count,
          href: `/improvement?idea=${idea.id}`,
        })),
      mayAdd:
        context.actor.kind === 'operator' ||
        readerCurates(context.actor) ||
        writerOf(context.actor).length > 0,
      curates: readerCurates(context.actor),
      metricsForIdea: metrics,
    });
  });

  async function showNewForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormValues,
    errors: FieldError[] = [],
  ) {
    const context = request.useCase();
    authorise(context, context.actor.kind !== 'anonymous', 'add an entry to the directory');
    const curates = readerCurates(context.actor);
    authorise(context, curates || writerOf(context.actor).length > 0, 'add an entry to the directory');
    reply.status(errors.length ? 422 : 200);
    return sendPage(request, reply, 'pages/directory/new.njk', {
      pageName: curates ? 'Add an entry to the directory' : 'Nominate your organisation',
      curates,
      ownOrganisations: writerOf(context.actor),
      metricChoices: (await nationalMetrics(context)).map((metric) => ({
        value: metric.id,
        text: metric.name,
        selected: metric.id === values.metrics,
      })),
      values,
      errors,
      fieldErrors: errorsByField(errors),
    });
  }

  app.get('/improvement/entries/new', async (request, reply) => {
    const query = z
      .object({
        org: z.string().max(20).optional().catch(undefined),
        metric: z.string().max(64).optional().catch(undefined),
      })
      .parse(request.query ?? {});
    return showNewForm(request, reply, { org: query.org ?? '', metrics: query.metric ?? '' });
  });

  app.post('/improvement/entries', async (request, reply) => {
    const context = request.useCase();
    authorise(context, context.actor.kind !== 'anonymous', 'add an entry to the directory');
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      const entry = await createEntry(context, sent);
      return reply.redirect(`/improvement/entries/${entry.id}`, 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showNewForm(request, reply, sentFormValues(sent), errors);
    }
  });

  async function showEntry(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { errors?: FieldError[]; values?: FormValues; status?: number } = {},
  ) {
    const context = request.useCase();
    const { id } = pageInput(entryParams, request.params);
    const detail = await findEntryDetail(context, id);
    if (!detail) throw new AppError('NOT_FOUND', `No directory entry has the id ${id}.`);
    const ideas = detail.may.edit
      ? (await Promise.all(detail.metrics.map((metric) => changeIdeasFor(context, metric.metric_id)))).flat()
      : [];
    reply.status(options.status ?? (options.errors?.length ? 422 : 200));
    return sendPage(request, reply, 'pages/directory/show.njk', {
      ...presentEntry(detail, context.actor.kind !== 'anonymous'),
      ideaChoices: ideas
        .filter((idea) => !detail.changeIdeas.some((linked) => linked.id === idea.id))
        .map((idea) => ({ value: String(idea.id), text: idea.name })),
      mayAdopt:
        context.actor.kind !== 'anonymous' &&
        (readerCurates(context.actor) || writerOf(context.actor).length > 0),
      errors: options.errors ?? [],
      values: options.values ?? {},
      fieldErrors: errorsByField(options.errors ?? []),
    });
  }

  app.get('/improvement/entries/:id', async (request, reply) => showEntry(request, reply));

  const pageWrites: [
    string,
    (context: UseCaseContext, id: number, body: Record<string, unknown>) => Promise<unknown>,
  ][] = [
    ['invite', inviteEntry],
    ['publish', publishEntry],
    ['withdraw', withdrawEntry],
    ['versions', reviseEntry],
    ['contacts', addContact],
    ['change-ideas', linkEntryChangeIdeas],
    ['adoptions', recordAdoption],
  ];
  for (const [path, write] of pageWrites) {
    app.post(`/improvement/entries/:id/${path}`, async (request, reply) => {
      const context = request.useCase();
      const { id } = pageInput(entryParams, request.params);
      authorise(context, context.actor.kind !== 'anonymous', 'change a directory entry');
      const sent = (request.body ?? {}) as Record<string, unknown>;
      try {
        await write(context, id, sent);
        return reply.redirect(`/improvement/entries/${id}#${path}`, 303);
      } catch (error) {
        if (isAppError(error) && error.code === 'CONFLICT')
          return showEntry(request, reply, {
            errors: [{ field: 'form', message: error.message }],
            status: 409,
          });
        const errors = fieldErrorsFrom(error);
        if (!errors) throw error;
        return showEntry(request, reply, { errors, values: sentFormValues(sent) });
      }
    });
  }

  app.post('/improvement/entries/:id/contacts/:contactId/remove', async (request, reply) => {
    const context = request.useCase();
    const { id, contactId } = pageInput(contactParams, request.params);
    authorise(context, context.actor.kind !== 'anonymous', 'change a directory entry');
    await removeEntryContact(context, id, contactId);
    return reply.redirect(`/improvement/entries/${id}#contacts`, 303);
  });

  app.post('/improvement/change-ideas', async (request, reply) => {
    const context = request.useCase();
    authorise(context, context.actor.kind !== 'anonymous', 'add a change idea');
    const sent = (request.body ?? {}) as Record<string, unknown>;
    try {
      await createChangeIdea(context, sent);
      return reply.redirect(
        `/improvement?metric=${encodeURIComponent(String(sent.metric ?? ''))}#change-ideas`,
        303,
      );
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors && !(isAppError(error) && error.code === 'CONFLICT')) throw error;
      reply.status(errors ? 422 : 409);
      const problems = errors ?? [{ field: 'name', message: (error as Error).message }];
      const values = sentFormValues(sent);
      return sendPage(request, reply, 'pages/directory/change-idea-problem.njk', {
        pageName: 'The change idea was not added',
        errors: problems,
        values,
        fieldErrors: errorsByField(problems),
        metricChoices: (await nationalMetrics(context)).map((metric) => ({
          value: metric.id,
          text: metric.name,
          selected: metric.id === values.metric,
        })),
        backHref: '/improvement#change-ideas',
      });
    }
  });

  app.get('/improvement/coverage', async (request, reply) => {
    const coverage = await directoryCoverage(request.useCase());
    return sendPage(request, reply, 'pages/directory/coverage.njk', {
      pageName: 'Improvement directory coverage',
      summary: coverageSummary(coverage),
      table: coverageTable(coverage),
    });
  });

  app.get('/improvement/candidates', async (request, reply) => {
    const context = request.useCase();
    const query = candidatesQuery.parse(request.query ?? {});
    const metrics = await nationalMetrics(context);
    const found = query.metric ? await candidatesForMetric(context, query.metric) : null;
    return sendPage(request, reply, 'pages/directory/candidates.njk', {
      pageName: found ? `Candidates – ${found.metric.name}` : 'Candidates for the directory',
      metric: found ? { id: found.metric.id, name: found.metric.name } : null,
      readOn:
        found && found.readOn.id !== found.metric.id
          ? { id: found.readOn.id, name: found.readOn.name }
          : null,
      seriesRead: found?.seriesRead ?? 0,
      table: found ? candidatesTable(found) : null,
      curates: readerCurates(context.actor),
      metricChoices: metrics.map((metric) => ({
        value: metric.id,
        text: metric.name,
        selected: metric.id === query.metric,
      })),
    });
  });
}
