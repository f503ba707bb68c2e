import { AppError } from '../../errors.ts';
import {
  canReadRiskSharing,
  canRiskSharing,
  isInvolvedInRiskSharing,
  mayCreateRiskSharing,
  partiesDecidingAs,
  type RiskSharingResource,
} from '../../policies/risk-sharing.ts';
import { scope } from '../../policies/scope.ts';
import {
  type AgreementWithIcb,
  type DecisionRow,
  findAgreement,
  listAgreements,
  listDecisions,
  listParties,
  listProposals,
  listRiskReviews,
  type PartyWithName,
  type ProposalWithNames,
  type RiskReviewRow,
  regionsOf,
} from '../../store/repos/risk-sharing-repo.ts';
import { findIcb, listSystemMembers } from '../../store/repos/system-repo.ts';
import { isoDay, type UseCaseContext } from '../context.ts';
import { notFound } from './input.ts';

/**
 * Reading risk-sharing agreements through the policy: one agreement with its parties, review dates,
 * the proposals the actor may read with each named party's decision, and what the actor may do; the
 * agreements of an ICB (or all) the actor may read.
 */

/** The policy's view of an agreement (`riskSharingResource`). */
export async function riskSharingResource(
  context: Pick<UseCaseContext, 'db'>,
  agreement: Pick<AgreementWithIcb, 'icb_code' | 'status'>,
  parties: readonly Pick<PartyWithName, 'org_code'>[],
): Promise<RiskSharingResource> {
  const partyCodes = parties.map((party) => party.org_code);
  return {
    icbCode: agreement.icb_code,
    status: agreement.status,
    partyCodes,
    partyRegionCodes: await regionsOf(context.db, partyCodes),
  };
}

/** Loads an agreement with its parties, or NOT_FOUND when the actor may not read it (`loadAgreement`). */
export async function loadAgreement(context: UseCaseContext, id: number) {
  const agreement = await findAgreement(context.db, id);
  if (!agreement) throw notFound(id);
  const parties = await listParties(context.db, id);
  const resource = await riskSharingResource(context, agreement, parties);
  if (!canReadRiskSharing(context.actor, resource)) throw notFound(id);
  return { agreement, parties, resource };
}

/** A proposal as the actor reads it, with the named parties' decisions and those the actor may record. */
export interface ProposalDetail extends ProposalWithNames {
  readonly decisions: readonly DecisionRow[];
  /** The parties the actor may record a decision for now. */
  readonly decideAs: readonly string[];
}

/** What the actor may do with an agreement. */
export interface AgreementPermissions {
  readonly edit: boolean;
  readonly review: boolean;
  readonly propose: boolean;
  readonly agree: boolean;
  readonly end: boolean;
  /** Among those involved: reads drafts and open proposals. */
  readonly involved: boolean;
}

/** An agreement as the actor reads it. */
export interface AgreementDetail {
  readonly agreement: AgreementWithIcb;
  readonly parties: readonly PartyWithName[];
  readonly reviews: readonly RiskReviewRow[];
  readonly proposals: readonly ProposalDetail[];
  readonly may: AgreementPermissions;
}

/** One agreement as the actor may read it (`getAgreement`). */
export async function getAgreement(context: UseCaseContext, id: number): Promise<AgreementDetail> {
  const { agreement, parties, resource } = await loadAgreement(context, id);
  const proposals = await listProposals(context.db, scope(context.actor, 'read', 'risk_sharing'), id);
  const decisions = await listDecisions(
    context.db,
    proposals.map((proposal) => proposal.id),
  );
  return {
    agreement,
    parties,
    reviews: await listRiskReviews(context.db, id),
    proposals: proposals.map((proposal) => {
      const own = decisions.filter((decision) => decision.proposal_id === proposal.id);
      return {
        ...proposal,
        decisions: own,
        decideAs: partiesDecidingAs(context.actor, {
          status: proposal.status,
          supportingOrgCode: proposal.supporting_org_code,
          supportedOrgCode: proposal.supported_org_code,
          decidedBy: own.map((decision) => decision.party_org_code),
        }),
      };
    }),
    may: {
      edit: canRiskSharing(context.actor, 'edit', resource),
      review: canRiskSharing(context.actor, 'review', resource),
      propose: canRiskSharing(context.actor, 'propose', resource),
      agree: canRiskSharing(context.actor, 'agree', resource),
      end: canRiskSharing(context.actor, 'end', resource),
      involved: isInvolvedInRiskSharing(context.actor, resource),
    },
  };
}

/** The agreements the actor may read, of one ICB or of every one (`listReadableAgreements`). */
export async function listReadableAgreements(
  context: UseCaseContext,
  icbCode: string | null,
): Promise<AgreementWithIcb[]> {
  return listAgreements(
    context.db,
    scope(context.actor, 'read', 'risk_sharing'),
    icbCode?.toUpperCase() ?? null,
  );
}

/** An ICB's agreements as the actor reads them, its providers, and whether the actor may propose one. */
export interface SystemRiskSharing {
  readonly icb: { readonly code: string; readonly name: string };
  /** The ICB's members that may be parties (teams aside), in name order. */
  readonly members: readonly { readonly code: string; readonly name: string }[];
  readonly agreements: readonly AgreementWithIcb[];
  /** The actor may propose an agreement: the ICB, or an administrator of a member. */
  readonly mayCreate: boolean;
}

/** An ICB's risk-sharing agreements for the actor (`systemRiskSharing`); NOT_FOUND for an unknown ICB. */
export async function systemRiskSharing(
  context: UseCaseContext,
  icbCode: string,
): Promise<SystemRiskSharing> {
  const icb = await findIcb(context.db, icbCode);
  if (!icb)
    throw new AppError('NOT_FOUND', `No integrated care board has the code ${icbCode.toUpperCase()}.`);
  const members = (await listSystemMembers(context.db, icb.code, isoDay(context.clock())))
    .filter((member) => member.kind !== 'team')
    .map((member) => ({ code: member.code, name: member.name }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.code.localeCompare(b.code));
  return {
    icb: { code: icb.code, name: icb.name },
    members,
    agreements: await listReadableAgreements(context, icb.code),
    mayCreate: mayCreateRiskSharing(
      context.actor,
      icb.code,
      members.map((member) => member.code),
    ),
  };
}
