import type { AgreementStatus, ProposalStatus } from '../domain/risk-sharing.ts';
import { type Actor, adminOf, systemLeadOf } from './actor.ts';
import { type ContentScope, scope } from './scope.ts';

/**
 * Risk-sharing policy. A risk-sharing agreement belongs to an integrated care board (ICB) and is
 * between some of its providers (the parties).
 *
 * Reading (the same rule as `riskSharingScopeFilter` in store/repos/scope-filter.ts): those involved
 * — the parties' people (member, contributor, admin), the ICB's system leads and its own people,
 * oversight of a region a party belongs to, national oversight and the operator — read everything.
 * Once an agreement is agreed (and after it has ended) everyone reads it, signed in or not: an agreed
 * risk-sharing agreement between public bodies is public. Drafts, and proposals still open, stay with
 * those involved; a proposal decided on an agreed agreement is public with it.
 *
 * Writing: the ICB's system leads and administrators, and the parties' administrators, create a draft
 * (an administrator only with their own organisation among the parties), change it while it is a
 * draft, add review dates and record a review held while it is not ended, and propose a rebalance
 * between two parties. The ICB's system leads and administrators mark a draft agreed, and an agreed
 * one ended. Each party a proposal names (supporting and supported) records its decision, by its
 * administrators, once, while the proposal is open. The operator may do everything.
 */

/** An agreement as the policy sees it. */
export interface RiskSharingResource {
  readonly icbCode: string;
  readonly status: AgreementStatus;
  readonly partyCodes: readonly string[];
  /** The regions the parties belong to. */
  readonly partyRegionCodes: readonly string[];
}

/** Whether the actor is among those involved in the agreement (`isInvolvedInRiskSharing`). */
export function isInvolvedInRiskSharing(actor: Actor, agreement: RiskSharingResource): boolean {
  const content: ContentScope = scope(actor, 'read', 'risk_sharing');
  return (
    content.everything ||
    content.england ||
    content.systems.includes(agreement.icbCode) ||
    content.peopleOf.includes(agreement.icbCode) ||
    agreement.partyCodes.some((code) => content.peopleOf.includes(code)) ||
    agreement.partyRegionCodes.some((code) => content.regions.includes(code))
  );
}

/** Whether the agreement is public: agreed, or agreed and since ended (`isRiskSharingPublic`). */
export function isRiskSharingPublic(agreement: Pick<RiskSharingResource, 'status'>): boolean {
  return agreement.status !== 'draft';
}

/** Whether the actor may read the agreement (`canReadRiskSharing`). */
export function canReadRiskSharing(actor: Actor, agreement: RiskSharingResource): boolean {
  return isRiskSharingPublic(agreement) || isInvolvedInRiskSharing(actor, agreement);
}

/** Whether the actor may read a proposal of a readable agreement (`canReadRiskSharingProposal`): open ones, those involved. */
export function canReadRiskSharingProposal(
  actor: Actor,
  agreement: RiskSharingResource,
  proposal: { readonly status: ProposalStatus },
): boolean {
  if (!canReadRiskSharing(actor, agreement)) return false;
  return proposal.status !== 'open' || isInvolvedInRiskSharing(actor, agreement);
}

/** Whether the actor answers for the ICB (`answersForIcb`): its system leads and administrators, the operator. */
export function answersForIcb(actor: Actor, icbCode: string): boolean {
  return (
    actor.kind === 'operator' || systemLeadOf(actor).includes(icbCode) || adminOf(actor).includes(icbCode)
  );
}

/** Whether the actor may start some agreement (`mayStartRiskSharing`): a system lead or an administrator, the operator. */
export function mayStartRiskSharing(actor: Actor): boolean {
  return actor.kind === 'operator' || systemLeadOf(actor).length > 0 || adminOf(actor).length > 0;
}

/** Whether the actor may create a draft for the ICB between these parties (`mayCreateRiskSharing`). */
export function mayCreateRiskSharing(actor: Actor, icbCode: string, partyCodes: readonly string[]): boolean {
  return answersForIcb(actor, icbCode) || partyCodes.some((code) => adminOf(actor).includes(code));
}

/** Whether the actor writes for the agreement: the ICB, or a party's administrators (`writesForRiskSharing`). */
export function writesForRiskSharing(actor: Actor, agreement: RiskSharingResource): boolean {
  return mayCreateRiskSharing(actor, agreement.icbCode, agreement.partyCodes);
}

export type RiskSharingAction = 'read' | 'edit' | 'review' | 'propose' | 'agree' | 'end';

/**
 * Whether the actor may `read` the agreement, `edit` the draft, add or record a `review`, `propose`
 * a rebalance, `agree` the draft or `end` the agreed agreement (`canRiskSharing`).
 */
export function canRiskSharing(
  actor: Actor,
  action: RiskSharingAction,
  agreement: RiskSharingResource,
): boolean {
  if (!canReadRiskSharing(actor, agreement)) return false;
  switch (action) {
    case 'read':
      return true;
    case 'edit':
      return agreement.status === 'draft' && writesForRiskSharing(actor, agreement);
    case 'review':
    case 'propose':
      return agreement.status !== 'ended' && writesForRiskSharing(actor, agreement);
    case 'agree':
      return agreement.status === 'draft' && answersForIcb(actor, agreement.icbCode);
    case 'end':
      return agreement.status === 'agreed' && answersForIcb(actor, agreement.icbCode);
  }
}

/**
 * The parties the actor may record a decision for on an open proposal (`partiesDecidingAs`): of the
 * two it names, those the actor administers and that have not decided yet; the operator, any of them.
 */
export function partiesDecidingAs(
  actor: Actor,
  proposal: {
    readonly status: ProposalStatus;
    readonly supportingOrgCode: string;
    readonly supportedOrgCode: string;
    readonly decidedBy: readonly string[];
  },
): string[] {
  if (proposal.status !== 'open') return [];
  return [proposal.supportingOrgCode, proposal.supportedOrgCode].filter(
    (code) =>
      !proposal.decidedBy.includes(code) && (actor.kind === 'operator' || adminOf(actor).includes(code)),
  );
}
