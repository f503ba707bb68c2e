import type { Kysely } from 'kysely';
import type { Actor, Grant } from '../../policies/actor.ts';
import { findUserById, grantsInForceOn } from '../../store/repos/user-repo.ts';
import type { Database, RoleGrantRow } from '../../store/tables.ts';
import { isoDay } from '../context.ts';

export function grantFromRow(row: RoleGrantRow): Grant {
  return {
    role: row.role,
    scopeKind: row.scope_kind,
    scopeCode: row.scope_code,
    validFrom: row.valid_from,
    validTo: row.valid_to,
  };
}

/**
 * The actor for a user id: their grants in force today. Undefined when the user does not exist
 * or is disabled, so a disabled account's sessions and tokens stop working at once.
 */
export async function loadUserActor(
  db: Kysely<Database>,
  userId: number,
  at: Date,
  via: 'session' | 'token',
): Promise<Actor | undefined> {
  const user = await findUserById(db, userId);
  if (!user || user.disabled_at) return undefined;
  const grants = await grantsInForceOn(db, userId, isoDay(at));
  return Object.freeze({
    kind: 'user',
    userId: user.id,
    email: user.email,
    name: user.display_name,
    grants: Object.freeze(grants.map(grantFromRow)),
    via,
  });
}
