import { adminOf, writerOf } from '../../policies/actor.ts';
import { canCreateTeam, canTeam } from '../../policies/team.ts';
import { metricsByIds } from '../../store/repos/metric-repo.ts';
import {
  findTeam,
  latestTeamValues,
  listTeams,
  type TeamIndicatorDetail,
  type TeamRow,
  teamsOfParents,
} from '../../store/repos/team-repo.ts';
import type { MetricRow } from '../../store/tables.ts';
import type { UseCaseContext } from '../context.ts';
import { formatMetricValue, periodLabel } from '../spc-view.ts';
import { readableTeamIndicators, requireTeam, teamResource } from './access.ts';

/** A team indicator as pages and the API show it, with its latest value. */
export interface TeamIndicatorView {
  id: string;
  slug: string;
  teamCode: string;
  teamName: string;
  orgCode: string;
  orgName: string;
  name: string;
  definition: string | null;
  unit: string;
  direction: string;
  target: number | null;
  whyItMatters: string;
  visibility: string;
  isExample: boolean;
  points: number;
  latestPeriod: string | null;
  latestValue: number | null;
  latestText: string;
  chartHref: string;
}

/** The indicators with each one's latest value and number of points. */
export async function withLatest(
  context: Pick<UseCaseContext, 'db'>,
  indicators: readonly TeamIndicatorDetail[],
): Promise<TeamIndicatorView[]> {
  const latest = await latestTeamValues(
    context.db,
    indicators.map((indicator) => indicator.metric_id),
  );
  return indicators.map((indicator) => {
    const reading = latest.get(indicator.metric_id);
    return {
      id: indicator.metric_id,
      slug: indicator.slug,
      teamCode: indicator.team_code,
      teamName: indicator.team_name,
      orgCode: indicator.parent_code,
      orgName: indicator.parent_name,
      name: indicator.name,
      definition: indicator.description,
      unit: indicator.unit,
      direction: indicator.direction,
      target: indicator.target,
      whyItMatters: indicator.why_it_matters,
      visibility: indicator.visibility,
      isExample: indicator.is_example,
      points: reading?.points ?? 0,
      latestPeriod: reading?.latest_start ?? null,
      latestValue: reading?.latest_value ?? null,
      latestText: reading?.latest_start
        ? `${formatMetricValue(reading.latest_value, indicator)} (${periodLabel(reading.latest_start, 'month')})`
        : 'No values yet',
      chartHref: `/organisations/${encodeURIComponent(indicator.team_code)}/metrics/${encodeURIComponent(indicator.metric_id)}`,
    };
  });
}

/** listTeamsOf: an organisation's teams (or every team): names and codes are public. */
export async function listTeamsOf(context: Pick<UseCaseContext, 'db'>, orgCode?: string): Promise<TeamRow[]> {
  return listTeams(context.db, orgCode);
}

/** What the team page shows the reader: the team, the indicators they may read, what they may do. */
export async function teamView(context: UseCaseContext, code: string) {
  const team = await requireTeam(context, code);
  const indicators = await withLatest(context, await readableTeamIndicators(context, { team: team.code }));
  return {
    team,
    indicators,
    canAdminister: canTeam(context.actor, 'administer', teamResource(team)),
    canEnterValues: canTeam(context.actor, 'enter-values', teamResource(team)),
  };
}

/** The team indicators of an organisation's teams the reader may read: the organisation's own measures. */
export async function organisationTeamIndicators(context: UseCaseContext, orgCode: string) {
  const teams = await listTeams(context.db, orgCode);
  const indicators = await withLatest(context, await readableTeamIndicators(context, { parent: orgCode }));
  return { teams, indicators, canCreateTeam: canCreateTeam(context.actor, orgCode.toUpperCase()) };
}

/** The teams whose values the actor may enter (their own, and the teams of organisations they administer). */
export async function teamsActorEntersValuesFor(context: UseCaseContext): Promise<TeamRow[]> {
  const actor = context.actor;
  if (actor.kind !== 'user') return [];
  const own = [];
  for (const code of writerOf(actor)) {
    const team = await findTeam(context.db, code);
    if (team) own.push(team);
  }
  return [...own, ...(await teamsOfParents(context.db, adminOf(actor)))];
}

/** The metric rows of a team's indicators the actor may read (none for an organisation that is not a team). */
export async function teamMetricsOf(context: UseCaseContext, code: string): Promise<MetricRow[]> {
  const indicators = await readableTeamIndicators(context, { team: code });
  return metricsByIds(
    context.db,
    indicators.map((indicator) => indicator.metric_id),
  );
}
