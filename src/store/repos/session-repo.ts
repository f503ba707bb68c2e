import type { Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { AppUserRow, Database, RoleGrantRow } from '../tables.ts';

/** Server-side web sessions (the cookie holds only the signed id). */

export async function saveSession(
  db: Kysely<Database>,
  session: { sid: string; userId: number | null; data: Record<string, unknown>; expiresAt: Date; now: Date },
): Promise<void> {
  await db
    .insertInto('web_session')
    .values({
      sid: session.sid,
      user_id: session.userId,
      data: JSON.stringify(session.data),
      expires_at: session.expiresAt,
      updated_at: session.now,
    })
    .onConflict((oc) =>
      oc.column('sid').doUpdateSet({
        user_id: session.userId,
        data: JSON.stringify(session.data),
        expires_at: session.expiresAt,
        updated_at: session.now,
      }),
    )
    .execute();
}

export async function deleteSession(db: Kysely<Database>, sid: string): Promise<void> {
  await db.deleteFrom('web_session').where('sid', '=', sid).execute();
}

/** Signs a user out everywhere: removes every session of theirs. Returns how many. */
export async function deleteUserSessions(db: Kysely<Database>, userId: number): Promise<number> {
  const result = await db.deleteFrom('web_session').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteExpiredSessions(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db.deleteFrom('web_session').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A session with its user and the user's grants in force on a day, as one read. */
export interface SessionWithUser {
  data: Record<string, unknown>;
  user: Pick<AppUserRow, 'id' | 'email' | 'display_name' | 'disabled_at'> | null;
  grants: Pick<RoleGrantRow, 'role' | 'scope_kind' | 'scope_code' | 'valid_from' | 'valid_to'>[];
}

/**
 * An unexpired session, the user it signs in and that user's grants in force on `day`, in one query
 * (`findSessionWithUser`): what every signed-in request needs before its route runs.
 */
export async function findSessionWithUser(
  db: Kysely<Database>,
  sid: string,
  now: Date,
  day: string,
): Promise<SessionWithUser | undefined> {
  const row = await db
    .selectFrom('web_session')
    .leftJoin('app_user', 'app_user.id', 'web_session.user_id')
    .select((eb) => [
      'web_session.data',
      'app_user.id as user_id',
      'app_user.email',
      'app_user.display_name',
      'app_user.disabled_at',
      jsonArrayFrom(
        eb
          .selectFrom('role_grant')
          .select(['role', 'scope_kind', 'scope_code', 'valid_from', 'valid_to'])
          .whereRef('role_grant.user_id', '=', 'web_session.user_id')
          .where('role_grant.valid_from', '<=', day)
          .where((inner) => inner.or([inner('valid_to', 'is', null), inner('valid_to', '>', day)]))
          .orderBy('role_grant.id'),
      ).as('grants'),
    ])
    .where('web_session.sid', '=', sid)
    .where('web_session.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    data: row.data,
    user:
      row.user_id === null
        ? null
        : {
            id: row.user_id,
            email: row.email as string,
            display_name: row.display_name as string,
            disabled_at: row.disabled_at,
          },
    grants: row.grants as SessionWithUser['grants'],
  };
}
