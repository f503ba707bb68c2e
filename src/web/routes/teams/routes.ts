import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorise, type UseCaseContext } from '../../../app/context.ts';
import { importFile } from '../../../app/import-file.ts';
import {
  authoriseTeam,
  readableTeamIndicators,
  requireReadableIndicator,
  requireTeam,
} from '../../../app/teams/access.ts';
import { teamView } from '../../../app/teams/read.ts';
import {
  createTeam,
  createTeamIndicator,
  editTeamIndicator,
  enterTeamValues,
} from '../../../app/teams/write.ts';
import { teamIndicatorVisibilities } from '../../../domain/people.ts';
import { AppError, isAppError } from '../../../errors.ts';
import { formatIssue } from '../../../ingest/cells.ts';
import { canCreateTeam } from '../../../policies/team.ts';
import { findOrganisation } from '../../../store/repos/organisation-repo.ts';
import type { TeamRow } from '../../../store/repos/team-repo.ts';
import { errorsByField, type FieldError, fieldErrorsFrom } from '../../forms.ts';
import { sendPage } from '../../render.ts';
import { teamIndicatorsTable, teamPath, visibilityText } from './present.ts';

/**
 * Team pages: a team with its own indicators, adding a team to an organisation, defining an
 * indicator, entering values (typed, or the tidy template pasted). Reading is open to everyone under
 * the team-indicator policy; writing needs the team's roles (or the organisation's admin).
 */

const codeParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z0-9]{2,10}$/)
    .transform((code) => code.toUpperCase()),
});

/** Page input checked at the door: anything malformed is a page that does not exist. */
function pageInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AppError('NOT_FOUND', 'There is no page at this address. Check the team’s code.');
}

function requireSignedIn(context: UseCaseContext, what: string): void {
  authorise(context, context.actor.kind !== 'anonymous', what);
}

const field = (sent: Record<string, unknown>, name: string) =>
  typeof sent[name] === 'string' ? (sent[name] as string) : '';

const units = [
  { value: '%', text: 'Percentage (%)' },
  { value: 'count', text: 'Count' },
  { value: 'rate', text: 'Rate' },
  { value: 'days', text: 'Days' },
  { value: 'hours', text: 'Hours' },
  { value: 'minutes', text: 'Minutes' },
  { value: 'ratio', text: 'Ratio' },
  { value: '£', text: 'Pounds (£)' },
];
const directions = [
  { value: 'higher_is_better', text: 'Higher is better' },
  { value: 'lower_is_better', text: 'Lower is better' },
  { value: 'neutral', text: 'Neither: it is watched, not aimed at' },
];

/** Lines of `period, value` (a comma, tab or spaces between) as values; the line number of each. */
export function valuesFromLines(text: string): { period: string; value: string; line: number }[] {
  return text
    .split(/\r?\n/)
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, number }) => {
      const [period = '', value = ''] = line.split(/\s*[,\t]\s*|\s+/);
      return { period, value, line: number };
    });
}

export async function registerTeamPages(app: FastifyInstance): Promise<void> {
  function teamCaption(team: TeamRow) {
    return `${team.name}, ${team.parent_name}`;
  }

  // Adding a team to an organisation: the organisation's admins.
  async function showTeamForm(
    request: FastifyRequest,
    reply: FastifyReply,
    organisation: { code: string; name: string },
    values: Record<string, string>,
    errors: FieldError[] = [],
  ) {
    reply.status(errors.length ? 422 : 200);
    return sendPage(request, reply, 'pages/teams/new-team.njk', {
      pageName: `${errors.length ? 'Error: ' : ''}Add a team – ${organisation.name}`,
      organisation,
      values,
      errors,
      fieldErrors: errorsByField(errors),
      action: `/organisations/${encodeURIComponent(organisation.code)}/teams`,
      cancelHref: `/organisations/${encodeURIComponent(organisation.code)}#teams`,
    });
  }
  async function organisationForTeams(context: UseCaseContext, code: string) {
    requireSignedIn(context, 'add a team');
    const organisation = await findOrganisation(context.db, code);
    if (!organisation || organisation.kind === 'team')
      throw new AppError('NOT_FOUND', `No organisation has the code ${code}.`);
    authorise(context, canCreateTeam(context.actor, organisation.code), `add teams to ${organisation.name}`);
    return organisation;
  }
  app.get('/organisations/:code/teams/new', async (request, reply) => {
    const { code } = pageInput(codeParams, request.params);
    const organisation = await organisationForTeams(request.useCase(), code);
    return showTeamForm(request, reply, organisation, { name: '', code: '' });
  });
  app.post('/organisations/:code/teams', async (request, reply) => {
    const { code } = pageInput(codeParams, request.params);
    const context = request.useCase();
    const organisation = await organisationForTeams(context, code);
    const sent = (request.body ?? {}) as Record<string, unknown>;
    const values = { name: field(sent, 'name'), code: field(sent, 'code') };
    try {
      const team = await createTeam(context, { org: organisation.code, ...values });
      return reply.redirect(teamPath(team.code), 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showTeamForm(request, reply, organisation, values, errors);
    }
  });

  // The team page.
  app.get('/teams/:code', async (request, reply) => {
    const { code } = pageInput(codeParams, request.params);
    const view = await teamView(request.useCase(), code);
    const { team } = view;
    const imported = /^\d{1,7}$/.exec(String((request.query as Record<string, unknown>)?.imported ?? ''));
    return sendPage(request, reply, 'pages/teams/show.njk', {
      pageName: teamCaption(team),
      team,
      imported: imported ? Number(imported[0]) : null,
      organisationHref: `/organisations/${encodeURIComponent(team.parent_code)}`,
      indicators: view.indicators.map((indicator) => ({
        ...indicator,
        visibilityText: visibilityText(indicator.visibility),
        editHref: view.canAdminister
          ? `${teamPath(team.code)}/indicators/${encodeURIComponent(indicator.slug)}/edit`
          : null,
      })),
      table: teamIndicatorsTable(view.indicators, {
        id: 'indicators',
        caption: `Indicators of ${team.name}`,
        fileName: `tend-team-indicators-${team.code}`,
        withTeam: false,
      }),
      newIndicatorHref: view.canAdminister ? `${teamPath(team.code)}/indicators/new` : null,
      valuesHref: view.canEnterValues && view.indicators.length ? `${teamPath(team.code)}/values` : null,
      importHref: view.canEnterValues ? `${teamPath(team.code)}/import` : null,
    });
  });

  // Defining an indicator: the team's admins and the organisation's admins.
  async function showIndicatorForm(
    request: FastifyRequest,
    reply: FastifyReply,
    team: TeamRow,
    values: Record<string, string>,
    errors: FieldError[] = [],
    edit?: { slug: string; name: string },
  ) {
    reply.status(errors.length ? 422 : 200);
    const item = (option: { value: string; text: string }, chosen: string) => ({
      ...option,
      checked: option.value === chosen,
    });
    return sendPage(request, reply, 'pages/teams/indicator-form.njk', {
      pageName: `${errors.length ? 'Error: ' : ''}${edit ? `Change ${edit.name}` : 'Define an indicator'} – ${teamCaption(team)}`,
      heading: edit ? `Change ${edit.name}` : 'Define an indicator',
      editing: edit !== undefined,
      team,
      values,
      errors,
      fieldErrors: errorsByField(errors),
      unitItems: [{ value: '', text: 'Choose a unit' }, ...units].map((unit) => ({
        ...unit,
        selected: unit.value === values.unit,
      })),
      directionItems: directions.map((direction) => item(direction, values.direction)),
      visibilityItems: teamIndicatorVisibilities.map((visibility) =>
        item(
          {
            value: visibility,
            text:
              visibility === 'public'
                ? 'Public: anyone can see it and its values'
                : `Organisation only: the people of ${team.name} and ${team.parent_name}, and those who oversee ${team.parent_name}`,
          },
          values.visibility,
        ),
      ),
      action: edit
        ? `${teamPath(team.code)}/indicators/${encodeURIComponent(edit.slug)}`
        : `${teamPath(team.code)}/indicators`,
      cancelHref: edit ? `${teamPath(team.code)}#${encodeURIComponent(edit.slug)}` : teamPath(team.code),
    });
  }
  async function teamToAdminister(context: UseCaseContext, code: string) {
    requireSignedIn(context, 'define a team indicator');
    const team = await requireTeam(context, code);
    authoriseTeam(context, 'administer', team);
    return team;
  }
  const indicatorFields = [
    'name',
    'slug',
    'definition',
    'unit',
    'direction',
    'target',
    'whyItMatters',
    'visibility',
  ];
  app.get('/teams/:code/indicators/new', async (request, reply) => {
    const { code } = pageInput(codeParams, request.params);
    const team = await teamToAdminister(request.useCase(), code);
    return showIndicatorForm(request, reply, team, {
      ...Object.fromEntries(indicatorFields.map((name) => [name, ''])),
      visibility: 'public',
    });
  });
  app.post('/teams/:code/indicators', async (request, reply) => {
    const { code } = pageInput(codeParams, request.params);
    const context = request.useCase();
    const team = await teamToAdminister(context, code);
    const sent = (request.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(indicatorFields.map((name) => [name, field(sent, name)]));
    try {
      const indicator = await createTeamIndicator(context, team.code, {
        name: values.name,
        slug: values.slug,
        definition: values.definition,
        unit: values.unit,
        direction: values.direction,
        target: values.target,
        whyItMatters: values.whyItMatters,
        visibility: values.visibility,
      });
      return reply.redirect(`${teamPath(team.code)}#${encodeURIComponent(indicator.slug)}`, 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showIndicatorForm(request, reply, team, values, errors);
    }
  });

  // Changing an indicator: its name, definition, target, why it matters and who may see it.
  const slugParams = codeParams.extend({
    slug: z
      .string()
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
      .max(40),
  });
  const editFields = ['name', 'definition', 'target', 'whyItMatters', 'visibility'];
  app.get('/teams/:code/indicators/:slug/edit', async (request, reply) => {
    const { code, slug } = pageInput(slugParams, request.params);
    const context = request.useCase();
    const team = await teamToAdminister(context, code);
    const indicator = await requireReadableIndicator(context, team, slug);
    return showIndicatorForm(
      request,
      reply,
      team,
      {
        name: indicator.name,
        definition: indicator.description ?? '',
        target: indicator.target === null ? '' : String(indicator.target),
        whyItMatters: indicator.why_it_matters,
        visibility: indicator.visibility,
      },
      [],
      { slug, name: indicator.name },
    );
  });
  app.post('/teams/:code/indicators/:slug', async (request, reply) => {
    const { code, slug } = pageInput(slugParams, request.params);
    const context = request.useCase();
    const team = await teamToAdminister(context, code);
    const indicator = await requireReadableIndicator(context, team, slug);
    const sent = (request.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(editFields.map((name) => [name, field(sent, name)]));
    try {
      await editTeamIndicator(context, team.code, slug, {
        name: values.name,
        definition: values.definition,
        target: values.target,
        whyItMatters: values.whyItMatters,
        visibility: values.visibility,
      });
      return reply.redirect(`${teamPath(team.code)}#${encodeURIComponent(slug)}`, 303);
    } catch (error) {
      const errors = fieldErrorsFrom(error);
      if (!errors) throw error;
      return showIndicatorForm(request, reply, team, values, errors, { slug, name: indicator.name });
    }
  });

  // Entering values: typed (period and value a line), or the tidy template pasted.
  async function teamToEnterValues(context: UseCaseContext, code: string) {
    requireSignedIn(context, 'enter a team’s values');
    const team = await requireTeam(context, code);
    authoriseTeam(context, 'enter-values', team);
    return team;
  }
  async function showValuesForm(
    request: FastifyRequest,
    reply: FastifyReply,
    team: TeamRow,
    values: Record<string, string>,
    errors: FieldError[] = [],
  ) {
    const indicators = await readableTeamIndicators(request.useCase(), { team: team.code });
    reply.status(errors.length ? 422 : 200);
    return sendPage(request, reply, 'pages/teams/values-form.njk', {
      pageName: `${errors.length ? 'Error: ' : ''}Enter values – ${teamCaption(team)}`,
      team,
      values,
      errors,
      fieldErrors: errorsByField(errors),
      indicatorItems: [
        { value: '', text: 'Choose an indicator' },
        ...indicators.map((indicator) => ({
          value: indicator.slug,
          text: indicator.name,
          selected: indicator.slug === values.indicator,
        })),
      ],
      action: `${teamPath(team.code)}/values`,
      cancelHref: teamPath(team.code),
    });
  }
  app.get('/teams/:code/values', async (request, reply) => {
    const { code } = pageInput(codeParams, request.params);
    const team = await teamToEnterValues(request.useCase(), code);
    return showValuesForm(request, reply, team, { indicator: '', lines: '' });
  });
  app.post('/teams/:code/values', async (request, reply) => {
    const { code } = pageInput(codeParams, request.params);
    const context = request.useCase();
    const team = await teamToEnterValues(context, code);
    const sent = (request.body ?? {}) as Record<string, unknown>;
    const values = { indicator: field(sent, 'indicator'), lines: field(sent, 'lines') };
    const errors: FieldError[] = [];
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(values.indicator))
      errors.push({ field: 'indicator', message: 'Choose the indicator the values are of' });
    const lines = valuesFromLines(values.lines);
    if (lines.length === 0)
      errors.push({ field: 'lines', message: 'Enter at least one line: a period and its value' });
    if (errors.length) return showValuesForm(request, reply, team, values, errors);
    try {
      await enterTeamValues({ ...context, store: app.store }, team.code, values.indicator, lines);
      return reply.redirect(
        `/organisations/${encodeURIComponent(team.code)}/metrics/${encodeURIComponent(`team.${team.code}.${values.indicator}`)}`,
        303,
      );
    } catch (error) {
      if (!isAppError(error) || !['IMPORT_FAILED', 'VALIDATION_FAILED'].includes(error.code)) throw error;
      const problems = error.details.length ? error.details : [error.message];
      return showValuesForm(
        request,
        reply,
        team,
        values,
        problems.map((message) => ({
          field: /^values\[\d+\]|^row /.test(message) ? 'lines' : 'indicator',
          message: message
            .replace(/^row (\d+): /, 'line $1: ')
            .replace(/^values\[(\d+)\]\.period: /, (_, index) => `line ${Number(index) + 1}: `),
        })),
      );
    }
  });

  async function showImportForm(
    request: FastifyRequest,
    reply: FastifyReply,
    team: TeamRow,
    csv: string,
    errors: FieldError[] = [],
  ) {
    reply.status(errors.length ? 422 : 200);
    return sendPage(request, reply, 'pages/teams/import-form.njk', {
      pageName: `${errors.length ? 'Error: ' : ''}Import values – ${teamCaption(team)}`,
      team,
      csv,
      errors,
      fieldErrors: errorsByField(errors),
      example: `org_code,team,metric_id,period,value\n${team.parent_code},${team.code},continuity-of-carer,2025-04,81.5`,
      action: `${teamPath(team.code)}/import`,
      cancelHref: teamPath(team.code),
    });
  }
  app.get('/teams/:code/import', async (request, reply) => {
    const { code } = pageInput(codeParams, request.params);
    const team = await teamToEnterValues(request.useCase(), code);
    return showImportForm(request, reply, team, '');
  });
  app.post('/teams/:code/import', async (request, reply) => {
    const { code } = pageInput(codeParams, request.params);
    const context = request.useCase();
    const team = await teamToEnterValues(context, code);
    const csv = field((request.body ?? {}) as Record<string, unknown>, 'csv');
    if (csv.trim() === '')
      return showImportForm(request, reply, team, csv, [
        { field: 'csv', message: 'Paste the tidy template: its header row, then a row per value' },
      ]);
    if (csv.length > 5_000_000)
      return showImportForm(request, reply, team, '', [
        {
          field: 'csv',
          message: 'Paste at most 5 MB here; import a larger file with the API or `tend import`',
        },
      ]);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-team-import-'));
    try {
      const file = path.join(folder, 'pasted.csv');
      fs.writeFileSync(file, csv.endsWith('\n') ? csv : `${csv}\n`, { mode: 0o600 });
      let problems: string[] = [];
      try {
        const result = await importFile(app.store, file, {
          actor: context.actor,
          displayName: `${team.code}-pasted.csv`,
          clock: context.clock,
        });
        if (result.outcome !== 'rejected')
          return reply.redirect(`${teamPath(team.code)}?imported=${result.observations}`, 303);
        problems = result.issues.filter((issue) => issue.severity === 'error').map(formatIssue);
      } catch (error) {
        if (!isAppError(error) || !['FORBIDDEN', 'UNAUTHENTICATED'].includes(error.code)) throw error;
        problems = [error.message];
      }
      return showImportForm(
        request,
        reply,
        team,
        csv,
        problems.map((message) => ({ field: 'csv', message })),
      );
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
}
