import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { ActionStatus } from '../../domain/improvement.ts';
import type { ContentScope } from '../../policies/scope.ts';
import type {
  FollowUpTable,
  ReviewActionTable,
  ReviewAttendeeTable,
  ReviewOfferTable,
  ReviewTable,
} from '../improvement-tables.ts';
import type { Database } from '../tables.ts';
import { reviewScopeFilter } from './scope-filter.ts';

/** Reviews, their attendees, offers of help, agreed actions and follow-ups: one query per function. */

type Db = Kysely<Database> | Transaction<Database>;

export type ReviewRow = Selectable<ReviewTable>;
export type ReviewAttendeeRow = Selectable<ReviewAttendeeTable>;
export type ReviewOfferRow = Selectable<ReviewOfferTable>;
export type ReviewActionRow = Selectable<ReviewActionTable>;
export type FollowUpRow = Selectable<FollowUpTable>;

/** A review with the names of its organisation and overseer. */
export interface ReviewWithNames extends ReviewRow {
  org_name: string;
  overseer_name: string;
  overseer_kind: string;
}

/** An offer with the name of the organisation offering help. */
export interface ReviewOfferWithName extends ReviewOfferRow {
  from_org_name: string;
  metric_name: string;
}

function reviewsWithNames(db: Db) {
  return db
    .selectFrom('review')
    .innerJoin('organisation as org', 'org.code', 'review.org_code')
    .innerJoin('organisation as overseer', 'overseer.code', 'review.overseer_org_code')
    .selectAll('review')
    .select(['org.name as org_name', 'overseer.name as overseer_name', 'overseer.kind as overseer_kind']);
}

/** Inserts a review (`insertReview`). */
export async function insertReview(trx: Db, row: Insertable<ReviewTable>): Promise<ReviewRow> {
  return trx.insertInto('review').values(row).returningAll().executeTakeFirstOrThrow();
}

/** One review the scope reads (`findReviewRow`). */
export async function findReviewRow(
  db: Db,
  scope: ContentScope,
  id: number,
): Promise<ReviewWithNames | undefined> {
  return reviewsWithNames(db).where('review.id', '=', id).where(reviewScopeFilter(scope)).executeTakeFirst();
}

/** Reviews the scope reads, of one organisation and/or one overseer, the latest quarter first (`listReviewRows`). */
export async function listReviewRows(
  db: Db,
  scope: ContentScope,
  filter: { orgCode?: string; overseerCode?: string; limit?: number },
): Promise<ReviewWithNames[]> {
  let query = reviewsWithNames(db).where(reviewScopeFilter(scope));
  if (filter.orgCode) query = query.where('review.org_code', '=', filter.orgCode);
  if (filter.overseerCode) query = query.where('review.overseer_org_code', '=', filter.overseerCode);
  return query
    .orderBy('review.created_at', 'desc')
    .orderBy('review.id', 'desc')
    .limit(filter.limit ?? 1000)
    .execute();
}

/**
 * The organisation's latest held review of another quarter than `quarter` (`previousHeldReview`):
 * read after the caller has checked that the actor reads the organisation's reviews.
 */
export async function previousHeldReview(
  db: Db,
  orgCode: string,
  quarter: string,
): Promise<ReviewRow | undefined> {
  return db
    .selectFrom('review')
    .selectAll()
    .where('org_code', '=', orgCode)
    .where('state', '=', 'held')
    .where('quarter', '<>', quarter)
    .orderBy('held_on', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Records the meeting on a planned review, if it is still at `version` (`markReviewHeld`); undefined when stale. */
export async function markReviewHeld(
  trx: Db,
  id: number,
  version: number,
  changes: {
    held_on: string;
    notes: string;
    follow_up_on: string;
    agreed_by: number | null;
    agreed_by_label: string;
    updated_at: Date;
  },
): Promise<ReviewRow | undefined> {
  return trx
    .updateTable('review')
    .set({ ...changes, state: 'held', version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst();
}

/** Inserts a review's attendees (`insertReviewAttendees`). */
export async function insertReviewAttendees(
  trx: Db,
  rows: readonly Insertable<ReviewAttendeeTable>[],
): Promise<void> {
  if (rows.length)
    await trx
      .insertInto('review_attendee')
      .values([...rows])
      .execute();
}

/** Inserts a review's offers of help, returning them in order (`insertReviewOffers`). */
export async function insertReviewOffers(
  trx: Db,
  rows: readonly Insertable<ReviewOfferTable>[],
): Promise<ReviewOfferRow[]> {
  if (!rows.length) return [];
  return (
    await trx
      .insertInto('review_offer')
      .values([...rows])
      .returningAll()
      .execute()
  ).sort((a, b) => a.id - b.id);
}

/** Inserts a review's agreed actions, returning them in order (`insertReviewActions`). */
export async function insertReviewActions(
  trx: Db,
  rows: readonly Insertable<ReviewActionTable>[],
): Promise<ReviewActionRow[]> {
  if (!rows.length) return [];
  return (
    await trx
      .insertInto('review_action')
      .values([...rows])
      .returningAll()
      .execute()
  ).sort((a, b) => a.id - b.id);
}

/** Inserts follow-ups (`insertFollowUps`). */
export async function insertFollowUps(
  trx: Db,
  rows: readonly Insertable<FollowUpTable>[],
): Promise<FollowUpRow[]> {
  if (!rows.length) return [];
  return (
    await trx
      .insertInto('follow_up')
      .values([...rows])
      .returningAll()
      .execute()
  ).sort((a, b) => a.id - b.id);
}

/** A review's attendees, in the order recorded (`listReviewAttendees`). */
export async function listReviewAttendees(db: Db, reviewId: number): Promise<ReviewAttendeeRow[]> {
  return db
    .selectFrom('review_attendee')
    .selectAll()
    .where('review_id', '=', reviewId)
    .orderBy('id')
    .execute();
}

/** A review's offers of help with the offering organisation's and metric's names (`listReviewOffers`). */
export async function listReviewOffers(db: Db, reviewId: number): Promise<ReviewOfferWithName[]> {
  return db
    .selectFrom('review_offer')
    .innerJoin('organisation', 'organisation.code', 'review_offer.from_org_code')
    .innerJoin('metric', 'metric.id', 'review_offer.metric_id')
    .selectAll('review_offer')
    .select(['organisation.name as from_org_name', 'metric.name as metric_name'])
    .where('review_offer.review_id', '=', reviewId)
    .orderBy('review_offer.id')
    .execute();
}

/** A review's agreed actions, in the order recorded (`listReviewActions`). */
export async function listReviewActions(db: Db, reviewId: number): Promise<ReviewActionRow[]> {
  return db.selectFrom('review_action').selectAll().where('review_id', '=', reviewId).orderBy('id').execute();
}

/** A review's follow-ups (`listReviewFollowUps`). */
export async function listReviewFollowUps(db: Db, reviewId: number): Promise<FollowUpRow[]> {
  return db.selectFrom('follow_up').selectAll().where('review_id', '=', reviewId).orderBy('id').execute();
}

/** Marks an open agreed action done or dropped (`setReviewActionStatus`); undefined when it was not open. */
export async function setReviewActionStatus(
  trx: Db,
  reviewId: number,
  actionId: number,
  status: Exclude<ActionStatus, 'open'>,
  completedOn: string | null,
): Promise<ReviewActionRow | undefined> {
  return trx
    .updateTable('review_action')
    .set({ status, completed_on: status === 'done' ? completedOn : null })
    .where('id', '=', actionId)
    .where('review_id', '=', reviewId)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
}

/** Marks reviews as the demo's examples (`markReviewsAsExamples`). */
export async function markReviewsAsExamples(trx: Db, ids: readonly number[]): Promise<void> {
  if (ids.length)
    await trx
      .updateTable('review')
      .set({ is_example: true })
      .where('id', 'in', [...ids])
      .execute();
}

/** Which of these directory entry ids exist (`existingEntryIds`). */
export async function existingEntryIds(db: Db, ids: readonly number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await db
    .selectFrom('directory_entry')
    .select('id')
    .where('id', 'in', [...ids])
    .execute();
  return new Set(rows.map((row) => row.id));
}
