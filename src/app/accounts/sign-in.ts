import type { Kysely } from 'kysely';
import { AppError } from '../../errors.ts';
import { anonymous } from '../../policies/actor.ts';
import { findUserByEmail, recordFailedSignIn, recordSignIn } from '../../store/repos/user-repo.ts';
import type { Database } from '../../store/tables.ts';
import { auditedWrite } from '../context.ts';
import { decoyPasswordHash, verifyPassword } from './passwords.ts';

/** Failures allowed before an account locks; each failure after that doubles the lock, up to an hour. */
export const lockout = { freeFailures: 5, firstLockMinutes: 1, maxLockMinutes: 60 };

/** How long an account stays locked after its `failures`-th consecutive failure (0 before the threshold). */
export function lockMinutes(failures: number): number {
  if (failures < lockout.freeFailures) return 0;
  return Math.min(lockout.maxLockMinutes, lockout.firstLockMinutes * 2 ** (failures - lockout.freeFailures));
}

const failed = () =>
  new AppError('SIGN_IN_FAILED', 'The email address or password is not right.', {
    details: ['email: the email address or password is not right'],
  });

function lockedError(until: Date): AppError {
  return new AppError(
    'SIGN_IN_LOCKED',
    `Too many failed sign-ins: this account is locked until ${until.toISOString().slice(11, 16)} UTC. Try again then.`,
    { details: [`retryAfter: ${until.toISOString()}`] },
  );
}

/** The time a locked error says the caller may try again, for a `Retry-After` header. */
export function retryAfterOf(error: AppError): Date | undefined {
  const detail = error.details.find((each) => each.startsWith('retryAfter: '));
  return detail ? new Date(detail.slice('retryAfter: '.length)) : undefined;
}

/**
 * Signs in with email and password. A wrong password, an unknown email, a disabled account or an
 * account without a password all answer the same SIGN_IN_FAILED after the same hashing work. After
 * five consecutive failures the account locks for a minute, doubling with each further failure up
 * to an hour (SIGN_IN_LOCKED, with the time). Success and failure are both audited.
 */
export async function signInWithPassword(
  context: { db: Kysely<Database>; clock: () => Date },
  input: { email: string; password: string; address: string },
): Promise<{ userId: number }> {
  const now = context.clock();
  const email = input.email.trim().toLowerCase();
  const user = email ? await findUserByEmail(context.db, email) : undefined;
  if (user?.locked_until && user.locked_until > now) throw lockedError(user.locked_until);
  const usable = user && !user.disabled_at && user.password_hash;
  const matches = await verifyPassword(
    input.password,
    usable ? (user.password_hash as string) : await decoyPasswordHash(),
  );
  const writeContext = { db: context.db, actor: anonymous, clock: () => now };
  if (!usable || !matches) {
    const failures = (user?.failed_sign_ins ?? 0) + 1;
    const minutes = user ? lockMinutes(failures) : 0;
    const lockedUntil = minutes ? new Date(now.getTime() + minutes * 60_000) : null;
    await auditedWrite(writeContext, {}, async (trx) => {
      if (user) await recordFailedSignIn(trx, user.id, lockedUntil);
      return {
        result: undefined,
        audit: {
          action: 'user.sign_in_failed',
          entityType: 'user',
          entityId: user?.id ?? null,
          orgCode: null,
          after: { email, address: input.address, failures: user ? failures : null, lockedUntil },
        },
      };
    });
    if (lockedUntil) throw lockedError(lockedUntil);
    throw failed();
  }
  const signedIn = {
    kind: 'user',
    userId: user.id,
    email: user.email,
    name: user.display_name,
    grants: [],
    via: 'session',
  } as const;
  await auditedWrite({ ...writeContext, actor: signedIn }, {}, async (trx) => {
    await recordSignIn(trx, user.id, now);
    return {
      result: undefined,
      audit: {
        action: 'user.sign_in',
        entityType: 'user',
        entityId: user.id,
        orgCode: null,
        after: { address: input.address, method: 'password' },
      },
    };
  });
  return { userId: user.id };
}
