import {
  type ExpressionBuilder,
  type Insertable,
  type Kysely,
  type Selectable,
  sql,
  type Updateable,
} from 'kysely';
import type { ListeningScope } from '../../policies/listening-inquiry.ts';
import type {
  ListeningConcernTable,
  ListeningInquiryTable,
  ListeningParticipantTable,
  ListeningQuoteTable,
  ListeningThemeTable,
} from '../listening-tables.ts';
import type { Database } from '../tables.ts';

/**
 * Listening inquiries, who took part, the themes, quotes and what they concern, and the convenor's raw
 * notes. Every read of inquiries takes the reader's scope (`listeningScope`): published ones for
 * everyone, drafts only for the convenor's writers. Raw notes are read by `findListeningRawNotes`
 * alone, which the use case calls only for the convenor's writers; no list, count or search reads them.
 */

export type ListeningInquiryRow = Selectable<ListeningInquiryTable>;
export type ListeningParticipantRow = Selectable<ListeningParticipantTable>;
export type ListeningThemeRow = Selectable<ListeningThemeTable>;
export type ListeningQuoteRow = Selectable<ListeningQuoteTable>;
export type ListeningConcernRow = Selectable<ListeningConcernTable>;

/** An inquiry with its convenor's name and kind. */
export interface ListeningInquiryWithConvenor extends ListeningInquiryRow {
  convenor_name: string;
  convenor_kind: string;
}

function listeningScopeFilter(scope: ListeningScope) {
  return (eb: ExpressionBuilder<Database, 'listening_inquiry'>) => {
    if (scope.everything) return eb.lit(true);
    const published = eb('listening_inquiry.state', '<>', 'draft');
    if (scope.convenorOf.length === 0) return published;
    return eb.or([published, eb('listening_inquiry.convenor_org_code', 'in', [...scope.convenorOf])]);
  };
}

function inquiriesWithConvenor(db: Kysely<Database>) {
  return db
    .selectFrom('listening_inquiry')
    .innerJoin('organisation', 'organisation.code', 'listening_inquiry.convenor_org_code')
    .selectAll('listening_inquiry')
    .select(['organisation.name as convenor_name', 'organisation.kind as convenor_kind']);
}

/** Adds an inquiry (`insertListeningInquiry`). */
export async function insertListeningInquiry(
  db: Kysely<Database>,
  row: Insertable<ListeningInquiryTable>,
): Promise<ListeningInquiryRow> {
  return db.insertInto('listening_inquiry').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Adds the groups who took part (`insertListeningParticipants`). */
export async function insertListeningParticipants(
  db: Kysely<Database>,
  rows: Insertable<ListeningParticipantTable>[],
): Promise<void> {
  if (rows.length) await db.insertInto('listening_participant').values(rows).execute();
}

/** Adds the themes heard (`insertListeningThemes`). */
export async function insertListeningThemes(
  db: Kysely<Database>,
  rows: Insertable<ListeningThemeTable>[],
): Promise<void> {
  if (rows.length) await db.insertInto('listening_theme').values(rows).execute();
}

/** Adds the quotes (`insertListeningQuotes`). */
export async function insertListeningQuotes(
  db: Kysely<Database>,
  rows: Insertable<ListeningQuoteTable>[],
): Promise<void> {
  if (rows.length) await db.insertInto('listening_quote').values(rows).execute();
}

/** Adds the organisations and metrics an inquiry concerns (`insertListeningConcerns`). */
export async function insertListeningConcerns(
  db: Kysely<Database>,
  rows: Insertable<ListeningConcernTable>[],
): Promise<void> {
  if (rows.length) await db.insertInto('listening_concern').values(rows).execute();
}

/** Keeps the convenor's raw notes (`insertListeningRawNotes`). */
export async function insertListeningRawNotes(
  db: Kysely<Database>,
  inquiryId: number,
  notes: string,
): Promise<void> {
  await db.insertInto('listening_raw_notes').values({ inquiry_id: inquiryId, notes }).execute();
}

/** Changes an inquiry moving from `fromState` (`updateListeningInquiry`); undefined if it had moved on. */
export async function updateListeningInquiry(
  db: Kysely<Database>,
  id: number,
  fromState: ListeningInquiryRow['state'],
  patch: Updateable<ListeningInquiryTable>,
): Promise<ListeningInquiryRow | undefined> {
  return db
    .updateTable('listening_inquiry')
    .set(patch)
    .where('id', '=', id)
    .where('state', '=', fromState)
    .returningAll()
    .executeTakeFirst();
}

/** One inquiry the scope reads (`findListeningInquiry`). */
export async function findListeningInquiry(
  db: Kysely<Database>,
  scope: ListeningScope,
  id: number,
): Promise<ListeningInquiryWithConvenor | undefined> {
  return inquiriesWithConvenor(db)
    .where('listening_inquiry.id', '=', id)
    .where(listeningScopeFilter(scope))
    .executeTakeFirst();
}

/**
 * Inquiries the scope reads, newest first (`listListeningInquiries`): all, those an organisation
 * convened or that concern it (`orgCode`), or those that concern a metric (`metricId`).
 */
export async function listListeningInquiries(
  db: Kysely<Database>,
  scope: ListeningScope,
  filter: { orgCode?: string; metricId?: string } = {},
): Promise<ListeningInquiryWithConvenor[]> {
  let query = inquiriesWithConvenor(db).where(listeningScopeFilter(scope));
  const { orgCode, metricId } = filter;
  if (orgCode)
    query = query.where((eb) =>
      eb.or([
        eb('listening_inquiry.convenor_org_code', '=', orgCode),
        eb.exists(
          eb
            .selectFrom('listening_concern')
            .select(sql`1`.as('one'))
            .whereRef('listening_concern.inquiry_id', '=', 'listening_inquiry.id')
            .where('listening_concern.org_code', '=', orgCode),
        ),
      ]),
    );
  if (metricId)
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('listening_concern')
          .select(sql`1`.as('one'))
          .whereRef('listening_concern.inquiry_id', '=', 'listening_inquiry.id')
          .where('listening_concern.metric_id', '=', metricId),
      ),
    );
  return query
    .orderBy('listening_inquiry.created_at', 'desc')
    .orderBy('listening_inquiry.id', 'desc')
    .limit(1000)
    .execute();
}

/** The groups who took part in an inquiry (`listListeningParticipants`). */
export async function listListeningParticipants(
  db: Kysely<Database>,
  inquiryId: number,
): Promise<ListeningParticipantRow[]> {
  return db
    .selectFrom('listening_participant')
    .selectAll()
    .where('inquiry_id', '=', inquiryId)
    .orderBy('id')
    .execute();
}

/** The themes heard in an inquiry, in order (`listListeningThemes`). */
export async function listListeningThemes(
  db: Kysely<Database>,
  inquiryId: number,
): Promise<ListeningThemeRow[]> {
  return db
    .selectFrom('listening_theme')
    .selectAll()
    .where('inquiry_id', '=', inquiryId)
    .orderBy('position')
    .orderBy('id')
    .execute();
}

/** An inquiry's quotes, in order; `consentedOnly` for readers who see only quotes with consent (`listListeningQuotes`). */
export async function listListeningQuotes(
  db: Kysely<Database>,
  inquiryId: number,
  consentedOnly: boolean,
): Promise<ListeningQuoteRow[]> {
  let query = db.selectFrom('listening_quote').selectAll().where('inquiry_id', '=', inquiryId);
  if (consentedOnly) query = query.where('consent_recorded', '=', true);
  return query.orderBy('position').orderBy('id').execute();
}

/** The organisations and metrics an inquiry concerns (`listListeningConcerns`). */
export async function listListeningConcerns(
  db: Kysely<Database>,
  inquiryId: number,
): Promise<ListeningConcernRow[]> {
  return db
    .selectFrom('listening_concern')
    .selectAll()
    .where('inquiry_id', '=', inquiryId)
    .orderBy('id')
    .execute();
}

/** The convenor's raw notes of an inquiry (`findListeningRawNotes`): call only for the convenor's writers. */
export async function findListeningRawNotes(
  db: Kysely<Database>,
  inquiryId: number,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('listening_raw_notes')
    .select('notes')
    .where('inquiry_id', '=', inquiryId)
    .executeTakeFirst();
  return row?.notes;
}

/** Marks an inquiry as an invented example (`markListeningAsExample`). */
export async function markListeningAsExample(db: Kysely<Database>, inquiryId: number): Promise<void> {
  await db.updateTable('listening_inquiry').set({ is_example: true }).where('id', '=', inquiryId).execute();
}
