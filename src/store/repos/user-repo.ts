import { type Kysely, sql } from 'kysely';
import type { RoleName, ScopeKind } from '../../domain/people.ts';
import type { AppUserRow, Database, RoleGrantRow } from '../tables.ts';

/** Users, their dated role grants, single sign-on identity links and role mappings. */

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<AppUserRow | undefined> {
  return db
    .selectFrom('app_user')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

export async function findUserById(db: Kysely<Database>, id: number): Promise<AppUserRow | undefined> {
  return db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertUser(
  db: Kysely<Database>,
  user: {
    email: string;
    displayName: string;
    passwordHash: string | null;
    isDemo?: boolean;
    createdAt: Date;
  },
): Promise<AppUserRow> {
  return db
    .insertInto('app_user')
    .values({
      email: user.email.trim().toLowerCase(),
      display_name: user.displayName,
      password_hash: user.passwordHash,
      is_demo: user.isDemo ?? false,
      created_at: user.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listUsers(db: Kysely<Database>): Promise<AppUserRow[]> {
  return db.selectFrom('app_user').selectAll().orderBy('email').execute();
}

/** The accounts `tend demo` made (`is_demo`), in the order they were added. */
export async function listDemoUsers(db: Kysely<Database>): Promise<AppUserRow[]> {
  return db.selectFrom('app_user').selectAll().where('is_demo', '=', true).orderBy('id').execute();
}

/** Users by id, for showing names (only id, email and display name). */
export async function usersByIds(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<{ id: number; email: string; display_name: string }[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('app_user')
    .select(['id', 'email', 'display_name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
}

export async function setPasswordHash(db: Kysely<Database>, id: number, hash: string): Promise<void> {
  await db
    .updateTable('app_user')
    .set({ password_hash: hash, failed_sign_ins: 0, locked_until: null })
    .where('id', '=', id)
    .execute();
}

export async function setUserDisabled(db: Kysely<Database>, id: number, at: Date | null): Promise<void> {
  await db.updateTable('app_user').set({ disabled_at: at }).where('id', '=', id).execute();
}

/** Counts a failed sign-in and sets the lock; returns the new count. */
export async function recordFailedSignIn(
  db: Kysely<Database>,
  id: number,
  lockedUntil: Date | null,
): Promise<void> {
  await db
    .updateTable('app_user')
    .set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', 1), locked_until: lockedUntil }))
    .where('id', '=', id)
    .execute();
}

export async function recordSignIn(db: Kysely<Database>, id: number, at: Date): Promise<void> {
  await db
    .updateTable('app_user')
    .set({ failed_sign_ins: 0, locked_until: null, last_sign_in_at: at })
    .where('id', '=', id)
    .execute();
}

export interface NewGrant {
  userId: number;
  role: RoleName;
  scopeKind: ScopeKind;
  scopeCode: string | null;
  validFrom: string;
  validTo: string | null;
  grantedBy: string;
}

export async function insertGrant(db: Kysely<Database>, grant: NewGrant): Promise<RoleGrantRow> {
  return db
    .insertInto('role_grant')
    .values({
      user_id: grant.userId,
      role: grant.role,
      scope_kind: grant.scopeKind,
      scope_code: grant.scopeCode,
      valid_from: grant.validFrom,
      valid_to: grant.validTo,
      granted_by: grant.grantedBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Every grant a user holds or has held, oldest first. */
export async function listGrants(db: Kysely<Database>, userId: number): Promise<RoleGrantRow[]> {
  return db.selectFrom('role_grant').selectAll().where('user_id', '=', userId).orderBy('id').execute();
}

/** Grants in force on `day` for a user. */
export async function grantsInForceOn(
  db: Kysely<Database>,
  userId: number,
  day: string,
): Promise<RoleGrantRow[]> {
  return db
    .selectFrom('role_grant')
    .selectAll()
    .where('user_id', '=', userId)
    .where('valid_from', '<=', day)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', day)]))
    .orderBy('id')
    .execute();
}

/** Ends a grant from `day` on (it stays in the record, dated; `valid_to` is exclusive). */
export async function endGrant(db: Kysely<Database>, grantId: number, day: string): Promise<void> {
  await db.updateTable('role_grant').set({ valid_to: day }).where('id', '=', grantId).execute();
}

export async function findIdentityLink(
  db: Kysely<Database>,
  provider: string,
  subject: string,
): Promise<{ user_id: number } | undefined> {
  return db
    .selectFrom('identity_link')
    .select('user_id')
    .where('provider', '=', provider)
    .where('subject', '=', subject)
    .executeTakeFirst();
}

export async function insertIdentityLink(
  db: Kysely<Database>,
  link: { provider: string; subject: string; userId: number },
): Promise<void> {
  await db
    .insertInto('identity_link')
    .values({ provider: link.provider, subject: link.subject, user_id: link.userId })
    .execute();
}

export async function listSsoRoleMappings(
  db: Kysely<Database>,
  provider?: string,
): Promise<{ provider: string; claim_role: string; tend_role: 'member' | 'contributor' | 'admin' }[]> {
  let query = db.selectFrom('sso_role_mapping').selectAll();
  if (provider) query = query.where('provider', '=', provider);
  return query.orderBy('provider').orderBy('claim_role').execute();
}

export async function upsertSsoRoleMapping(
  db: Kysely<Database>,
  mapping: { provider: string; claimRole: string; tendRole: 'member' | 'contributor' | 'admin' },
): Promise<void> {
  await db
    .insertInto('sso_role_mapping')
    .values({ provider: mapping.provider, claim_role: mapping.claimRole, tend_role: mapping.tendRole })
    .onConflict((oc) => oc.columns(['provider', 'claim_role']).doUpdateSet({ tend_role: mapping.tendRole }))
    .execute();
}

/** Number of users (for status and the demo). */
export async function countUsers(db: Kysely<Database>): Promise<number> {
  const row = await sql<{ n: number }>`select count(*)::integer as n from app_user`.execute(db);
  return row.rows[0]?.n ?? 0;
}
