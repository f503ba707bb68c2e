import type { Kysely } from 'kysely';
import type { AuditScope } from '../../policies/scope.ts';
import type { AuditLogRow, Database } from '../tables.ts';
import { auditScopeFilter } from './scope-filter.ts';

export interface NewAuditEntry {
  at: Date;
  actorUserId: number | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string | null;
  orgCode: string | null;
  before: unknown;
  after: unknown;
}

/** Appends one entry to the audit log (the table refuses updates and deletes). */
export async function insertAuditEntry(db: Kysely<Database>, entry: NewAuditEntry): Promise<number> {
  const row = await db
    .insertInto('audit_log')
    .values({
      at: entry.at,
      actor_user_id: entry.actorUserId,
      actor_label: entry.actorLabel,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      org_code: entry.orgCode,
      before: entry.before === undefined || entry.before === null ? null : JSON.stringify(entry.before),
      after: entry.after === undefined || entry.after === null ? null : JSON.stringify(entry.after),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export interface AuditFilter {
  orgCode?: string;
  since?: Date;
  /** Only entries older than this one (by id): the next page. */
  beforeId?: number;
  limit?: number;
}

/** `listAuditEntries`: the entries the scope allows, newest first (500 unless a limit is given). */
export async function listAuditEntries(
  db: Kysely<Database>,
  scope: AuditScope,
  filter: AuditFilter = {},
): Promise<AuditLogRow[]> {
  let query = db.selectFrom('audit_log').selectAll().where(auditScopeFilter(scope));
  if (filter.orgCode) query = query.where('org_code', '=', filter.orgCode);
  if (filter.since) query = query.where('at', '>=', filter.since);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return query
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 500)
    .execute();
}
