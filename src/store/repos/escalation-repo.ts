import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { EscalationRecipientKind, EscalationState } from '../../domain/improvement.ts';
import type { ContentScope } from '../../policies/scope.ts';
import type { EscalationEventTable, EscalationTable } from '../improvement-tables.ts';
import type { Database } from '../tables.ts';
import { escalationScopeFilter } from './scope-filter.ts';

/**
 * Escalations raised directly with a region or an ICB, and the dated events of each (raised,
 * acknowledged, responded, closed). Every read takes the reader's scope and filters with
 * `escalationScopeFilter`; events are read only through an escalation the scope reads.
 */

export type EscalationRow = Selectable<EscalationTable>;
export type EscalationEventRow = Selectable<EscalationEventTable>;

/** An escalation with the names of the organisation that raised it and the one it was sent to. */
export interface EscalationWithNames extends EscalationRow {
  raiser_name: string;
  recipient_name: string;
}

export interface EscalationFilter {
  raiserOrgCode?: string;
  recipientOrgCode?: string;
  recipientKind?: EscalationRecipientKind;
  state?: EscalationState;
  /** Only those not closed. */
  open?: boolean;
  limit?: number;
}

function withNames(db: Kysely<Database>) {
  return db
    .selectFrom('escalation')
    .innerJoin('organisation as raiser', 'raiser.code', 'escalation.raiser_org_code')
    .innerJoin('organisation as recipient', 'recipient.code', 'escalation.recipient_org_code')
    .selectAll('escalation')
    .select(['raiser.name as raiser_name', 'recipient.name as recipient_name']);
}

/** One escalation the scope reads (`findEscalation`); undefined otherwise. */
export async function findEscalation(
  db: Kysely<Database>,
  scope: ContentScope,
  id: number,
): Promise<EscalationWithNames | undefined> {
  return withNames(db).where('escalation.id', '=', id).where(escalationScopeFilter(scope)).executeTakeFirst();
}

/** Escalations the scope reads (`listEscalations`), filtered, the longest-waiting first. */
export async function listEscalations(
  db: Kysely<Database>,
  scope: ContentScope,
  filter: EscalationFilter = {},
): Promise<EscalationWithNames[]> {
  let query = withNames(db).where(escalationScopeFilter(scope));
  if (filter.raiserOrgCode) query = query.where('escalation.raiser_org_code', '=', filter.raiserOrgCode);
  if (filter.recipientOrgCode)
    query = query.where('escalation.recipient_org_code', '=', filter.recipientOrgCode);
  if (filter.recipientKind) query = query.where('escalation.recipient_kind', '=', filter.recipientKind);
  if (filter.state) query = query.where('escalation.state', '=', filter.state);
  if (filter.open) query = query.where('escalation.state', '<>', 'closed');
  return query
    .orderBy('escalation.raised_at')
    .orderBy('escalation.id')
    .limit(filter.limit ?? 500)
    .execute();
}

/** The events of an escalation the scope reads, oldest first (`listEscalationEvents`). */
export async function listEscalationEvents(
  db: Kysely<Database>,
  scope: ContentScope,
  escalationId: number,
): Promise<EscalationEventRow[]> {
  return db
    .selectFrom('escalation_event')
    .innerJoin('escalation', 'escalation.id', 'escalation_event.escalation_id')
    .selectAll('escalation_event')
    .where('escalation.id', '=', escalationId)
    .where(escalationScopeFilter(scope))
    .orderBy('escalation_event.at')
    .orderBy('escalation_event.id')
    .execute();
}

/** Adds an escalation (`insertEscalation`). */
export async function insertEscalation(
  db: Kysely<Database>,
  row: Insertable<EscalationTable>,
): Promise<EscalationRow> {
  return db.insertInto('escalation').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Adds one event to an escalation's timeline (`insertEscalationEvent`). */
export async function insertEscalationEvent(
  db: Kysely<Database>,
  row: Insertable<EscalationEventTable>,
): Promise<EscalationEventRow> {
  return db.insertInto('escalation_event').values(row).returningAll().executeTakeFirstOrThrow();
}

/**
 * Moves an escalation on from `baseVersion` (`advanceEscalation`): undefined when it has moved on
 * since, so two answers at once cannot both be recorded.
 */
export async function advanceEscalation(
  db: Kysely<Database>,
  id: number,
  baseVersion: number,
  changes: Updateable<EscalationTable>,
): Promise<EscalationRow | undefined> {
  return db
    .updateTable('escalation')
    .set({ ...changes, version: baseVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', baseVersion)
    .returningAll()
    .executeTakeFirst();
}

/** `markEscalationsAsExamples`: sets `is_example` on the escalations; returns how many. */
export async function markEscalationsAsExamples(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('escalation')
    .set({ is_example: true })
    .where('id', 'in', [...ids])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
