import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../errors.ts';
import { type Actor, actorLabel, actorUserId } from '../policies/actor.ts';
import { insertAuditEntry } from '../store/repos/audit-repo.ts';
import { bumpStoreVersion, type DataChange } from '../store/repos/version-repo.ts';
import type { Database } from '../store/tables.ts';

/** What every use case is given: the store, who is acting, and the time. */
export interface UseCaseContext {
  readonly db: Kysely<Database>;
  readonly actor: Actor;
  readonly clock: () => Date;
}

/** The system clock. */
export const systemClock = (): Date => new Date();

/** The ISO date (YYYY-MM-DD) of a clock reading, in UTC. */
export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The one audit entry a write use case records. */
export interface AuditRecord {
  action: string;
  entityType: string;
  entityId: string | number | null;
  orgCode: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Runs a write use case in one transaction with its audit entry: `work` does the writes and
 * returns its result together with the audit record, which is appended in the same transaction.
 * Exactly one entry per use case; if anything throws, neither the change nor the entry is kept. The
 * store's dialogue version (and the data version, when the write changes what engines compute, with
 * the versions of the data parts it names — `{ parts }` — or of all of them for `true`) is
 * incremented in the same transaction, so caches see the change on the next request.
 */
export async function auditedWrite<T>(
  context: UseCaseContext,
  options: { changesData?: DataChange },
  work: (trx: Transaction<Database>, at: Date) => Promise<{ result: T; audit: AuditRecord }>,
): Promise<T> {
  const at = context.clock();
  return context.db.transaction().execute(async (trx) => {
    const { result, audit } = await work(trx, at);
    if (!audit) throw new AppError('INTERNAL', 'A write finished without its audit record.');
    await insertAuditEntry(trx, {
      at,
      actorUserId: actorUserId(context.actor),
      actorLabel: actorLabel(context.actor),
      action: audit.action,
      entityType: audit.entityType,
      entityId: audit.entityId === null ? null : String(audit.entityId),
      orgCode: audit.orgCode,
      before: audit.before ?? null,
      after: audit.after ?? null,
    });
    await bumpStoreVersion(trx, { data: options.changesData ?? false });
    return result;
  });
}

/** Throws FORBIDDEN (or UNAUTHENTICATED for an anonymous actor) unless `allowed`. */
export function authorise(context: Pick<UseCaseContext, 'actor'>, allowed: boolean, what: string): void {
  if (allowed) return;
  if (context.actor.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', `Sign in to ${what}.`);
  throw new AppError('FORBIDDEN', `You do not have permission to ${what}.`);
}
