import type { InquiryState } from '../domain/inquiry.ts';
import type { NarrativeVisibility } from '../domain/people.ts';
import {
  type Actor,
  adminOf,
  hasNationalOversight,
  oversightOfRegions,
  systemLeadOf,
  writerOf,
} from './actor.ts';
import type { OrganisationContext } from './organisation-context.ts';
import { overseesOrganisation, scope } from './scope.ts';

/**
 * Inquiry policy. An inquiry (or learning review) belongs to one organisation.
 *
 * Reading (the same rules as `inquiryScopeFilter` in store/repos/scope-filter.ts; a test checks
 * they agree row by row):
 * - the operator reads everything;
 * - whoever opened it, and whoever invited the organisation into it, reads it;
 * - named people only: those people (and the two above);
 * - public: everyone, once the organisation has accepted it (an invitation, or a declined one, is
 *   read as organisation only);
 * - organisation only: the organisation's people (member, contributor, admin), the system lead of an
 *   ICB it belongs to, oversight of its region, national oversight (for a team, also the people and
 *   overseers of the organisation it belongs to);
 * - and, whatever the above, nobody but the operator reads an inquiry about a team's indicator they may
 *   not read (`team-indicator.ts`).
 *
 * Writing: the organisation's contributors and administrators (for a team, also its organisation's
 * administrators) open one by hand, accept or decline an
 * invitation, and — while it is under way — add notes, factors and actions, answer its prompts, move
 * its state and close it. Oversight of its region, national oversight and the system lead of its ICB
 * invite the organisation into one. A named-only inquiry is written only by those who read it.
 */
export interface InquiryResource {
  readonly org: OrganisationContext;
  /** For a team's inquiry, the organisation the team belongs to: its overseers and admins count too. */
  readonly parent?: OrganisationContext | null;
  readonly state: InquiryState;
  readonly visibility: NarrativeVisibility;
  readonly createdBy: number | null;
  readonly invitedBy: number | null;
  /** The people a named-only inquiry is shared with. */
  readonly readerIds: readonly number[];
  /**
   * Whether the actor may read the inquiry's metric (`canReadMetric`): false only for a team's
   * organisation-only indicator they may not read, whose inquiries stay as hidden as its chart.
   */
  readonly metricReadable?: boolean;
}

export type InquiryAction = 'read' | 'respond' | 'work';

const underWay: readonly InquiryState[] = ['opened', 'gathering', 'sense_making', 'actions_agreed'];

/** Whether the actor may `read` an inquiry, `respond` to an invitation, or `work` on it (`canInquiry`). */
export function canInquiry(actor: Actor, action: InquiryAction, inquiry: InquiryResource): boolean {
  if (!canReadInquiry(actor, inquiry)) return false;
  if (action === 'read') return true;
  if (action === 'respond' && inquiry.state !== 'invited') return false;
  if (action === 'work' && !underWay.includes(inquiry.state)) return false;
  return isWriter(actor, inquiry.org.code, inquiry.parent?.code);
}

/** The organisation's contributors and admins; for a team, also the admins of its organisation. */
function isWriter(actor: Actor, orgCode: string, parentCode: string | undefined): boolean {
  if (actor.kind === 'operator' || writerOf(actor).includes(orgCode)) return true;
  return parentCode !== undefined && adminOf(actor).includes(parentCode);
}

/**
 * Whether the actor may open an inquiry of the organisation by hand (`canOpenInquiry`); for a team,
 * `parentCode` is its organisation, whose admins administer it.
 */
export function canOpenInquiry(actor: Actor, orgCode: string, parentCode?: string): boolean {
  return isWriter(actor, orgCode, parentCode);
}

/**
 * Whether the actor may invite the organisation into an inquiry (`canInviteInquiry`): national
 * oversight, oversight of its region, the system lead of an ICB it belongs to, the operator; for a
 * team, those who oversee its organisation (`parent`).
 */
export function canInviteInquiry(
  actor: Actor,
  org: OrganisationContext,
  parent?: OrganisationContext | null,
): boolean {
  if (actor.kind === 'operator') return true;
  if (actor.kind !== 'user') return false;
  const oversees = (each: OrganisationContext) =>
    each.regionCodes.some((region) => oversightOfRegions(actor).includes(region)) ||
    each.icbCodes.some((icb) => systemLeadOf(actor).includes(icb));
  return hasNationalOversight(actor) || oversees(org) || (!!parent && oversees(parent));
}

/** The read rule of one inquiry (`canReadInquiry`). */
export function canReadInquiry(actor: Actor, inquiry: InquiryResource): boolean {
  const content = scope(actor, 'read', 'inquiry');
  if (content.everything) return true;
  if (inquiry.metricReadable === false) return false;
  const userId = content.userId;
  if (userId !== null && (inquiry.createdBy === userId || inquiry.invitedBy === userId)) return true;
  if (inquiry.visibility === 'named') return userId !== null && inquiry.readerIds.includes(userId);
  if (inquiry.visibility === 'public' && inquiry.state !== 'invited' && inquiry.state !== 'declined')
    return true;
  return (
    overseesOrganisation(content, inquiry.org) ||
    (!!inquiry.parent && overseesOrganisation(content, inquiry.parent))
  );
}

/** Who may edit prompt sets: national oversight and the operator (`canEditPromptSets`). */
export function canEditPromptSets(actor: Actor): boolean {
  return actor.kind === 'operator' || hasNationalOversight(actor);
}
