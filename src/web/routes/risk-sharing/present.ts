import type { UseCaseContext } from '../../../app/context.ts';
import {
  type AgreementDetail,
  type SystemRiskSharing,
  systemRiskSharing,
} from '../../../app/risk-sharing/read.ts';
import {
  type AgreementStatus,
  agreementStatusLabels,
  type ProposalStatus,
  proposalStatusLabels,
  sharingRuleLabels,
  sharingRules,
  thousandsText,
} from '../../../domain/risk-sharing.ts';
import type { AgreementWithIcb } from '../../../store/repos/risk-sharing-repo.ts';
import { errorsByField, type FieldError } from '../../forms.ts';
import { learningPartnerLinks } from '../finance/present.ts';
import { dayText } from '../follow-ups/present.ts';

/**
 * View models of the risk-sharing pages: an ICB's agreements with the form to propose one, one
 * agreement with its parties, baseline, rule in words, review dates and proposals with each named
 * party's decision and learning partnership, the forms its reader may use, and the system page's
 * short list. A shared picture, not a league of blame.
 */

export type FormValues = Record<string, string>;

export function systemRiskSharingPath(icbCode: string): string {
  return `/systems/${encodeURIComponent(icbCode)}/risk-sharing`;
}
export function agreementPath(id: number): string {
  return `/risk-sharing/${id}`;
}

const agreementTagClasses: Record<AgreementStatus, string> = {
  draft: 'nhsuk-tag--grey',
  agreed: 'nhsuk-tag--green',
  ended: 'nhsuk-tag--white',
};

const proposalTagClasses: Record<ProposalStatus, string> = {
  open: 'nhsuk-tag--blue',
  agreed: 'nhsuk-tag--green',
  not_agreed: 'nhsuk-tag--orange',
  withdrawn: 'nhsuk-tag--grey',
};

/** A baseline amount in words: "£12.4m deficit", "£300k surplus", "£0" (`baselineAmountText`). */
export function baselineAmountText(thousands: number | null): string | null {
  if (thousands === null) return null;
  if (thousands === 0) return '£0, break-even';
  return `${thousandsText(Math.abs(thousands))} ${thousands < 0 ? 'deficit' : 'surplus'}`;
}

function summaryView(row: AgreementWithIcb) {
  return {
    id: row.id,
    href: agreementPath(row.id),
    title: row.title,
    status: agreementStatusLabels[row.status],
    tagClass: agreementTagClasses[row.status],
    agreedOn: row.agreed_on ? dayText(row.agreed_on) : null,
    rule: sharingRuleLabels[row.sharing_rule],
    isExample: row.is_example,
  };
}

/** The system page's short list of the ICB's agreements for its reader (`riskSharingSectionFor`). */
export async function riskSharingSectionFor(context: UseCaseContext, icbCode: string) {
  const view = await systemRiskSharing(context, icbCode);
  return {
    riskSharing: {
      href: systemRiskSharingPath(view.icb.code),
      agreements: view.agreements.slice(0, 5).map(summaryView),
      more: Math.max(0, view.agreements.length - 5),
      mayCreate: view.mayCreate,
    },
  };
}

/** The ICB's agreements page with the form to propose one (`presentSystemRiskSharing`). */
export function presentSystemRiskSharing(
  view: SystemRiskSharing,
  options: { values?: FormValues; parties?: readonly string[]; errors?: FieldError[] } = {},
) {
  const values = options.values ?? {};
  const errors = options.errors ?? [];
  const chosen = new Set(options.parties ?? []);
  return {
    pageName: `Risk-sharing agreements: ${view.icb.name}`,
    icb: { ...view.icb, href: `/systems/${encodeURIComponent(view.icb.code)}` },
    agreements: view.agreements.map(summaryView),
    mayCreate: view.mayCreate,
    action: systemRiskSharingPath(view.icb.code),
    partyItems: view.members.map((member) => ({
      value: member.code,
      text: `${member.name} (${member.code})`,
      checked: chosen.has(member.code),
      share: values[`share_${member.code}`] ?? '',
    })),
    ruleItems: ruleItems(values.rule),
    values,
    errors,
    fieldErrors: errorsByField(errors),
  };
}

function ruleItems(chosen: string | undefined) {
  return sharingRules.map((rule) => ({
    value: rule,
    text: sharingRuleLabels[rule],
    checked: chosen === rule,
  }));
}

/** One agreement's page view model (`presentAgreement`). */
export function presentAgreement(
  detail: AgreementDetail,
  options: { values?: FormValues; errors?: FieldError[]; form?: string; today: string },
) {
  const { agreement } = detail;
  const values = options.values ?? {};
  const errors = options.errors ?? [];
  const names = new Map(detail.parties.map((party) => [party.org_code, party.org_name]));
  const partyName = (code: string) => `${names.get(code) ?? code} (${code})`;
  const editing = options.form === 'edit';
  return {
    pageName: agreement.title,
    agreement: {
      id: agreement.id,
      title: agreement.title,
      icbName: agreement.icb_name,
      icbHref: `/systems/${encodeURIComponent(agreement.icb_code)}`,
      listHref: systemRiskSharingPath(agreement.icb_code),
      status: agreementStatusLabels[agreement.status],
      tagClass: agreementTagClasses[agreement.status],
      isDraft: agreement.status === 'draft',
      agreedOn: agreement.agreed_on ? dayText(agreement.agreed_on) : null,
      baseline: agreement.baseline,
      baselineAmount: baselineAmountText(agreement.baseline_thousands),
      rule: sharingRuleLabels[agreement.sharing_rule],
      ruleDescription: agreement.rule_description,
      isExample: agreement.is_example,
      createdBy: agreement.created_by_label,
    },
    parties: detail.parties.map((party) => ({
      code: party.org_code,
      name: party.org_name,
      href: `/organisations/${encodeURIComponent(party.org_code)}`,
      share: party.share,
    })),
    reviews: detail.reviews.map((review) => ({
      id: review.id,
      due: dayText(review.due_on),
      held: review.held_on ? dayText(review.held_on) : null,
      overdue: !review.held_on && review.due_on < options.today,
      notes: review.notes,
    })),
    openReviews: detail.reviews
      .filter((review) => !review.held_on)
      .map((review) => ({
        value: String(review.id),
        text: dayText(review.due_on),
        selected: values.review === String(review.id),
      })),
    proposals: detail.proposals.map((proposal) => ({
      id: proposal.id,
      supporting: partyName(proposal.supporting_org_code),
      supported: partyName(proposal.supported_org_code),
      amount: thousandsText(proposal.amount_thousands),
      why: proposal.why,
      status: proposalStatusLabels[proposal.status],
      tagClass: proposalTagClasses[proposal.status],
      proposedOn: dayText(proposal.created_at.toISOString().slice(0, 10)),
      proposedBy: proposal.created_by_label,
      learning: [
        ...(proposal.peer_review_id
          ? [
              {
                text: `Peer review ${proposal.peer_review_id}`,
                href: `/peer-reviews/${proposal.peer_review_id}`,
              },
            ]
          : []),
        ...(proposal.directory_entry_id
          ? [
              {
                text: `Improvement directory entry ${proposal.directory_entry_id}`,
                href: `/improvement/entries/${proposal.directory_entry_id}`,
              },
            ]
          : []),
      ],
      decisions: [proposal.supporting_org_code, proposal.supported_org_code].map((code) => {
        const decision = proposal.decisions.find((each) => each.party_org_code === code);
        return {
          party: partyName(code),
          text: decision
            ? `${decision.decision === 'agree' ? 'Agreed' : 'Did not agree'} on ${dayText(decision.decided_at.toISOString().slice(0, 10))}`
            : 'Not decided yet',
          note: decision?.note ?? null,
        };
      }),
      decideAs: proposal.decideAs.map((code) => ({ value: code, text: partyName(code) })),
      action: `${agreementPath(agreement.id)}/proposals/${proposal.id}/decisions`,
      formId: `decide-${proposal.id}`,
    })),
    supportingItems: [
      { value: '', text: 'Choose a party', selected: !values.supporting },
      ...detail.parties.map((party) => ({
        value: party.org_code,
        text: `${party.org_name} (${party.org_code})`,
        selected: values.supporting === party.org_code,
      })),
    ],
    supportedItems: [
      { value: '', text: 'Choose a party', selected: !values.supported },
      ...detail.parties.map((party) => ({
        value: party.org_code,
        text: `${party.org_name} (${party.org_code})`,
        selected: values.supported === party.org_code,
      })),
    ],
    /** Where a supported party's learning partners may be found: peer reviews and the directory's improvers. */
    learningPartners: learningPartnerLinks(values.supported || (detail.parties[0]?.org_code ?? '')),
    ruleItems: ruleItems(editing ? values.rule : agreement.sharing_rule),
    editValues: editing
      ? values
      : {
          title: agreement.title,
          baseline: agreement.baseline,
          baselineThousands:
            agreement.baseline_thousands === null ? '' : String(agreement.baseline_thousands),
          ruleDescription: agreement.rule_description ?? '',
        },
    may: detail.may,
    action: agreementPath(agreement.id),
    form: options.form ?? '',
    values,
    errors,
    fieldErrors: errorsByField(errors),
  };
}
