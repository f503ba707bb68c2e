import type { TeamIndicatorVisibility } from '../domain/people.ts';
import type { Actor } from './actor.ts';
import type { OrganisationContext } from './organisation-context.ts';
import { overseesOrganisation, scope } from './scope.ts';

/** A team's own indicator as the policy sees it. */
export interface TeamIndicatorResource {
  readonly teamCode: string;
  /** The organisation the team belongs to, with its ICBs and region. */
  readonly org: OrganisationContext;
  readonly visibility: TeamIndicatorVisibility;
}

/**
 * Who reads a team indicator — its name, definition, values, chart, download and signals. Public:
 * everyone. Organisation only: the team's people, the organisation's people, and those who oversee
 * the organisation (the system lead of an ICB it belongs to, oversight of its region, national
 * oversight), as for organisation-only narratives. The same rule as `teamIndicatorScopeFilter` in
 * `store/repos/scope-filter.ts`, which filters every list.
 */
export function canReadTeamIndicator(actor: Actor, indicator: TeamIndicatorResource): boolean {
  if (indicator.visibility === 'public') return true;
  const readable = scope(actor, 'read', 'team_indicator');
  if (readable.everything) return true;
  return readable.peopleOf.includes(indicator.teamCode) || overseesOrganisation(readable, indicator.org);
}
