import type { Kysely } from 'kysely';
import type { ApiTokenRow, Database } from '../tables.ts';

/** API tokens, stored as SHA-256 hashes of the secret. */

export async function insertToken(
  db: Kysely<Database>,
  token: { userId: number; name: string; tokenHash: string; createdAt: Date },
): Promise<ApiTokenRow> {
  return db
    .insertInto('api_token')
    .values({
      user_id: token.userId,
      name: token.name,
      token_hash: token.tokenHash,
      created_at: token.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findActiveTokenByHash(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<ApiTokenRow | undefined> {
  return db
    .selectFrom('api_token')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function findTokenByName(
  db: Kysely<Database>,
  userId: number,
  name: string,
): Promise<ApiTokenRow | undefined> {
  return db
    .selectFrom('api_token')
    .selectAll()
    .where('user_id', '=', userId)
    .where('name', '=', name)
    .executeTakeFirst();
}

export async function touchToken(db: Kysely<Database>, id: number, at: Date): Promise<void> {
  await db.updateTable('api_token').set({ last_used_at: at }).where('id', '=', id).execute();
}

export async function revokeTokenById(db: Kysely<Database>, id: number, at: Date): Promise<void> {
  await db.updateTable('api_token').set({ revoked_at: at }).where('id', '=', id).execute();
}

export async function listTokens(db: Kysely<Database>, userId?: number): Promise<ApiTokenRow[]> {
  let query = db.selectFrom('api_token').selectAll();
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  return query.orderBy('id').execute();
}
