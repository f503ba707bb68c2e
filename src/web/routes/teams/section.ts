import type { UseCaseContext } from '../../../app/context.ts';
import { organisationTeamIndicators } from '../../../app/teams/read.ts';
import { teamIndicatorsTable, teamPath } from './present.ts';

/**
 * The organisation page's teams section, for the reader (never kept with the page's shared view
 * model): its teams' indicators the reader may see as the organisation's own measures, its teams,
 * and the link to add one for its admins. Nothing for a team, an ICB or a region without teams.
 */
export async function organisationTeamSection(context: UseCaseContext, orgCode: string, kind: string) {
  if (kind === 'team') return { teamMeasures: null };
  const { teams, indicators, canCreateTeam } = await organisationTeamIndicators(context, orgCode);
  if (teams.length === 0 && !canCreateTeam) return { teamMeasures: null };
  return {
    teamMeasures: {
      table: indicators.length
        ? teamIndicatorsTable(indicators, {
            id: 'team-indicators',
            caption: 'Team indicators',
            fileName: `tend-team-indicators-${orgCode}`,
            withTeam: true,
          })
        : null,
      teams: teams.map((team) => ({ name: team.name, href: teamPath(team.code) })),
      newTeamHref: canCreateTeam ? `/organisations/${encodeURIComponent(orgCode)}/teams/new` : null,
    },
  };
}
