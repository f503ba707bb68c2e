import { z } from 'zod';
import { AppError } from '../errors.ts';
import { canReadAnyAudit, canReadAudit } from '../policies/audit.ts';
import { scope } from '../policies/scope.ts';
import { listAuditEntries } from '../store/repos/audit-repo.ts';
import { findOrganisation } from '../store/repos/organisation-repo.ts';
import { usersByIds } from '../store/repos/user-repo.ts';
import { authorise, type UseCaseContext } from './context.ts';

/** What to read of the audit log: one organisation's entries, from a day, a page at a time. */
export interface AuditQuery {
  /** An organisation's ODS code. */
  orgCode?: string;
  /** An ISO date (YYYY-MM-DD): entries from the start of that day (UTC). */
  since?: string;
  /** How many entries at most (default 500, at most 10,000). */
  limit?: number;
  /** Only entries older than this entry id (the next page). */
  before?: number;
}

/** One audit entry as read: who acted, named when they are a person. */
export interface AuditEntry {
  id: number;
  at: Date;
  actorUserId: number | null;
  actorLabel: string;
  /** The person's display name when the actor was a signed-in user. */
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  orgCode: string | null;
  before: unknown;
  after: unknown;
}

export const auditLimits = { default: 500, max: 10_000 };

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')
  .refine((text) => {
    const day = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
  }, 'must be a real date');

const querySchema = z.object({
  org: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'must be an ODS code, such as RYY')
    .transform((code) => code.toUpperCase())
    .optional(),
  since: isoDate.optional(),
  limit: z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(auditLimits.max, `must be at most ${auditLimits.max.toLocaleString('en-GB')}`)
    .optional(),
  before: z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .positive('must be a positive entry id')
    .optional(),
});

/**
 * `authoriseAuditRead`: throws UNAUTHENTICATED or FORBIDDEN unless the actor may read the audit log
 * of `orgCode` (its admins, the operator), or, without one, any of it.
 */
export function authoriseAuditRead(context: Pick<UseCaseContext, 'actor'>, orgCode?: string): void {
  const org = orgCode?.trim().toUpperCase();
  authorise(
    context,
    org ? canReadAudit(context.actor, org) : canReadAnyAudit(context.actor),
    org ? `read the audit log of ${org}` : 'read the audit log',
  );
}

/**
 * `listAudit`: the audit log as the actor may read it (an organisation's admins its entries, the
 * operator all of them), newest first, with `more` when older entries remain beyond the limit.
 * Every problem with the query is listed at once (VALIDATION_FAILED).
 */
export async function listAudit(
  context: UseCaseContext,
  query: AuditQuery = {},
): Promise<{ entries: AuditEntry[]; more: boolean }> {
  authoriseAuditRead(context, query.orgCode);
  const parsed = querySchema.safeParse({
    org: query.orgCode,
    since: query.since,
    limit: query.limit,
    before: query.before,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
    throw new AppError('VALIDATION_FAILED', `${problems.length} problem(s): ${problems.join('; ')}`, {
      details: problems,
    });
  }
  const { org, since, before } = parsed.data;
  const limit = parsed.data.limit ?? auditLimits.default;
  if (org && !(await findOrganisation(context.db, org)))
    throw new AppError('NOT_FOUND', `No organisation has the code ${org}.`);
  const rows = await listAuditEntries(context.db, scope(context.actor, 'read', 'audit'), {
    orgCode: org,
    since: since ? new Date(`${since}T00:00:00Z`) : undefined,
    beforeId: before,
    limit: limit + 1,
  });
  const shown = rows.slice(0, limit);
  const ids = shown.map((row) => row.actor_user_id).filter((id): id is number => id !== null);
  const names = new Map((await usersByIds(context.db, ids)).map((user) => [user.id, user.display_name]));
  return {
    more: rows.length > limit,
    entries: shown.map((row) => ({
      id: Number(row.id),
      at: row.at,
      actorUserId: row.actor_user_id,
      actorLabel: row.actor_label,
      actorName: row.actor_user_id === null ? null : (names.get(row.actor_user_id) ?? null),
      action: row.action,
      entityType: row.entity_type,
      entityId: row.entity_id,
      orgCode: row.org_code,
      before: row.before,
      after: row.after,
    })),
  };
}
