import type { ColumnType, Generated } from 'kysely';
import type {
  AgreementStatus,
  ProposalDecision,
  ProposalStatus,
  SharingRule,
} from '../domain/risk-sharing.ts';

/**
 * Table types of risk-sharing agreements between a system's providers (`Database` in tables.ts lists
 * them; migration 2026_12_03_0945_risk_sharing creates them). Dates are ISO strings; timestamps are
 * Date objects; amounts are whole £ thousands.
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface RiskSharingAgreementTable {
  id: Generated<number>;
  icb_code: string;
  title: string;
  /** The baseline in words, such as "2026/27 system control total: £12.4m deficit". */
  baseline: string;
  /** The baseline in £ thousands (negative: a deficit), when given. */
  baseline_thousands: number | null;
  sharing_rule: SharingRule;
  /** Required when the rule is `described`. */
  rule_description: string | null;
  status: AgreementStatus;
  agreed_on: string | null;
  is_example: Generated<boolean>;
  created_by: number | null;
  created_by_label: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RiskSharingPartyTable {
  id: Generated<number>;
  agreement_id: number;
  org_code: string;
  /** The party's share or its basis in words, when given. */
  share: string | null;
  added_at: Timestamp;
}

export interface RiskSharingReviewTable {
  id: Generated<number>;
  agreement_id: number;
  due_on: string;
  /** When the reminder before the date was sent (once). */
  reminded_at: Timestamp | null;
  /** When the reminder that the date has passed was sent (once). */
  overdue_reminded_at: Timestamp | null;
  held_on: string | null;
  notes: string | null;
  created_at: Timestamp;
}

export interface RiskSharingProposalTable {
  id: Generated<number>;
  agreement_id: number;
  supporting_org_code: string;
  supported_org_code: string;
  amount_thousands: number;
  why: string;
  peer_review_id: number | null;
  directory_entry_id: number | null;
  status: ProposalStatus;
  created_by: number | null;
  created_by_label: string;
  created_at: Timestamp;
}

export interface RiskSharingDecisionTable {
  id: Generated<number>;
  proposal_id: number;
  party_org_code: string;
  decision: ProposalDecision;
  note: string | null;
  decided_by: number | null;
  decided_by_label: string;
  decided_at: Timestamp;
}

export interface RiskSharingTables {
  risk_sharing_agreement: RiskSharingAgreementTable;
  risk_sharing_party: RiskSharingPartyTable;
  risk_sharing_review: RiskSharingReviewTable;
  risk_sharing_proposal: RiskSharingProposalTable;
  risk_sharing_decision: RiskSharingDecisionTable;
}
