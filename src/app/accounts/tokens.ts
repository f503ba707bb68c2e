import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../../errors.ts';
import type { Actor } from '../../policies/actor.ts';
import {
  findActiveTokenByHash,
  findTokenByName,
  insertToken,
  listTokens,
  revokeTokenById,
  touchToken,
} from '../../store/repos/token-repo.ts';
import { findUserByEmail } from '../../store/repos/user-repo.ts';
import type { ApiTokenRow, Database } from '../../store/tables.ts';
import { auditedWrite, authorise, type UseCaseContext } from '../context.ts';
import { loadUserActor } from './actor.ts';

/** API tokens for scripts and notebooks: `tend_` and 43 random base64url characters, stored as SHA-256. */
const tokenPattern = /^tend_[A-Za-z0-9_-]{43}$/;

export function hashToken(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

/** Creates a token for a person; the secret is returned once and never stored. */
export async function createToken(
  context: UseCaseContext,
  input: { email: string; name: string },
): Promise<{ token: ApiTokenRow; secret: string }> {
  authorise(context, context.actor.kind === 'operator', 'create API tokens');
  const user = await findUserByEmail(context.db, input.email);
  const name = input.name.trim();
  const problems: string[] = [];
  if (!user) problems.push(`email: no user has the email address ${input.email}`);
  if (!name || name.length > 100) problems.push('name: must be 1 to 100 characters');
  if (user && name && (await findTokenByName(context.db, user.id, name)))
    problems.push(`name: ${user.email} already has a token called "${name}"`);
  if (problems.length || !user)
    throw new AppError('VALIDATION_FAILED', `${problems.length} problem(s): ${problems.join('; ')}`, {
      details: problems,
    });
  const secret = `tend_${crypto.randomBytes(32).toString('base64url')}`;
  return auditedWrite(context, {}, async (trx, at) => {
    const token = await insertToken(trx, {
      userId: user.id,
      name,
      tokenHash: hashToken(secret),
      createdAt: at,
    });
    return {
      result: { token, secret },
      audit: {
        action: 'token.create',
        entityType: 'api_token',
        entityId: token.id,
        orgCode: null,
        after: { user: user.email, name },
      },
    };
  });
}

/** Revokes a person's token by name. */
export async function revokeToken(
  context: UseCaseContext,
  input: { email: string; name: string },
): Promise<void> {
  authorise(context, context.actor.kind === 'operator', 'revoke API tokens');
  const user = await findUserByEmail(context.db, input.email);
  const token = user ? await findTokenByName(context.db, user.id, input.name.trim()) : undefined;
  if (!user || !token || token.revoked_at)
    throw new AppError('NOT_FOUND', `${input.email} has no active token called "${input.name}".`);
  await auditedWrite(context, {}, async (trx, at) => {
    await revokeTokenById(trx, token.id, at);
    return {
      result: undefined,
      audit: {
        action: 'token.revoke',
        entityType: 'api_token',
        entityId: token.id,
        orgCode: null,
        after: { user: user.email, name: token.name },
      },
    };
  });
}

export async function listApiTokens(context: UseCaseContext, email?: string): Promise<ApiTokenRow[]> {
  authorise(context, context.actor.kind === 'operator', 'list API tokens');
  const user = email ? await findUserByEmail(context.db, email) : undefined;
  if (email && !user) throw new AppError('NOT_FOUND', `No user has the email address ${email}.`);
  return listTokens(context.db, user?.id);
}

/**
 * The actor behind a bearer token, or undefined when the token is malformed, unknown, revoked or
 * its user disabled. Records the time of last use (bookkeeping, not audited).
 */
export async function actorForToken(
  db: Kysely<Database>,
  secret: string,
  at: Date,
): Promise<Actor | undefined> {
  if (!tokenPattern.test(secret)) return undefined;
  const token = await findActiveTokenByHash(db, hashToken(secret));
  if (!token) return undefined;
  const actor = await loadUserActor(db, token.user_id, at, 'token');
  if (actor && (!token.last_used_at || at.getTime() - token.last_used_at.getTime() > 60_000))
    await touchToken(db, token.id, at);
  return actor;
}
