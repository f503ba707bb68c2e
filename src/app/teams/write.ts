import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Direction, metricDirections } from '../../domain/metric.ts';
import { type TeamIndicatorVisibility, teamIndicatorVisibilities } from '../../domain/people.ts';
import { parseTidyPeriod } from '../../domain/period.ts';
import { AppError } from '../../errors.ts';
import { actorUserId } from '../../policies/actor.ts';
import { canCreateTeam } from '../../policies/team.ts';
import type { Store } from '../../store/db.ts';
import { findMetric } from '../../store/repos/metric-repo.ts';
import { findOrganisation } from '../../store/repos/organisation-repo.ts';
import {
  findTeam,
  findTeamIndicator,
  insertTeam,
  insertTeamIndicator,
  type TeamIndicatorDetail,
  type TeamRow,
  teamCodesWithPrefix,
  updateTeamIndicator,
} from '../../store/repos/team-repo.ts';
import { metricPart } from '../../store/repos/version-repo.ts';
import { auditedWrite, authorise, isoDay, type UseCaseContext } from '../context.ts';
import { type ImportResult, importFile } from '../import-file.ts';
import { authoriseTeam, requireTeam, teamMetricPrefix } from './access.ts';

function validationError(what: string, problems: readonly string[]): AppError {
  return new AppError(
    'VALIDATION_FAILED',
    `The ${what} has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`,
    { details: problems },
  );
}

/** A team's code: letters and digits, 3 to 9, so it is a code everywhere an organisation's is. */
export const teamCodePattern = /^[A-Z0-9]{3,9}$/;

/** What a new team is made of. */
export interface NewTeamInput {
  /** The organisation the team belongs to. */
  org: string;
  name: string;
  /** Its code; by default the organisation's code, `T` and the next free number (`RYYT01`). */
  code?: string;
}

/**
 * createTeam: adds a team inside an organisation — an organisation of kind team, tied to its
 * organisation — for the organisation's admins. Its people are then granted roles on its code.
 */
export async function createTeam(context: UseCaseContext, input: NewTeamInput): Promise<TeamRow> {
  const orgCode = input.org.trim().toUpperCase();
  authorise(context, canCreateTeam(context.actor, orgCode), `add teams to ${orgCode || 'an organisation'}`);
  const problems: string[] = [];
  const parent = orgCode ? await findOrganisation(context.db, orgCode) : undefined;
  if (!parent) problems.push(`org: No organisation has the code ${orgCode || '(none given)'}`);
  else if (parent.kind === 'team')
    problems.push(`org: ${parent.code} is a team; a team belongs to an organisation`);
  const name = input.name.trim().replace(/\s+/g, ' ');
  if (name === '') problems.push('name: Enter the team’s name');
  else if (name.length > 120) problems.push('name: Keep the team’s name to 120 characters');
  let code = input.code?.trim().toUpperCase() ?? '';
  if (code !== '') {
    if (!teamCodePattern.test(code)) problems.push('code: A team’s code is 3 to 9 letters and digits');
    else if (await findOrganisation(context.db, code)) problems.push(`code: ${code} is already in use`);
  } else if (parent) {
    const prefix = `${parent.code.slice(0, 6)}T`;
    const taken = new Set(await teamCodesWithPrefix(context.db, prefix));
    for (let number = 1; number < 100 && code === ''; number++) {
      const candidate = `${prefix}${String(number).padStart(2, '0')}`;
      if (!taken.has(candidate)) code = candidate;
    }
    if (code === '') problems.push('code: Give the team a code: the numbered ones are all taken');
  }
  if (problems.length || !parent) throw validationError('team', problems);
  const team: TeamRow = { code, name, parent_code: parent.code, parent_name: parent.name };
  return auditedWrite(context, {}, async (trx, at) => {
    await insertTeam(trx, { code, name, parentCode: parent.code, validFrom: isoDay(at) });
    return {
      result: team,
      audit: {
        action: 'team.create',
        entityType: 'team',
        entityId: code,
        orgCode: parent.code,
        after: { code, name, org: parent.code },
      },
    };
  });
}

/** What a new team indicator is made of, as a form or the API gives it (checked here). */
export interface NewTeamIndicatorInput {
  name: string;
  /** Short id within the team (lower case, hyphens); by default made from the name. */
  slug?: string;
  /** How it is measured: what is counted, over what. */
  definition: string;
  unit: string;
  direction: string;
  /** Optional target, a number. */
  target?: string | number | null;
  whyItMatters: string;
  visibility: string;
  isExample?: boolean;
}

/** A slug from a name: "Continuity of carer (%)" → "continuity-of-carer". */
export function slugOf(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)
    .replace(/-$/, '');
}

const units = ['%', 'count', 'rate', 'days', 'hours', 'minutes', 'ratio', '£'] as const;

/**
 * createTeamIndicator: a team defines an indicator of its own — its name, definition, unit,
 * direction, optional target, why it matters, and who may read it (public, or the organisation
 * only). It becomes the metric `team.<TEAM>.<slug>`, charted like any other. Team admins and the
 * organisation's admins; every problem is listed at once.
 */
export async function createTeamIndicator(
  context: UseCaseContext,
  teamCode: string,
  input: NewTeamIndicatorInput,
): Promise<TeamIndicatorDetail> {
  const team = await requireTeam(context, teamCode);
  authoriseTeam(context, 'administer', team);
  const { problems, fields } = checkIndicatorInput(input);
  const { name, slug, definition, unit, direction, target, whyItMatters, visibility } = fields;
  const metricId = `${teamMetricPrefix}${team.code}.${slug}`;
  if (
    problems.length === 0 &&
    ((await findMetric(context.db, metricId)) || (await findTeamIndicator(context.db, metricId)))
  )
    problems.push(`slug: The team already has an indicator ${slug}`);
  if (problems.length) throw validationError('indicator', problems);

  await auditedWrite(context, {}, async (trx, at) => {
    await insertTeamIndicator(
      trx,
      {
        id: metricId,
        name,
        description: definition,
        unit,
        direction,
        domain: 'team',
        subdomain: team.name,
        source_publication: `Entered by ${team.name}, ${team.parent_name}`,
        numerator_definition: null,
        denominator_definition: null,
        builtin: false,
      },
      {
        metric_id: metricId,
        team_code: team.code,
        slug,
        why_it_matters: whyItMatters,
        target,
        visibility,
        created_by: actorUserId(context.actor),
        created_at: at,
        updated_at: at,
        is_example: input.isExample ?? false,
      },
    );
    return {
      result: undefined,
      audit: {
        action: 'team_indicator.create',
        entityType: 'team_indicator',
        entityId: metricId,
        orgCode: team.code,
        after: { metric: metricId, unit, direction, target, visibility },
      },
    };
  });
  const created = await findTeamIndicator(context.db, metricId);
  if (!created) throw new AppError('INTERNAL', 'The new indicator could not be read back.');
  return created;
}

/** One value of a team indicator, as a form or the API gives it. */
export interface TeamValueInput {
  /** `YYYY-MM` or `YYYY-MM-DD`. */
  period: string;
  /** The figure; null or empty for a missing one. */
  value: number | string | null;
  note?: string | null;
}

/** Every problem with an indicator's fields at once, and the fields as they will be stored. */
function checkIndicatorInput(input: NewTeamIndicatorInput) {
  const problems: string[] = [];
  const name = (input.name ?? '').trim().replace(/\s+/g, ' ');
  if (name === '') problems.push('name: Enter the indicator’s name');
  else if (name.length > 120) problems.push('name: Keep the name to 120 characters');
  const slug = (input.slug ?? '').trim() || slugOf(name);
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) || slug.length > 40)
    problems.push('slug: A short id is lower-case letters, digits and single hyphens, at most 40');
  const definition = (input.definition ?? '').trim();
  if (definition === '') problems.push('definition: Say how the indicator is measured');
  else if (definition.length > 2000) problems.push('definition: Keep the definition to 2,000 characters');
  const unit = (input.unit ?? '').trim();
  if (!(units as readonly string[]).includes(unit)) problems.push(`unit: Choose one of ${units.join(', ')}`);
  const direction = (input.direction ?? '').trim() as Direction;
  if (!metricDirections.includes(direction))
    problems.push('direction: Choose whether higher or lower is better, or neither');
  let target: number | null = null;
  const targetText = input.target === undefined || input.target === null ? '' : String(input.target).trim();
  if (targetText !== '') {
    target = Number(targetText);
    if (!Number.isFinite(target) || Math.abs(target) > 1e12) {
      problems.push('target: The target must be a number, or left empty');
      target = null;
    }
  }
  const whyItMatters = (input.whyItMatters ?? '').trim();
  if (whyItMatters === '') problems.push('whyItMatters: Say why the indicator matters to the team');
  else if (whyItMatters.length > 4000) problems.push('whyItMatters: Keep it to 4,000 characters');
  const visibility = (input.visibility ?? '').trim() as TeamIndicatorVisibility;
  if (!teamIndicatorVisibilities.includes(visibility))
    problems.push('visibility: Choose public or organisation');
  return {
    problems,
    fields: { name, slug, definition, unit, direction, target, whyItMatters, visibility },
  };
}

/** What may change of a team indicator: everything but its id, unit and direction (its values keep their meaning). */
export type TeamIndicatorChange = Pick<
  NewTeamIndicatorInput,
  'name' | 'definition' | 'target' | 'whyItMatters' | 'visibility'
>;

/**
 * editTeamIndicator: the team changes an indicator's name, definition, target, why it matters or
 * who may read it (the team's choice: public or the organisation only). Its unit and direction stay,
 * so its values keep their meaning. Team admins and the organisation's admins; one audit entry
 * naming what changed; every problem listed at once.
 */
export async function editTeamIndicator(
  context: UseCaseContext,
  teamCode: string,
  slug: string,
  change: TeamIndicatorChange,
): Promise<TeamIndicatorDetail> {
  const team = await requireTeam(context, teamCode);
  authoriseTeam(context, 'administer', team);
  const metricId = `${teamMetricPrefix}${team.code}.${slug}`;
  const current = await findTeamIndicator(context.db, metricId);
  if (!current || current.team_code !== team.code)
    throw new AppError(
      'NOT_FOUND',
      `The team ${team.name} has no indicator ${JSON.stringify(slug.slice(0, 80))}.`,
    );
  const { problems, fields } = checkIndicatorInput({
    ...change,
    slug,
    unit: current.unit,
    direction: current.direction,
  });
  if (problems.length) throw validationError('indicator', problems);
  const before = {
    name: current.name,
    definition: current.description,
    target: current.target,
    whyItMatters: current.why_it_matters,
    visibility: current.visibility,
  };
  const after = {
    name: fields.name,
    definition: fields.definition,
    target: fields.target,
    whyItMatters: fields.whyItMatters,
    visibility: fields.visibility,
  };
  // Names and targets are part of what charts compute and caches keep: a data change.
  await auditedWrite(
    context,
    { changesData: { parts: [metricPart(metricId), 'reference'] } },
    async (trx, at) => {
      await updateTeamIndicator(trx, metricId, {
        name: fields.name,
        description: fields.definition,
        whyItMatters: fields.whyItMatters,
        target: fields.target,
        visibility: fields.visibility,
        at,
      });
      return {
        result: undefined,
        audit: {
          action: 'team_indicator.edit',
          entityType: 'team_indicator',
          entityId: metricId,
          orgCode: team.code,
          before,
          after,
        },
      };
    },
  );
  const changed = await findTeamIndicator(context.db, metricId);
  if (!changed) throw new AppError('INTERNAL', 'The indicator could not be read back.');
  return changed;
}

/** A CSV cell, quoted when it must be. */
function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * enterTeamValues: values of a team indicator, typed in a form or sent to the API, imported
 * exactly as the tidy template with a `team` column is — the same checks, all or nothing, the
 * earlier values kept in history — as the team's contributor's or admin's import.
 */
export async function enterTeamValues(
  context: UseCaseContext & { store: Store },
  teamCode: string,
  indicatorSlug: string,
  values: readonly TeamValueInput[],
): Promise<ImportResult> {
  const team = await requireTeam(context, teamCode);
  authoriseTeam(context, 'enter-values', team);
  const problems: string[] = [];
  if (values.length === 0) problems.push('values: Give at least one period and value');
  if (values.length > 10_000) problems.push('values: Send at most 10,000 values at a time');
  values.forEach((entry, index) => {
    if (!parseTidyPeriod(String(entry.period ?? '')))
      problems.push(`values[${index}].period: ${JSON.stringify(entry.period)} is not YYYY-MM or YYYY-MM-DD`);
  });
  if (problems.length) throw validationError('list of values', problems);
  const slug = indicatorSlug.startsWith(`${teamMetricPrefix}${team.code}.`)
    ? indicatorSlug.slice(`${teamMetricPrefix}${team.code}.`.length)
    : indicatorSlug;
  const lines = ['org_code,team,metric_id,period,value,note'];
  for (const entry of values)
    lines.push(
      [
        team.parent_code,
        team.code,
        slug,
        String(entry.period),
        entry.value === null || entry.value === undefined ? '' : String(entry.value),
        entry.note ?? '',
      ]
        .map(csvCell)
        .join(','),
    );
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-team-values-'));
  try {
    const file = path.join(folder, 'values.csv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
    const result = await importFile(context.store, file, {
      actor: context.actor,
      displayName: `${team.code}-${slug}-values.csv`,
      clock: context.clock,
      mergeEvenIfSeen: true,
    });
    if (result.outcome === 'rejected')
      throw new AppError(
        'IMPORT_FAILED',
        `The values were refused: ${result.errorCount} problem(s); nothing was saved.`,
        {
          details: result.issues.map(
            (issue) => `${issue.row === null ? '' : `row ${issue.row - 1}: `}${issue.message}`,
          ),
        },
      );
    return result;
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

export { findTeam };
