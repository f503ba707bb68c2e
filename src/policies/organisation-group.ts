import { type Actor, hasNationalOversight, oversightOfRegions } from './actor.ts';
import type { OrganisationContext } from './organisation-context.ts';

/**
 * Group policy: groups of organisations under shared leadership (one board controlling two or more
 * trusts) and their dated memberships.
 *
 * Reading is public: a group, its members and their dates are public facts, like an ICB's members,
 * so every list and page of groups is read without signing in and needs no read scope.
 *
 * Writing — creating a group, adding a member, ending a membership, editing the description:
 * - national administrators may do it for any organisation. Tend has no administrator role above an
 *   organisation, so national administration is NHS England's national oversight (`oversight` over
 *   England), which holds the national view of how trusts are led;
 * - regional administrators may do it only for trusts in their region. Tend has no regional
 *   administrator role either: the region's oversight (`oversight` over an NHS England region) is the
 *   team that agrees a group's oversight arrangements with its trusts, so it is the regional
 *   administrator here. A group is created by a region only when every founding trust is in it; a
 *   member is added or its membership ended only for a trust in it; the description is edited only
 *   while every current member is in it (a group across regions is national oversight's);
 * - the operator may do everything.
 * An organisation's own administrators do not decide their group: it is a fact about how the trust is
 * led, recorded by those who oversee it, and every change is in the organisation's audit log.
 */

/** Whether the actor may record groups at all (`mayManageSomeGroup`): the operator, national or regional oversight. */
export function mayManageSomeGroup(actor: Actor): boolean {
  return actor.kind === 'operator' || hasNationalOversight(actor) || oversightOfRegions(actor).length > 0;
}

/**
 * Whether the actor may add the organisation to a group or end its membership
 * (`canManageGroupMembership`): the operator, national oversight, oversight of a region it is in.
 */
export function canManageGroupMembership(actor: Actor, organisation: OrganisationContext): boolean {
  if (actor.kind === 'operator' || hasNationalOversight(actor)) return true;
  const regions = oversightOfRegions(actor);
  return organisation.regionCodes.some((region) => regions.includes(region));
}

/**
 * Whether the actor may create a group of these founding organisations (`canCreateGroup`): each of
 * them one whose membership the actor manages.
 */
export function canCreateGroup(actor: Actor, founders: readonly OrganisationContext[]): boolean {
  return (
    mayManageSomeGroup(actor) &&
    founders.every((organisation) => canManageGroupMembership(actor, organisation))
  );
}

/**
 * Whether the actor may edit the group's description (`canEditGroup`): the operator, national
 * oversight, or oversight of a region every current member is in (a group with no current member is
 * national oversight's).
 */
export function canEditGroup(actor: Actor, currentMembers: readonly OrganisationContext[]): boolean {
  if (actor.kind === 'operator' || hasNationalOversight(actor)) return true;
  return (
    currentMembers.length > 0 &&
    currentMembers.every((organisation) => canManageGroupMembership(actor, organisation))
  );
}
