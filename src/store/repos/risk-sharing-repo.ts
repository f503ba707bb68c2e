import {
  type Insertable,
  type Kysely,
  type Selectable,
  type SqlBool,
  sql,
  type Transaction,
  type Updateable,
} from 'kysely';
import type { AgreementStatus, ProposalStatus } from '../../domain/risk-sharing.ts';
import type { ContentScope } from '../../policies/scope.ts';
import type {
  RiskSharingAgreementTable,
  RiskSharingDecisionTable,
  RiskSharingPartyTable,
  RiskSharingProposalTable,
  RiskSharingReviewTable,
} from '../risk-sharing-tables.ts';
import type { Database } from '../tables.ts';
import type { Recipient } from './follow-up-repo.ts';
import { riskSharingProposalScopeFilter, riskSharingScopeFilter } from './scope-filter.ts';

/**
 * Risk-sharing agreements, their parties, review dates, proposals and decisions: one query per
 * function. A single agreement is read whole and the policy (policies/risk-sharing.ts) decides; lists
 * of agreements and of proposals are filtered here by the risk-sharing scope.
 */

type Db = Kysely<Database> | Transaction<Database>;

export type AgreementRow = Selectable<RiskSharingAgreementTable>;
export type PartyRow = Selectable<RiskSharingPartyTable>;
export type RiskReviewRow = Selectable<RiskSharingReviewTable>;
export type ProposalRow = Selectable<RiskSharingProposalTable>;
export type DecisionRow = Selectable<RiskSharingDecisionTable>;

/** An agreement with its ICB's name. */
export type AgreementWithIcb = AgreementRow & { icb_name: string };
/** A party with its organisation's name and kind. */
export type PartyWithName = PartyRow & { org_name: string };
/** A proposal with its parties' names. */
export type ProposalWithNames = ProposalRow & { supporting_name: string; supported_name: string };

/** Adds an agreement (`insertAgreement`). */
export async function insertAgreement(
  db: Db,
  row: Insertable<RiskSharingAgreementTable>,
): Promise<AgreementRow> {
  return db.insertInto('risk_sharing_agreement').values(row).returningAll().executeTakeFirstOrThrow();
}

/** One agreement with its ICB's name, whoever reads it (`findAgreement`): the policy decides. */
export async function findAgreement(db: Db, id: number): Promise<AgreementWithIcb | undefined> {
  return db
    .selectFrom('risk_sharing_agreement')
    .innerJoin('organisation', 'organisation.code', 'risk_sharing_agreement.icb_code')
    .selectAll('risk_sharing_agreement')
    .select('organisation.name as icb_name')
    .where('risk_sharing_agreement.id', '=', id)
    .executeTakeFirst();
}

/** The agreements the scope reads, of one ICB or all, the newest first (`listAgreements`). */
export async function listAgreements(
  db: Db,
  scope: ContentScope,
  icbCode: string | null,
): Promise<AgreementWithIcb[]> {
  return db
    .selectFrom('risk_sharing_agreement')
    .innerJoin('organisation', 'organisation.code', 'risk_sharing_agreement.icb_code')
    .selectAll('risk_sharing_agreement')
    .select('organisation.name as icb_name')
    .where(riskSharingScopeFilter(scope))
    .where(icbCode === null ? sql<SqlBool>`true` : sql<SqlBool>`risk_sharing_agreement.icb_code = ${icbCode}`)
    .orderBy('risk_sharing_agreement.created_at', 'desc')
    .orderBy('risk_sharing_agreement.id', 'desc')
    .limit(500)
    .execute();
}

/** Changes an agreement, only while it has one of `fromStatuses` (`updateAgreement`); undefined when not. */
export async function updateAgreement(
  db: Db,
  id: number,
  fromStatuses: readonly AgreementStatus[],
  changes: Updateable<RiskSharingAgreementTable>,
): Promise<AgreementRow | undefined> {
  return db
    .updateTable('risk_sharing_agreement')
    .set(changes)
    .where('id', '=', id)
    .where('status', 'in', [...fromStatuses])
    .returningAll()
    .executeTakeFirst();
}

/** Adds the parties (`insertParties`). */
export async function insertParties(
  db: Db,
  rows: readonly Insertable<RiskSharingPartyTable>[],
): Promise<PartyRow[]> {
  if (rows.length === 0) return [];
  return db
    .insertInto('risk_sharing_party')
    .values([...rows])
    .returningAll()
    .execute();
}

/** An agreement's parties with their names, in name order (`listParties`). */
export async function listParties(db: Db, agreementId: number): Promise<PartyWithName[]> {
  return db
    .selectFrom('risk_sharing_party')
    .innerJoin('organisation', 'organisation.code', 'risk_sharing_party.org_code')
    .selectAll('risk_sharing_party')
    .select('organisation.name as org_name')
    .where('risk_sharing_party.agreement_id', '=', agreementId)
    .orderBy('organisation.name')
    .orderBy('risk_sharing_party.org_code')
    .execute();
}

/** The regions the given organisations belong to (`regionsOf`). */
export async function regionsOf(db: Db, orgCodes: readonly string[]): Promise<string[]> {
  if (orgCodes.length === 0) return [];
  const rows = await db
    .selectFrom('membership')
    .select('parent_code')
    .distinct()
    .where('relation', '=', 'region')
    .where('member_code', 'in', [...orgCodes])
    .orderBy('parent_code')
    .execute();
  return rows.map((row) => row.parent_code);
}

/** Adds a review date (`insertRiskReview`). */
export async function insertRiskReview(
  db: Db,
  row: Insertable<RiskSharingReviewTable>,
): Promise<RiskReviewRow> {
  return db.insertInto('risk_sharing_review').values(row).returningAll().executeTakeFirstOrThrow();
}

/** An agreement's review dates, the earliest first (`listRiskReviews`). */
export async function listRiskReviews(db: Db, agreementId: number): Promise<RiskReviewRow[]> {
  return db
    .selectFrom('risk_sharing_review')
    .selectAll()
    .where('agreement_id', '=', agreementId)
    .orderBy('due_on')
    .orderBy('id')
    .execute();
}

/** Records a review held, once (`markRiskReviewHeld`); undefined when it was already, or is another agreement's. */
export async function markRiskReviewHeld(
  db: Db,
  agreementId: number,
  reviewId: number,
  held: { heldOn: string; notes: string | null },
): Promise<RiskReviewRow | undefined> {
  return db
    .updateTable('risk_sharing_review')
    .set({ held_on: held.heldOn, notes: held.notes })
    .where('id', '=', reviewId)
    .where('agreement_id', '=', agreementId)
    .where('held_on', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Review dates not yet held of agreements still running, examples left out, due on or before
 * `until` (`reviewsToRemind`): for the reminder sweep, with the agreement's ICB and title.
 */
export async function reviewsToRemind(
  db: Db,
  until: string,
): Promise<(RiskReviewRow & { icb_code: string; title: string; icb_name: string })[]> {
  return db
    .selectFrom('risk_sharing_review')
    .innerJoin('risk_sharing_agreement', 'risk_sharing_agreement.id', 'risk_sharing_review.agreement_id')
    .innerJoin('organisation', 'organisation.code', 'risk_sharing_agreement.icb_code')
    .selectAll('risk_sharing_review')
    .select([
      'risk_sharing_agreement.icb_code',
      'risk_sharing_agreement.title',
      'organisation.name as icb_name',
    ])
    .where('risk_sharing_review.held_on', 'is', null)
    .where('risk_sharing_review.due_on', '<=', until)
    .where('risk_sharing_agreement.status', '<>', 'ended')
    .where('risk_sharing_agreement.is_example', '=', false)
    .where((eb) =>
      eb.or([
        eb('risk_sharing_review.reminded_at', 'is', null),
        eb('risk_sharing_review.overdue_reminded_at', 'is', null),
      ]),
    )
    .orderBy('risk_sharing_review.id')
    .execute();
}

/**
 * Marks a review's reminder sent, unless it was already (`claimRiskReviewReminder`): `approaching`
 * sets `reminded_at`, `passed` sets `overdue_reminded_at`; false when another sweep sent it.
 */
export async function claimRiskReviewReminder(
  db: Db,
  reviewId: number,
  kind: 'approaching' | 'passed',
  at: Date,
): Promise<boolean> {
  const column = kind === 'approaching' ? 'reminded_at' : 'overdue_reminded_at';
  const updated = await db
    .updateTable('risk_sharing_review')
    .set({ [column]: at })
    .where('id', '=', reviewId)
    .where(column, 'is', null)
    .returning('id')
    .executeTakeFirst();
  return updated !== undefined;
}

/**
 * Who is reminded of an agreement's review date (`riskReviewRecipients`): the parties' and the ICB's
 * administrators and the ICB's system leads whose grants are in force on `day`; enabled accounts,
 * each once.
 */
export async function riskReviewRecipients(
  db: Db,
  agreementId: number,
  icbCode: string,
  day: string,
): Promise<Recipient[]> {
  return db
    .selectFrom('app_user')
    .select(['app_user.id', 'app_user.email', 'app_user.display_name'])
    .where('app_user.disabled_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('role_grant')
          .select('role_grant.id')
          .whereRef('role_grant.user_id', '=', 'app_user.id')
          .where('role_grant.valid_from', '<=', day)
          .where((inner) =>
            inner.or([inner('role_grant.valid_to', 'is', null), inner('role_grant.valid_to', '>', day)]),
          )
          .where((inner) =>
            inner.or([
              inner.and([
                inner('role_grant.role', '=', 'system-lead'),
                inner('role_grant.scope_kind', '=', 'system'),
                inner('role_grant.scope_code', '=', icbCode),
              ]),
              inner.and([
                inner('role_grant.role', '=', 'admin'),
                inner('role_grant.scope_kind', '=', 'organisation'),
                inner.or([
                  inner('role_grant.scope_code', '=', icbCode),
                  inner(
                    'role_grant.scope_code',
                    'in',
                    inner
                      .selectFrom('risk_sharing_party')
                      .select('org_code')
                      .where('agreement_id', '=', agreementId),
                  ),
                ]),
              ]),
            ]),
          ),
      ),
    )
    .orderBy('app_user.id')
    .execute();
}

/** Adds a proposal (`insertProposal`). */
export async function insertProposal(
  db: Db,
  row: Insertable<RiskSharingProposalTable>,
): Promise<ProposalRow> {
  return db.insertInto('risk_sharing_proposal').values(row).returningAll().executeTakeFirstOrThrow();
}

/** One proposal of an agreement (`findProposal`), whoever reads it: the policy decides. */
export async function findProposal(
  db: Db,
  agreementId: number,
  proposalId: number,
): Promise<ProposalRow | undefined> {
  return db
    .selectFrom('risk_sharing_proposal')
    .selectAll()
    .where('id', '=', proposalId)
    .where('agreement_id', '=', agreementId)
    .executeTakeFirst();
}

/** An agreement's proposals the scope reads, the newest first, with the parties' names (`listProposals`). */
export async function listProposals(
  db: Db,
  scope: ContentScope,
  agreementId: number,
): Promise<ProposalWithNames[]> {
  return db
    .selectFrom('risk_sharing_proposal')
    .innerJoin('risk_sharing_agreement', 'risk_sharing_agreement.id', 'risk_sharing_proposal.agreement_id')
    .innerJoin('organisation as supporting', 'supporting.code', 'risk_sharing_proposal.supporting_org_code')
    .innerJoin('organisation as supported', 'supported.code', 'risk_sharing_proposal.supported_org_code')
    .selectAll('risk_sharing_proposal')
    .select(['supporting.name as supporting_name', 'supported.name as supported_name'])
    .where('risk_sharing_proposal.agreement_id', '=', agreementId)
    .where(riskSharingProposalScopeFilter(scope))
    .orderBy('risk_sharing_proposal.created_at', 'desc')
    .orderBy('risk_sharing_proposal.id', 'desc')
    .execute();
}

/** Sets a proposal's status, only while it is open (`settleProposal`); undefined when it was not. */
export async function settleProposal(
  db: Db,
  proposalId: number,
  status: Exclude<ProposalStatus, 'open'>,
): Promise<ProposalRow | undefined> {
  return db
    .updateTable('risk_sharing_proposal')
    .set({ status })
    .where('id', '=', proposalId)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
}

/** Records a party's decision, once (`insertDecision`); undefined when the party had decided. */
export async function insertDecision(
  db: Db,
  row: Insertable<RiskSharingDecisionTable>,
): Promise<DecisionRow | undefined> {
  return db
    .insertInto('risk_sharing_decision')
    .values(row)
    .onConflict((conflict) => conflict.columns(['proposal_id', 'party_org_code']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** The decisions on the given proposals, in the order made (`listDecisions`). */
export async function listDecisions(db: Db, proposalIds: readonly number[]): Promise<DecisionRow[]> {
  if (proposalIds.length === 0) return [];
  return db
    .selectFrom('risk_sharing_decision')
    .selectAll()
    .where('proposal_id', 'in', [...proposalIds])
    .orderBy('decided_at')
    .orderBy('id')
    .execute();
}

/** Marks agreements example content (`markAgreementsAsExamples`). */
export async function markAgreementsAsExamples(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('risk_sharing_agreement')
    .set({ is_example: true })
    .where('id', 'in', [...ids])
    .execute();
}
