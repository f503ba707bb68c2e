import { AppError } from '../../errors.ts';
import type { OrganisationContext } from '../../policies/organisation-context.ts';
import { scope } from '../../policies/scope.ts';
import { canTeam, type TeamAction, type TeamResource } from '../../policies/team.ts';
import { canReadTeamIndicator } from '../../policies/team-indicator.ts';
import { organisationContext } from '../../store/repos/organisation-repo.ts';
import {
  findTeam,
  findTeamIndicator,
  listTeamIndicators,
  type TeamIndicatorDetail,
  type TeamRow,
} from '../../store/repos/team-repo.ts';
import { authorise, type UseCaseContext } from '../context.ts';

/** The prefix of every team indicator's metric id: `team.<TEAMCODE>.<slug>`. */
export const teamMetricPrefix = 'team.';

/** Whether a metric id names a team's own indicator (never listed nationally). */
export function isTeamMetricId(metricId: string): boolean {
  return metricId.startsWith(teamMetricPrefix);
}

/** A team or NOT_FOUND. */
export async function requireTeam(context: Pick<UseCaseContext, 'db'>, code: string): Promise<TeamRow> {
  const team = /^[A-Za-z0-9]{2,10}$/.test(code) ? await findTeam(context.db, code) : undefined;
  if (!team)
    throw new AppError(
      'NOT_FOUND',
      `No team has the code ${JSON.stringify(code.slice(0, 40))}. List an organisation's teams with \`tend teams list --org CODE\`.`,
    );
  return team;
}

/** The team as the team policy sees it. */
export function teamResource(team: TeamRow): TeamResource {
  return { code: team.code, parentCode: team.parent_code };
}

/** Throws FORBIDDEN (UNAUTHENTICATED when signed out) unless the actor may act on the team. */
export function authoriseTeam(context: UseCaseContext, action: TeamAction, team: TeamRow): void {
  authorise(
    context,
    canTeam(context.actor, action, teamResource(team)),
    action === 'administer'
      ? `manage the team ${team.name} of ${team.parent_name}`
      : `enter values for the team ${team.name} of ${team.parent_name}`,
  );
}

async function parentContext(context: Pick<UseCaseContext, 'db'>, parentCode: string) {
  return (
    (await organisationContext(context.db, parentCode)) ??
    ({ code: parentCode, icbCodes: [], regionCodes: [] } satisfies OrganisationContext)
  );
}

/** Whether the actor may read this team indicator (public, or organisation-only and theirs to read). */
export async function canReadIndicator(
  context: Pick<UseCaseContext, 'db' | 'actor'>,
  indicator: TeamIndicatorDetail,
): Promise<boolean> {
  if (indicator.visibility === 'public') return true;
  return canReadTeamIndicator(context.actor, {
    teamCode: indicator.team_code,
    org: await parentContext(context, indicator.parent_code),
    visibility: indicator.visibility,
  });
}

/**
 * Whether the actor may read a metric's values: every national metric, and the team indicators the
 * team-indicator policy allows. Every chart, series, download and API response of a metric asks it.
 */
export async function canReadMetric(
  context: Pick<UseCaseContext, 'db' | 'actor'>,
  metricId: string,
): Promise<boolean> {
  if (!isTeamMetricId(metricId)) return true;
  const indicator = await findTeamIndicator(context.db, metricId);
  return indicator === undefined || (await canReadIndicator(context, indicator));
}

/** NOT_FOUND — as if it did not exist — unless the actor may read the metric. */
export async function requireReadableMetric(
  context: Pick<UseCaseContext, 'db' | 'actor'>,
  metricId: string,
): Promise<void> {
  if (await canReadMetric(context, metricId)) return;
  throw new AppError('NOT_FOUND', `No metric has the id ${JSON.stringify(metricId)}.`);
}

/** A team indicator the actor may read, or NOT_FOUND. */
export async function requireReadableIndicator(
  context: Pick<UseCaseContext, 'db' | 'actor'>,
  team: TeamRow,
  indicatorId: string,
): Promise<TeamIndicatorDetail> {
  const metricId = isTeamMetricId(indicatorId)
    ? indicatorId
    : `${teamMetricPrefix}${team.code}.${indicatorId}`;
  const indicator = await findTeamIndicator(context.db, metricId);
  if (!indicator || indicator.team_code !== team.code || !(await canReadIndicator(context, indicator)))
    throw new AppError(
      'NOT_FOUND',
      `The team ${team.name} has no indicator ${JSON.stringify(indicatorId.slice(0, 80))}.`,
    );
  return indicator;
}

/** The team indicators the actor reads, of one team or of every team of an organisation. */
export async function readableTeamIndicators(
  context: Pick<UseCaseContext, 'db' | 'actor'>,
  where: { team?: string; parent?: string },
): Promise<TeamIndicatorDetail[]> {
  return listTeamIndicators(context.db, where, scope(context.actor, 'read', 'team_indicator'));
}
