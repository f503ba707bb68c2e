import {
  type Insertable,
  type Kysely,
  type Selectable,
  sql,
  type Transaction,
  type Updateable,
} from 'kysely';
import type { PeerReviewStage, PeerTeamState } from '../../domain/peer-review.ts';
import type { PeerReviewListScope } from '../../policies/peer-review.ts';
import type {
  PeerReviewActionTable,
  PeerReviewFindingTable,
  PeerReviewMemberTable,
  PeerReviewReminderTable,
  PeerReviewTable,
} from '../peer-review-tables.ts';
import type { Database } from '../tables.ts';

/**
 * Peer reviews, their teams, findings, action plans and reminders: one query per function. A single
 * review is read whole and the policy (policies/peer-review.ts) decides what of it is shown; lists
 * are filtered here by `PeerReviewListScope`.
 */

type Db = Kysely<Database> | Transaction<Database>;

export type PeerReviewRow = Selectable<PeerReviewTable>;
export type PeerReviewMemberRow = Selectable<PeerReviewMemberTable>;
export type PeerReviewFindingRow = Selectable<PeerReviewFindingTable>;
export type PeerReviewActionRow = Selectable<PeerReviewActionTable>;

/** A review with its host's name. */
export type PeerReviewWithHost = PeerReviewRow & { host_name: string };

/** Adds a peer review (`insertPeerReview`). */
export async function insertPeerReview(db: Db, row: Insertable<PeerReviewTable>): Promise<PeerReviewRow> {
  return db.insertInto('peer_review').values(row).returningAll().executeTakeFirstOrThrow();
}

/** One peer review with its host's name, whoever reads it (`findPeerReview`): the policy decides. */
export async function findPeerReview(db: Db, id: number): Promise<PeerReviewWithHost | undefined> {
  return db
    .selectFrom('peer_review')
    .innerJoin('organisation', 'organisation.code', 'peer_review.host_org_code')
    .selectAll('peer_review')
    .select('organisation.name as host_name')
    .where('peer_review.id', '=', id)
    .executeTakeFirst();
}

/**
 * Peer reviews the scope lists (`listPeerReviews`): published ones for everyone; also, for a user,
 * those of the organisations whose people they are and those whose team they are on; the newest first.
 */
export async function listPeerReviews(db: Db, scope: PeerReviewListScope): Promise<PeerReviewWithHost[]> {
  return db
    .selectFrom('peer_review')
    .innerJoin('organisation', 'organisation.code', 'peer_review.host_org_code')
    .selectAll('peer_review')
    .select('organisation.name as host_name')
    .where((eb) =>
      scope.everything
        ? sql<boolean>`true`
        : eb.or([
            eb('peer_review.stage', 'in', ['report_published', 'progress_published']),
            scope.hostOrgCodes.length
              ? eb('peer_review.host_org_code', 'in', [...scope.hostOrgCodes])
              : sql<boolean>`false`,
            scope.userId === null
              ? sql<boolean>`false`
              : eb.exists(
                  eb
                    .selectFrom('peer_review_member')
                    .select('peer_review_member.id')
                    .whereRef('peer_review_member.peer_review_id', '=', 'peer_review.id')
                    .where('peer_review_member.user_id', '=', scope.userId)
                    .where('peer_review_member.state', 'in', ['invited', 'accepted']),
                ),
          ]),
    )
    .orderBy('peer_review.created_at', 'desc')
    .orderBy('peer_review.id', 'desc')
    .limit(500)
    .execute();
}

/** Changes a review, only while it is at `fromStages` (`updatePeerReview`); undefined when it was not. */
export async function updatePeerReview(
  db: Db,
  id: number,
  fromStages: readonly PeerReviewStage[],
  changes: Updateable<PeerReviewTable>,
): Promise<PeerReviewRow | undefined> {
  return db
    .updateTable('peer_review')
    .set(changes)
    .where('id', '=', id)
    .where('stage', 'in', [...fromStages])
    .returningAll()
    .executeTakeFirst();
}

/** Reviews not yet closed by a published progress review (`openPeerReviews`), for the reminder sweep. */
export async function openPeerReviews(db: Db): Promise<PeerReviewWithHost[]> {
  return db
    .selectFrom('peer_review')
    .innerJoin('organisation', 'organisation.code', 'peer_review.host_org_code')
    .selectAll('peer_review')
    .select('organisation.name as host_name')
    .where('peer_review.stage', '<>', 'progress_published')
    .where('peer_review.is_example', '=', false)
    .orderBy('peer_review.id')
    .execute();
}

/** Adds a team member (`insertPeerReviewMember`). */
export async function insertPeerReviewMember(
  db: Db,
  row: Insertable<PeerReviewMemberTable>,
): Promise<PeerReviewMemberRow> {
  return db.insertInto('peer_review_member').values(row).returningAll().executeTakeFirstOrThrow();
}

/** A review's team with each member's organisation's name (`listPeerReviewMembers`). */
export async function listPeerReviewMembers(
  db: Db,
  peerReviewId: number,
): Promise<(PeerReviewMemberRow & { org_name: string | null })[]> {
  return db
    .selectFrom('peer_review_member')
    .leftJoin('organisation', 'organisation.code', 'peer_review_member.org_code')
    .selectAll('peer_review_member')
    .select('organisation.name as org_name')
    .where('peer_review_member.peer_review_id', '=', peerReviewId)
    .orderBy('peer_review_member.id')
    .execute();
}

/** Sets a member's invitation state, only from `from` (`setPeerReviewMemberState`). */
export async function setPeerReviewMemberState(
  db: Db,
  id: number,
  from: PeerTeamState,
  state: PeerTeamState,
): Promise<PeerReviewMemberRow | undefined> {
  return db
    .updateTable('peer_review_member')
    .set({ state })
    .where('id', '=', id)
    .where('state', '=', from)
    .returningAll()
    .executeTakeFirst();
}

/** Adds a finding or recommendation (`insertPeerReviewFinding`). */
export async function insertPeerReviewFinding(
  db: Db,
  row: Insertable<PeerReviewFindingTable>,
): Promise<PeerReviewFindingRow> {
  return db.insertInto('peer_review_finding').values(row).returningAll().executeTakeFirstOrThrow();
}

/** A review's findings and recommendations, in the order written (`listPeerReviewFindings`). */
export async function listPeerReviewFindings(db: Db, peerReviewId: number): Promise<PeerReviewFindingRow[]> {
  return db
    .selectFrom('peer_review_finding')
    .selectAll()
    .where('peer_review_id', '=', peerReviewId)
    .orderBy('id')
    .execute();
}

/** Adds action plan items (`insertPeerReviewActions`). */
export async function insertPeerReviewActions(
  db: Db,
  rows: readonly Insertable<PeerReviewActionTable>[],
): Promise<PeerReviewActionRow[]> {
  if (rows.length === 0) return [];
  return db
    .insertInto('peer_review_action')
    .values([...rows])
    .returningAll()
    .execute();
}

/** A review's action plan with each item's follow-up (`listPeerReviewActions`). */
export async function listPeerReviewActions(
  db: Db,
  peerReviewId: number,
): Promise<(PeerReviewActionRow & { follow_up_id: number | null; follow_up_state: string | null })[]> {
  return db
    .selectFrom('peer_review_action')
    .leftJoin('follow_up', 'follow_up.peer_review_action_id', 'peer_review_action.id')
    .selectAll('peer_review_action')
    .select(['follow_up.id as follow_up_id', 'follow_up.state as follow_up_state'])
    .where('peer_review_action.peer_review_id', '=', peerReviewId)
    .orderBy('peer_review_action.id')
    .execute();
}

/** Adds one scheduled follow-up per action plan item (`insertPeerReviewFollowUps`). */
export async function insertPeerReviewFollowUps(
  db: Db,
  rows: readonly { peerReviewId: number; actionId: number; dueOn: string; at: Date }[],
): Promise<number[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insertInto('follow_up')
    .values(
      rows.map((row) => ({
        review_id: null,
        review_action_id: null,
        peer_review_id: row.peerReviewId,
        peer_review_action_id: row.actionId,
        due_on: row.dueOn,
        state: 'scheduled' as const,
        created_at: row.at,
      })),
    )
    .returning('id')
    .execute();
  return inserted.map((row) => row.id);
}

/** Records a reminder unless it was sent before (`recordPeerReviewReminder`); false when it was. */
export async function recordPeerReviewReminder(
  db: Db,
  row: Insertable<PeerReviewReminderTable>,
): Promise<boolean> {
  const inserted = await db
    .insertInto('peer_review_reminder')
    .values(row)
    .onConflict((conflict) => conflict.columns(['peer_review_id', 'deadline', 'due_on', 'kind']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Marks the reviews example content (`markPeerReviewsAsExamples`). */
export async function markPeerReviewsAsExamples(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('peer_review')
    .set({ is_example: true })
    .where('id', 'in', [...ids])
    .execute();
}
