import type { Kysely } from 'kysely';
import type { Database } from '../tables.ts';

/** Server-side web sessions (the cookie holds only the signed id). */

export async function findSession(
  db: Kysely<Database>,
  sid: string,
  now: Date,
): Promise<Record<string, unknown> | undefined> {
  const row = await db
    .selectFrom('web_session')
    .select('data')
    .where('sid', '=', sid)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row?.data;
}

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
