import type { Kysely } from 'kysely';
import type { Actor, Grant } from '../../policies/actor.ts';
import { findSessionWithUser } from '../../store/repos/session-repo.ts';
import { findUserById, grantsInForceOn } from '../../store/repos/user-repo.ts';
import type { AppUserRow, Database, RoleGrantRow } from '../../store/tables.ts';
import { isoDay } from '../context.ts';

export function grantFromRow(
  row: Pick<RoleGrantRow, 'role' | 'scope_kind' | 'scope_code' | 'valid_from' | 'valid_to'>,
): Grant {
  return {
    role: row.role,
    scopeKind: row.scope_kind,
    scopeCode: row.scope_code,
    validFrom: row.valid_from,
    validTo: row.valid_to,
  };
}

/**
 * The actor for a user and their grants in force (`actorOf`); undefined when the account is
 * disabled, so a disabled account's sessions and tokens stop working at once.
 */
export function actorOf(
  user: Pick<AppUserRow, 'id' | 'email' | 'display_name' | 'disabled_at'>,
  grants: readonly Pick<RoleGrantRow, 'role' | 'scope_kind' | 'scope_code' | 'valid_from' | 'valid_to'>[],
  via: 'session' | 'token',
): Actor | undefined {
  if (user.disabled_at) return undefined;
  return Object.freeze({
    kind: 'user',
    userId: user.id,
    email: user.email,
    name: user.display_name,
    grants: Object.freeze(grants.map(grantFromRow)),
    via,
  });
}

/**
 * The actor for a user id: their grants in force today. Undefined when the user does not exist
 * or is disabled.
 */
export async function loadUserActor(
  db: Kysely<Database>,
  userId: number,
  at: Date,
  via: 'session' | 'token',
): Promise<Actor | undefined> {
  const user = await findUserById(db, userId);
  if (!user || user.disabled_at) return undefined;
  return actorOf(user, await grantsInForceOn(db, userId, isoDay(at)), via);
}

/**
 * A web session and the actor it signs in, read together (`loadSession`): undefined when the session
 * does not exist or has expired; `actor` undefined when it signs no one in, or its account has gone
 * or been disabled.
 */
export async function loadSession(
  db: Kysely<Database>,
  sid: string,
  at: Date,
): Promise<{ data: Record<string, unknown>; actor: Actor | undefined } | undefined> {
  const found = await findSessionWithUser(db, sid, at, isoDay(at));
  if (!found) return undefined;
  return { data: found.data, actor: found.user ? actorOf(found.user, found.grants, 'session') : undefined };
}
