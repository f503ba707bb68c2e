/**
 * Risk-sharing agreements between the providers of an integrated care system: the parties, the
 * baseline they share (such as the system's control total), the rule by which they share a variance
 * from it, the dates they review it on, and proposals to rebalance — who supports whom, by how much
 * and why — each decided by the two parties it names. A shared picture, not a league of blame.
 */

export const sharingRules = ['equally', 'by_budget', 'by_need', 'by_performance', 'described'] as const;
export type SharingRule = (typeof sharingRules)[number];

/** Each sharing rule in words (`sharingRuleLabels`). */
export const sharingRuleLabels: Record<SharingRule, string> = {
  equally: 'Equally between the parties',
  by_budget: 'In proportion to each party’s budget',
  by_need: 'In proportion to each party’s population need',
  by_performance: 'By each party’s performance against its plan',
  described: 'As described in the agreement',
};

export const agreementStatuses = ['draft', 'agreed', 'ended'] as const;
export type AgreementStatus = (typeof agreementStatuses)[number];

export const agreementStatusLabels: Record<AgreementStatus, string> = {
  draft: 'Draft',
  agreed: 'Agreed',
  ended: 'Ended',
};

export const proposalStatuses = ['open', 'agreed', 'not_agreed', 'withdrawn'] as const;
export type ProposalStatus = (typeof proposalStatuses)[number];

export const proposalStatusLabels: Record<ProposalStatus, string> = {
  open: 'Open',
  agreed: 'Agreed',
  not_agreed: 'Not agreed',
  withdrawn: 'Withdrawn',
};

export const proposalDecisions = ['agree', 'disagree'] as const;
export type ProposalDecision = (typeof proposalDecisions)[number];

/** Days before a review date that its reminder is sent. */
export const reviewReminderDaysBefore = 14;

/**
 * A proposal's status once its named parties have decided (`proposalStatusAfter`): not agreed as soon
 * as one disagrees, agreed when every party it names has agreed, open until then.
 */
export function proposalStatusAfter(
  namedParties: readonly string[],
  decisions: readonly { partyOrgCode: string; decision: ProposalDecision }[],
): 'open' | 'agreed' | 'not_agreed' {
  if (decisions.some((each) => each.decision === 'disagree')) return 'not_agreed';
  const agreed = new Set(
    decisions.filter((each) => each.decision === 'agree').map((each) => each.partyOrgCode),
  );
  return namedParties.every((party) => agreed.has(party)) ? 'agreed' : 'open';
}

/** An amount in £ thousands in words: "£350k", "£1.2m" (`thousandsText`). */
export function thousandsText(thousands: number): string {
  const sign = thousands < 0 ? '−' : '';
  const size = Math.abs(thousands);
  if (size >= 1000) return `${sign}£${(size / 1000).toLocaleString('en-GB', { maximumFractionDigits: 2 })}m`;
  return `${sign}£${size.toLocaleString('en-GB', { maximumFractionDigits: 1 })}k`;
}
