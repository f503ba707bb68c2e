import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import type { CircleScope } from '../../policies/circle.ts';
import type { CircleMeetingTable, CircleTable, JournalEntryTable } from '../circle-tables.ts';
import type { Database } from '../tables.ts';
import { circleScopeFilter, journalScopeFilter } from './scope-filter.ts';

/**
 * Confidential peer circles, their members and meetings, and reflective journal entries. Every read
 * takes the reader's circle scope and filters with `circleScopeFilter` or `journalScopeFilter`, so a
 * query answers nothing to anyone outside the circle (or, for a private entry, but its author).
 *
 * The tables also carry row-level security (migration `2026_12_03_0930_circle_row_security`): each
 * read and write here runs in a transaction whose `tend.viewer_user_id` is the scope's user
 * (`asViewer`), so the same rule holds in the database even for a query that forgot its filter.
 */

export type CircleRow = Selectable<CircleTable>;
export type CircleMeetingRow = Selectable<CircleMeetingTable>;
export type JournalEntryRow = Selectable<JournalEntryTable>;

/**
 * Runs `work` in a transaction (the caller's, or a new one) whose transaction-local
 * `tend.viewer_user_id` is the scope's user, or empty for no one (`asViewer`).
 */
async function asViewer<T>(
  db: Kysely<Database>,
  scope: CircleScope,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const viewer = scope.userId === null ? '' : String(scope.userId);
  const run = async (trx: Kysely<Database>): Promise<T> => {
    await sql`select set_config('tend.viewer_user_id', ${viewer}, true)`.execute(trx);
    return work(trx);
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** A current member of a circle, named. */
export interface CircleMemberRow {
  user_id: number;
  display_name: string;
  email: string;
  joined_at: Date;
}

/** One circle the scope reads (`findCircle`); undefined otherwise. */
export async function findCircle(
  db: Kysely<Database>,
  scope: CircleScope,
  id: number,
): Promise<CircleRow | undefined> {
  return asViewer(db, scope, (trx) =>
    trx
      .selectFrom('circle')
      .selectAll()
      .where('circle.id', '=', id)
      .where(circleScopeFilter(scope))
      .executeTakeFirst(),
  );
}

/** The circles the scope reads, by name (`listCircles`). */
export async function listCircles(db: Kysely<Database>, scope: CircleScope): Promise<CircleRow[]> {
  return asViewer(db, scope, (trx) =>
    trx
      .selectFrom('circle')
      .selectAll()
      .where(circleScopeFilter(scope))
      .orderBy('circle.name')
      .orderBy('circle.id')
      .execute(),
  );
}

/** The current members of a circle the scope reads, by name (`listCircleMembers`). */
export async function listCircleMembers(
  db: Kysely<Database>,
  scope: CircleScope,
  circleId: number,
): Promise<CircleMemberRow[]> {
  return asViewer(db, scope, (trx) =>
    trx
      .selectFrom('circle_member')
      .innerJoin('app_user', 'app_user.id', 'circle_member.user_id')
      .select(['circle_member.user_id', 'app_user.display_name', 'app_user.email', 'circle_member.joined_at'])
      .where('circle_member.circle_id', '=', circleId)
      .where('circle_member.left_at', 'is', null)
      .where(circleScopeFilter(scope, 'circle_member.circle_id'))
      .orderBy('app_user.display_name')
      .execute(),
  );
}

/** The meetings of a circle the scope reads, latest first (`listCircleMeetings`). */
export async function listCircleMeetings(
  db: Kysely<Database>,
  scope: CircleScope,
  circleId: number,
): Promise<CircleMeetingRow[]> {
  return asViewer(db, scope, (trx) =>
    trx
      .selectFrom('circle_meeting')
      .selectAll()
      .where('circle_meeting.circle_id', '=', circleId)
      .where(circleScopeFilter(scope, 'circle_meeting.circle_id'))
      .orderBy('circle_meeting.met_on', 'desc')
      .orderBy('circle_meeting.id', 'desc')
      .execute(),
  );
}

/** Adds a circle its creator (the scope's user) starts (`insertCircle`). */
export async function insertCircle(
  db: Kysely<Database>,
  scope: CircleScope,
  row: Insertable<CircleTable>,
): Promise<CircleRow> {
  return asViewer(db, scope, (trx) =>
    trx.insertInto('circle').values(row).returningAll().executeTakeFirstOrThrow(),
  );
}

/** Marks a circle its creator (the scope's user) started as an invented example (`markCircleAsExample`). */
export async function markCircleAsExample(
  db: Kysely<Database>,
  scope: CircleScope,
  circleId: number,
): Promise<void> {
  await asViewer(db, scope, (trx) =>
    trx.updateTable('circle').set({ is_example: true }).where('id', '=', circleId).execute(),
  );
}

/** Makes a user a current member of a circle, re-joining if they had left (`joinCircle`). */
export async function joinCircle(
  db: Kysely<Database>,
  scope: CircleScope,
  circleId: number,
  userId: number,
  at: Date,
): Promise<void> {
  await asViewer(db, scope, (trx) =>
    trx
      .insertInto('circle_member')
      .values({ circle_id: circleId, user_id: userId, joined_at: at, left_at: null })
      .onConflict((conflict) =>
        conflict.columns(['circle_id', 'user_id']).doUpdateSet({ joined_at: at, left_at: null }),
      )
      .execute(),
  );
}

/** Marks a current member as having left (`leaveCircle`); whether they were a current member. */
export async function leaveCircle(
  db: Kysely<Database>,
  scope: CircleScope,
  circleId: number,
  userId: number,
  at: Date,
): Promise<boolean> {
  const result = await asViewer(db, scope, (trx) =>
    trx
      .updateTable('circle_member')
      .set({ left_at: at })
      .where('circle_id', '=', circleId)
      .where('user_id', '=', userId)
      .where('left_at', 'is', null)
      .executeTakeFirst(),
  );
  return Number(result.numUpdatedRows) > 0;
}

/** Adds a meeting to a circle (`insertCircleMeeting`). */
export async function insertCircleMeeting(
  db: Kysely<Database>,
  scope: CircleScope,
  row: Insertable<CircleMeetingTable>,
): Promise<CircleMeetingRow> {
  return asViewer(db, scope, (trx) =>
    trx.insertInto('circle_meeting').values(row).returningAll().executeTakeFirstOrThrow(),
  );
}

/** One journal entry the scope reads (`findJournalEntry`); undefined otherwise. */
export async function findJournalEntry(
  db: Kysely<Database>,
  scope: CircleScope,
  id: number,
): Promise<JournalEntryRow | undefined> {
  return asViewer(db, scope, (trx) =>
    trx
      .selectFrom('journal_entry')
      .selectAll()
      .where('journal_entry.id', '=', id)
      .where(journalScopeFilter(scope))
      .executeTakeFirst(),
  );
}

/** The journal entries a user wrote, latest first (`listOwnJournalEntries`). */
export async function listOwnJournalEntries(
  db: Kysely<Database>,
  scope: CircleScope,
): Promise<JournalEntryRow[]> {
  const { userId } = scope;
  if (userId === null) return [];
  return asViewer(db, scope, (trx) =>
    trx
      .selectFrom('journal_entry')
      .selectAll()
      .where('journal_entry.author_user_id', '=', userId)
      .where(journalScopeFilter(scope))
      .orderBy('journal_entry.written_at', 'desc')
      .orderBy('journal_entry.id', 'desc')
      .execute(),
  );
}

/** The journal entries shared into a circle the scope reads, with their authors' names (`listSharedEntries`). */
export async function listSharedEntries(
  db: Kysely<Database>,
  scope: CircleScope,
  circleId: number,
): Promise<(JournalEntryRow & { author_name: string })[]> {
  return asViewer(db, scope, (trx) =>
    trx
      .selectFrom('journal_entry')
      .innerJoin('app_user', 'app_user.id', 'journal_entry.author_user_id')
      .selectAll('journal_entry')
      .select('app_user.display_name as author_name')
      .where('journal_entry.shared_to_circle_id', '=', circleId)
      .where(journalScopeFilter(scope))
      .orderBy('journal_entry.shared_at', 'desc')
      .execute(),
  );
}

/** Adds a journal entry its author (the scope's user) wrote (`insertJournalEntry`). */
export async function insertJournalEntry(
  db: Kysely<Database>,
  scope: CircleScope,
  row: Insertable<JournalEntryTable>,
): Promise<JournalEntryRow> {
  return asViewer(db, scope, (trx) =>
    trx.insertInto('journal_entry').values(row).returningAll().executeTakeFirstOrThrow(),
  );
}

/** Shares an entry into a circle (`shareJournalEntry`); undefined if it was already shared. */
export async function shareJournalEntry(
  db: Kysely<Database>,
  scope: CircleScope,
  id: number,
  circleId: number,
  at: Date,
): Promise<JournalEntryRow | undefined> {
  return asViewer(db, scope, (trx) =>
    trx
      .updateTable('journal_entry')
      .set({ shared_to_circle_id: circleId, shared_at: at })
      .where('id', '=', id)
      .where('shared_to_circle_id', 'is', null)
      .returningAll()
      .executeTakeFirst(),
  );
}

/**
 * Every circle's creator and current members, for checking the policy row by row
 * (`circleMembership`). Reads under the maintenance setting, as backup does: not for the web.
 */
export async function circleMembership(
  db: Kysely<Database>,
): Promise<{ circle_id: number; created_by: number; user_id: number | null }[]> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('tend.row_access', 'all', true)`.execute(trx);
    return trx
      .selectFrom('circle')
      .leftJoin('circle_member', (join) =>
        join.onRef('circle_member.circle_id', '=', 'circle.id').on('circle_member.left_at', 'is', null),
      )
      .select(['circle.id as circle_id', 'circle.created_by', 'circle_member.user_id'])
      .execute();
  });
}
