import { type Insertable, type Kysely, type Selectable, type SqlBool, sql, type Transaction } from 'kysely';
import type { ActionStatus, FollowUpState, MessageTransport, Outcome } from '../../domain/improvement.ts';
import type { ContentScope } from '../../policies/scope.ts';
import type { InboxMessageTable, OutboxMessageTable } from '../improvement-tables.ts';
import type { Database } from '../tables.ts';
import { reviewScopeFilter } from './scope-filter.ts';

/**
 * Follow-ups of reviews' agreed actions, the inbox and the outbox: one query per function. A
 * follow-up is read with its review (`reviewScopeFilter`), or by the user who owns its action or
 * agreed its review; an inbox message only by its own user.
 */

type Db = Kysely<Database> | Transaction<Database>;

export type InboxMessageRow = Selectable<InboxMessageTable>;
export type OutboxMessageRow = Selectable<OutboxMessageTable>;

/** A follow-up with its action, its review and the names a page shows. */
export interface FollowUpDetailRow {
  id: number;
  /** The review conversation, or null for a follow-up of a peer review's action plan. */
  review_id: number | null;
  peer_review_id: number | null;
  review_action_id: number | null;
  due_on: string;
  state: FollowUpState;
  asked_at: Date | null;
  outcome: Outcome | null;
  answer: string;
  change_made: boolean;
  change_made_on: string | null;
  answered_by: number | null;
  answered_by_label: string | null;
  answered_at: Date | null;
  org_code: string;
  org_name: string;
  overseer_org_code: string;
  overseer_name: string;
  overseer_kind: string;
  quarter: string;
  held_on: string | null;
  agreed_by: number | null;
  agreed_by_label: string | null;
  is_example: boolean;
  action_description: string | null;
  action_owner_user_id: number | null;
  action_owner_name: string | null;
  action_owner_side: string | null;
  action_due_on: string | null;
  action_status: ActionStatus | null;
  action_offer_id: number | null;
}

/** Who reads a follow-up: its review's readers, and the users who own its action or agreed its review. */
function followUpReadable(scope: ContentScope): ReturnType<typeof sql<SqlBool>> {
  if (scope.everything) return sql<SqlBool>`true`;
  const own =
    scope.userId === null
      ? sql<SqlBool>`false`
      : sql<SqlBool>`(review.agreed_by = ${scope.userId} or review_action.owner_user_id = ${scope.userId})`;
  return sql<SqlBool>`(${reviewScopeFilter(scope)} or ${own})`;
}

function followUpsWithNames(db: Db) {
  return db
    .selectFrom('follow_up')
    .innerJoin('review', 'review.id', 'follow_up.review_id')
    .innerJoin('organisation as org', 'org.code', 'review.org_code')
    .innerJoin('organisation as overseer', 'overseer.code', 'review.overseer_org_code')
    .leftJoin('review_action', 'review_action.id', 'follow_up.review_action_id')
    .select([
      'follow_up.id',
      'follow_up.review_id',
      'follow_up.peer_review_id',
      'follow_up.review_action_id',
      'follow_up.due_on',
      'follow_up.state',
      'follow_up.asked_at',
      'follow_up.outcome',
      'follow_up.answer',
      'follow_up.change_made',
      'follow_up.change_made_on',
      'follow_up.answered_by',
      'follow_up.answered_by_label',
      'follow_up.answered_at',
      'review.org_code',
      'org.name as org_name',
      'review.overseer_org_code',
      'overseer.name as overseer_name',
      'overseer.kind as overseer_kind',
      'review.quarter',
      'review.held_on',
      'review.agreed_by',
      'review.agreed_by_label',
      'review.is_example',
      'review_action.description as action_description',
      'review_action.owner_user_id as action_owner_user_id',
      'review_action.owner_name as action_owner_name',
      'review_action.owner_side as action_owner_side',
      'review_action.due_on as action_due_on',
      'review_action.status as action_status',
      'review_action.offer_id as action_offer_id',
    ]);
}

/** One follow-up the scope reads (`findFollowUp`). */
export async function findFollowUp(
  db: Db,
  scope: ContentScope,
  id: number,
): Promise<FollowUpDetailRow | undefined> {
  return followUpsWithNames(db)
    .where('follow_up.id', '=', id)
    .where(followUpReadable(scope))
    .executeTakeFirst() as Promise<FollowUpDetailRow | undefined>;
}

/** Who reads a peer review's follow-up: the host's people, the action's owner and the user who created the review. */
function peerFollowUpReadable(scope: ContentScope): ReturnType<typeof sql<SqlBool>> {
  if (scope.everything) return sql<SqlBool>`true`;
  const host = scope.peopleOf.length
    ? sql<SqlBool>`peer_review.host_org_code in (${sql.join([...scope.peopleOf])})`
    : sql<SqlBool>`false`;
  const own =
    scope.userId === null
      ? sql<SqlBool>`false`
      : sql<SqlBool>`(peer_review.created_by = ${scope.userId} or peer_review_action.owner_user_id = ${scope.userId})`;
  return sql<SqlBool>`(${host} or ${own})`;
}

/**
 * A peer review's follow-up in the shape of a review's (`peerReviewFollowUpsWithNames`): the host
 * stands where the reviewed organisation does and also as the "overseer", the last on-site day as
 * the meeting, the user who created the peer review as the one who agreed it.
 */
function peerReviewFollowUpsWithNames(db: Db) {
  return db
    .selectFrom('follow_up')
    .innerJoin('peer_review', 'peer_review.id', 'follow_up.peer_review_id')
    .innerJoin('organisation as org', 'org.code', 'peer_review.host_org_code')
    .leftJoin('peer_review_action', 'peer_review_action.id', 'follow_up.peer_review_action_id')
    .select([
      'follow_up.id',
      'follow_up.review_id',
      'follow_up.peer_review_id',
      'follow_up.review_action_id',
      'follow_up.due_on',
      'follow_up.state',
      'follow_up.asked_at',
      'follow_up.outcome',
      'follow_up.answer',
      'follow_up.change_made',
      'follow_up.change_made_on',
      'follow_up.answered_by',
      'follow_up.answered_by_label',
      'follow_up.answered_at',
      'peer_review.host_org_code as org_code',
      'org.name as org_name',
      'peer_review.host_org_code as overseer_org_code',
      'org.name as overseer_name',
      sql<string>`'peer_review'`.as('overseer_kind'),
      sql<string>`''`.as('quarter'),
      'peer_review.on_site_to as held_on',
      'peer_review.created_by as agreed_by',
      'peer_review.created_by_label as agreed_by_label',
      'peer_review.is_example',
      'peer_review_action.description as action_description',
      'peer_review_action.owner_user_id as action_owner_user_id',
      'peer_review_action.owner_name as action_owner_name',
      sql<string>`'organisation'`.as('action_owner_side'),
      'peer_review_action.due_on as action_due_on',
      sql<ActionStatus | null>`null`.as('action_status'),
      sql<number | null>`null`.as('action_offer_id'),
    ]);
}

/** One follow-up of a peer review's action plan that the scope reads (`findPeerReviewFollowUp`). */
export async function findPeerReviewFollowUp(
  db: Db,
  scope: ContentScope,
  id: number,
): Promise<FollowUpDetailRow | undefined> {
  return peerReviewFollowUpsWithNames(db)
    .where('follow_up.id', '=', id)
    .where(peerFollowUpReadable(scope))
    .executeTakeFirst() as Promise<FollowUpDetailRow | undefined>;
}

/** One follow-up of a peer review whatever the reader, locked for an update in `trx` (`lockPeerReviewFollowUp`). */
export async function lockPeerReviewFollowUp(
  trx: Transaction<Database>,
  id: number,
): Promise<FollowUpDetailRow | undefined> {
  return peerReviewFollowUpsWithNames(trx)
    .where('follow_up.id', '=', id)
    .forUpdate('follow_up')
    .executeTakeFirst() as Promise<FollowUpDetailRow | undefined>;
}

/** One follow-up whatever the reader, locked for an update in `trx` (`lockFollowUp`): the sweep's and an answer's view. */
export async function lockFollowUp(
  trx: Transaction<Database>,
  id: number,
): Promise<FollowUpDetailRow | undefined> {
  return followUpsWithNames(trx)
    .where('follow_up.id', '=', id)
    .forUpdate('follow_up')
    .executeTakeFirst() as Promise<FollowUpDetailRow | undefined>;
}

export interface FollowUpFilter {
  /** Due on or before this day (ISO date). */
  dueBefore?: string;
  orgCode?: string;
  state?: FollowUpState;
  limit?: number;
}

/** Follow-ups the scope reads (`listFollowUps`), the earliest due first. */
export async function listFollowUps(
  db: Db,
  scope: ContentScope,
  filter: FollowUpFilter = {},
): Promise<FollowUpDetailRow[]> {
  let query = followUpsWithNames(db).where(followUpReadable(scope));
  if (filter.dueBefore) query = query.where('follow_up.due_on', '<=', filter.dueBefore);
  if (filter.orgCode) query = query.where('review.org_code', '=', filter.orgCode);
  if (filter.state) query = query.where('follow_up.state', '=', filter.state);
  return query
    .orderBy('follow_up.due_on')
    .orderBy('follow_up.id')
    .limit(filter.limit ?? 1000)
    .execute() as Promise<FollowUpDetailRow[]>;
}

/** Follow-ups of peer reviews' action plans the scope reads (`listPeerReviewFollowUps`), the earliest due first. */
export async function listPeerReviewFollowUps(
  db: Db,
  scope: ContentScope,
  filter: FollowUpFilter = {},
): Promise<FollowUpDetailRow[]> {
  let query = peerReviewFollowUpsWithNames(db).where(peerFollowUpReadable(scope));
  if (filter.dueBefore) query = query.where('follow_up.due_on', '<=', filter.dueBefore);
  if (filter.orgCode) query = query.where('peer_review.host_org_code', '=', filter.orgCode);
  if (filter.state) query = query.where('follow_up.state', '=', filter.state);
  return query
    .orderBy('follow_up.due_on')
    .orderBy('follow_up.id')
    .limit(filter.limit ?? 1000)
    .execute() as Promise<FollowUpDetailRow[]>;
}

/** Ids of the follow-ups still to ask that are due on or before `day` (`dueFollowUpIds`). */
export async function dueFollowUpIds(db: Db, day: string): Promise<number[]> {
  const rows = await db
    .selectFrom('follow_up')
    .select('id')
    .where('state', '=', 'scheduled')
    .where('due_on', '<=', day)
    .orderBy('due_on')
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

/** The names of the organisations whose offers of help a review accepted (`acceptedOfferOrgNames`); one offer's when `offerId` is given. */
export async function acceptedOfferOrgNames(
  db: Db,
  reviewId: number,
  offerId: number | null,
): Promise<string[]> {
  let query = db
    .selectFrom('review_offer')
    .innerJoin('organisation', 'organisation.code', 'review_offer.from_org_code')
    .select('organisation.name')
    .distinct()
    .where('review_offer.review_id', '=', reviewId)
    .where('review_offer.state', '=', 'accepted');
  if (offerId !== null) query = query.where('review_offer.id', '=', offerId);
  return (await query.orderBy('organisation.name').execute()).map((row) => row.name);
}

/** The metrics of a review's offers of help (`reviewOfferMetricIds`); one offer's when `offerId` is given. */
export async function reviewOfferMetricIds(
  db: Db,
  reviewId: number,
  offerId: number | null,
): Promise<string[]> {
  let query = db.selectFrom('review_offer').select('metric_id').distinct().where('review_id', '=', reviewId);
  if (offerId !== null) query = query.where('id', '=', offerId);
  return (await query.orderBy('metric_id').execute()).map((row) => row.metric_id);
}

/** A person a follow-up is addressed to. */
export interface Recipient {
  id: number;
  email: string;
  display_name: string;
}

/**
 * Who is asked about a follow-up (`followUpRecipients`): the given users, and — when `orgCode` is
 * given — the organisation's contributors and admins whose grants are in force on `day`; enabled
 * accounts only, each once.
 */
export async function followUpRecipients(
  db: Db,
  input: { userIds: readonly number[]; orgCode: string | null; day: string },
): Promise<Recipient[]> {
  const { userIds, orgCode, day } = input;
  return db
    .selectFrom('app_user')
    .select(['app_user.id', 'app_user.email', 'app_user.display_name'])
    .where('app_user.disabled_at', 'is', null)
    .where((eb) =>
      eb.or([
        userIds.length ? eb('app_user.id', 'in', [...userIds]) : sql<SqlBool>`false`,
        orgCode === null
          ? sql<SqlBool>`false`
          : eb.exists(
              eb
                .selectFrom('role_grant')
                .select('role_grant.id')
                .whereRef('role_grant.user_id', '=', 'app_user.id')
                .where('role_grant.role', 'in', ['contributor', 'admin'])
                .where('role_grant.scope_kind', '=', 'organisation')
                .where('role_grant.scope_code', '=', orgCode)
                .where('role_grant.valid_from', '<=', day)
                .where((inner) =>
                  inner.or([
                    inner('role_grant.valid_to', 'is', null),
                    inner('role_grant.valid_to', '>', day),
                  ]),
                ),
            ),
      ]),
    )
    .orderBy('app_user.id')
    .execute();
}

/** Marks a scheduled follow-up asked (`markFollowUpAsked`); false when it was no longer scheduled. */
export async function markFollowUpAsked(trx: Db, id: number, at: Date): Promise<boolean> {
  const result = await trx
    .updateTable('follow_up')
    .set({ state: 'asked', asked_at: at })
    .where('id', '=', id)
    .where('state', '=', 'scheduled')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records a follow-up's answer (`answerFollowUpRow`); an unanswered follow-up that was never asked is asked now too. */
export async function answerFollowUpRow(
  trx: Db,
  id: number,
  answer: {
    outcome: Outcome;
    answer: string;
    changeMade: boolean;
    changeMadeOn: string | null;
    answeredBy: number | null;
    answeredByLabel: string;
    at: Date;
  },
): Promise<boolean> {
  const result = await trx
    .updateTable('follow_up')
    .set({
      state: 'answered',
      asked_at: sql<Date>`coalesce(asked_at, ${answer.at})`,
      outcome: answer.outcome,
      answer: answer.answer,
      change_made: answer.changeMade,
      change_made_on: answer.changeMadeOn,
      answered_by: answer.answeredBy,
      answered_by_label: answer.answeredByLabel,
      answered_at: answer.at,
    })
    .where('id', '=', id)
    .where('state', '<>', 'answered')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Adds inbox messages (`insertInboxMessages`). */
export async function insertInboxMessages(
  trx: Db,
  rows: readonly Insertable<InboxMessageTable>[],
): Promise<InboxMessageRow[]> {
  if (rows.length === 0) return [];
  return trx
    .insertInto('inbox_message')
    .values([...rows])
    .returningAll()
    .execute();
}

/** Adds outbox messages (`insertOutboxMessages`). */
export async function insertOutboxMessages(
  trx: Db,
  rows: readonly Insertable<OutboxMessageTable>[],
): Promise<OutboxMessageRow[]> {
  if (rows.length === 0) return [];
  return trx
    .insertInto('outbox_message')
    .values([...rows])
    .returningAll()
    .execute();
}

/** Records what became of an outbox message (`recordOutboxDelivery`): sent at a time, or an error. */
export async function recordOutboxDelivery(
  trx: Db,
  id: number,
  delivery: { sentAt: Date | null; error: string | null; transport: MessageTransport },
): Promise<void> {
  await trx
    .updateTable('outbox_message')
    .set({ sent_at: delivery.sentAt, error: delivery.error, transport: delivery.transport })
    .where('id', '=', id)
    .execute();
}

/** A user's own inbox, the newest first (`listInbox`). */
export async function listInbox(db: Db, userId: number, limit = 200): Promise<InboxMessageRow[]> {
  return db
    .selectFrom('inbox_message')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** One message of a user's own inbox (`findInboxMessage`). */
export async function findInboxMessage(
  db: Db,
  userId: number,
  id: number,
): Promise<InboxMessageRow | undefined> {
  return db
    .selectFrom('inbox_message')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** How many of a user's inbox messages are unread (`countUnreadInbox`). */
export async function countUnreadInbox(db: Db, userId: number): Promise<number> {
  const row = await db
    .selectFrom('inbox_message')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Marks a user's own message read (`markInboxRead`); false when it was already read or is not theirs. */
export async function markInboxRead(trx: Db, userId: number, id: number, at: Date): Promise<boolean> {
  const result = await trx
    .updateTable('inbox_message')
    .set({ read_at: at })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The outbox as a reader may read it (`listOutbox`): everything, or the messages to one user; the newest first. */
export async function listOutbox(
  db: Db,
  reader: { everything: true } | { everything: false; userId: number },
  limit = 500,
): Promise<OutboxMessageRow[]> {
  let query = db.selectFrom('outbox_message').selectAll();
  if (!reader.everything) query = query.where('to_user_id', '=', reader.userId);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** The follow-through counts of one organisation (`followThroughCounts`), as numbers. */
export interface FollowThroughCountsRow {
  org_code: string;
  actions_due: number;
  actions_done_on_time: number;
  offers_made: number;
  offers_accepted: number;
  follow_ups_due: number;
  follow_ups_answered: number;
  follow_ups_asked_on_time: number;
}

/**
 * Per reviewed organisation, on `day` (`followThroughCounts`): agreed actions due by then and those
 * done on or before their due date; offers of help made and accepted (declined ones count as made);
 * follow-ups due by then, those of them answered, and those asked on or before their due date + 1 day.
 * Counts only: no text leaves this query.
 */
export async function followThroughCounts(db: Db, day: string): Promise<FollowThroughCountsRow[]> {
  const result = await sql<FollowThroughCountsRow>`
    with orgs as (select distinct org_code from review),
    actions as (
      select r.org_code,
        count(*) filter (where a.due_on <= ${day}::date and a.status <> 'dropped') as due,
        count(*) filter (where a.due_on <= ${day}::date and a.status = 'done' and a.completed_on <= a.due_on) as on_time
      from review_action a join review r on r.id = a.review_id group by r.org_code),
    offers as (
      select r.org_code, count(*) as made, count(*) filter (where o.state = 'accepted') as accepted
      from review_offer o join review r on r.id = o.review_id group by r.org_code),
    follow_ups as (
      select r.org_code,
        count(*) filter (where f.due_on <= ${day}::date) as due,
        count(*) filter (where f.due_on <= ${day}::date and f.state = 'answered') as answered,
        count(*) filter (where f.due_on <= ${day}::date and f.asked_at is not null
          and (f.asked_at at time zone 'UTC')::date <= f.due_on + 1) as asked_on_time
      from follow_up f join review r on r.id = f.review_id group by r.org_code)
    select orgs.org_code,
      coalesce(actions.due, 0)::int as actions_due,
      coalesce(actions.on_time, 0)::int as actions_done_on_time,
      coalesce(offers.made, 0)::int as offers_made,
      coalesce(offers.accepted, 0)::int as offers_accepted,
      coalesce(follow_ups.due, 0)::int as follow_ups_due,
      coalesce(follow_ups.answered, 0)::int as follow_ups_answered,
      coalesce(follow_ups.asked_on_time, 0)::int as follow_ups_asked_on_time
    from orgs
    left join actions on actions.org_code = orgs.org_code
    left join offers on offers.org_code = orgs.org_code
    left join follow_ups on follow_ups.org_code = orgs.org_code
    order by orgs.org_code`.execute(db);
  return result.rows;
}

/** The ICBs and regions of organisations that have been reviewed (`reviewedOrganisationParents`), with names. */
export async function reviewedOrganisationParents(
  db: Db,
): Promise<{ member_code: string; member_name: string; parent_code: string; relation: string }[]> {
  return db
    .selectFrom('organisation')
    .leftJoin('membership', (join) =>
      join
        .onRef('membership.member_code', '=', 'organisation.code')
        .on('membership.relation', 'in', ['icb_ods', 'icb_nhse', 'region']),
    )
    .select([
      'organisation.code as member_code',
      'organisation.name as member_name',
      sql<string>`coalesce(membership.parent_code, '')`.as('parent_code'),
      sql<string>`coalesce(membership.relation, '')`.as('relation'),
    ])
    .where('organisation.code', 'in', (eb) => eb.selectFrom('review').select('review.org_code'))
    .orderBy('organisation.code')
    .execute();
}
