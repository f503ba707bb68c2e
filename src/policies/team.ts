import { type Actor, adminOf, writerOf } from './actor.ts';

/** A team as the policy sees it: its code and the organisation it is a team of. */
export interface TeamResource {
  readonly code: string;
  readonly parentCode: string;
}

/**
 * What can be done with a team: `administer` (rename, define and change its indicators, grant its
 * roles) and `enter-values` (type or import its indicators' values).
 */
export type TeamAction = 'administer' | 'enter-values';

/**
 * Team policy. A team's people are role grants on the team's code (member, contributor, admin), and
 * an admin of the organisation it belongs to administers all its teams. Teams are created by the
 * organisation's admins. Values are entered by the team's contributors and admins (and the
 * organisation's admins); indicators are defined by the team's admins and the organisation's admins.
 */
export function canTeam(actor: Actor, action: TeamAction, team: TeamResource): boolean {
  if (actor.kind === 'operator') return true;
  if (adminOf(actor).some((code) => code === team.code || code === team.parentCode)) return true;
  if (action === 'enter-values') return writerOf(actor).includes(team.code);
  return false;
}

/** Whether the actor may create a team inside the organisation `parentCode`. */
export function canCreateTeam(actor: Actor, parentCode: string): boolean {
  return actor.kind === 'operator' || adminOf(actor).includes(parentCode);
}
