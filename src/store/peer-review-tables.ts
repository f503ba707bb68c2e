import type { ColumnType, Generated } from 'kysely';
import type {
  PeerFindingKind,
  PeerReviewDeadline,
  PeerReviewFocus,
  PeerReviewStage,
  PeerReviewTheme,
  PeerTeamRole,
  PeerTeamState,
} from '../domain/peer-review.ts';

/**
 * Table types of peer review between organisations (`Database` in tables.ts lists them; migration
 * 2026_12_03_0900_peer_reviews creates them). Dates are ISO strings; timestamps are Date objects.
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface PeerReviewTable {
  id: Generated<number>;
  host_org_code: string;
  focus: PeerReviewFocus;
  title: string;
  /** The questions the host wants answered, one a line. */
  questions: string;
  stage: PeerReviewStage;
  scoping_by: string;
  on_site_from: string;
  on_site_to: string;
  report_due: string;
  progress_due: string | null;
  report_summary: string | null;
  report_published_on: string | null;
  progress_summary: string | null;
  progress_published_on: string | null;
  public_report: Generated<boolean>;
  public_action_plan: Generated<boolean>;
  public_progress: Generated<boolean>;
  created_by: number | null;
  created_by_label: string;
  created_at: Timestamp;
  is_example: Generated<boolean>;
}

export interface PeerReviewMemberTable {
  id: Generated<number>;
  peer_review_id: number;
  name: string;
  role: PeerTeamRole;
  org_code: string | null;
  user_id: number | null;
  state: PeerTeamState;
}

export interface PeerReviewFindingTable {
  id: Generated<number>;
  peer_review_id: number;
  theme: PeerReviewTheme;
  kind: PeerFindingKind;
  body: string;
  author_user_id: number | null;
  author_label: string;
  created_at: Timestamp;
}

export interface PeerReviewActionTable {
  id: Generated<number>;
  peer_review_id: number;
  description: string;
  owner_user_id: number | null;
  owner_name: string;
  due_on: string;
  created_at: Timestamp;
}

export interface PeerReviewReminderTable {
  id: Generated<number>;
  peer_review_id: number;
  deadline: PeerReviewDeadline;
  due_on: string;
  kind: 'approaching' | 'passed';
  sent_at: Timestamp;
}

export interface PeerReviewTables {
  peer_review: PeerReviewTable;
  peer_review_member: PeerReviewMemberTable;
  peer_review_finding: PeerReviewFindingTable;
  peer_review_action: PeerReviewActionTable;
  peer_review_reminder: PeerReviewReminderTable;
}
