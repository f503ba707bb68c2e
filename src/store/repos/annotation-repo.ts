import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { AnnotationKind, AnnotationVisibility, PublicationStatus } from '../../domain/people.ts';
import type { ContentScope } from '../../policies/scope.ts';
import type { AnnotationRow, Database } from '../tables.ts';
import { type ContentColumns, contentScopeFilter } from './scope-filter.ts';

/**
 * Annotations (dated notes on an organisation × metric series; a rebase is one) and the series'
 * SPC configuration they drive (`series_config.rebase_dates`). Every read of annotations takes the
 * reader's `ContentScope`; annotations are never named-only.
 */

const annotationColumns: ContentColumns = {
  org: 'annotation.org_code',
  status: 'annotation.status',
  visibility: 'annotation.visibility',
  createdBy: 'annotation.created_by',
};

/** What everyone may read: published, public annotations. Rebase reasons are read with it. */
const publicScope: ContentScope = Object.freeze({
  everything: false,
  userId: null,
  peopleOf: [],
  systems: [],
  regions: [],
  england: false,
});

/** A rebase of a series as the SPC engine takes it: the first date of the new limits, and why. */
export interface SeriesRebase {
  date: string;
  reason: string;
}

export interface NewAnnotation {
  orgCode: string;
  metricId: string;
  onDate: string;
  kind: AnnotationKind;
  text: string;
  visibility: AnnotationVisibility;
  status: PublicationStatus;
  rebaseReason: string | null;
  createdBy: number | null;
  at: Date;
}

/** insertAnnotation: adds an annotation and returns it. */
export async function insertAnnotation(
  db: Kysely<Database>,
  annotation: NewAnnotation,
): Promise<AnnotationRow> {
  return db
    .insertInto('annotation')
    .values({
      org_code: annotation.orgCode,
      metric_id: annotation.metricId,
      on_date: annotation.onDate,
      kind: annotation.kind,
      text: annotation.text,
      visibility: annotation.visibility,
      status: annotation.status,
      rebase_reason: annotation.rebaseReason,
      created_by: annotation.createdBy,
      created_at: annotation.at,
      updated_at: annotation.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * findAnnotation: one annotation the scope may read, or undefined. `forUpdate` locks its row for
 * the rest of the caller's transaction.
 */
export async function findAnnotation(
  db: Kysely<Database>,
  scope: ContentScope,
  id: number,
  options: { forUpdate?: boolean } = {},
): Promise<AnnotationRow | undefined> {
  const query = db
    .selectFrom('annotation')
    .selectAll()
    .where('annotation.id', '=', id)
    .where(contentScopeFilter(scope, annotationColumns));
  return (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

export interface AnnotationChanges {
  onDate?: string;
  kind?: AnnotationKind;
  text?: string;
  visibility?: AnnotationVisibility;
  status?: PublicationStatus;
  rebaseReason?: string | null;
  at: Date;
}

/** updateAnnotation: changes an annotation's fields and returns it as it now is. */
export async function updateAnnotation(
  db: Kysely<Database>,
  id: number,
  changes: AnnotationChanges,
): Promise<AnnotationRow> {
  return db
    .updateTable('annotation')
    .set({
      ...(changes.onDate !== undefined ? { on_date: changes.onDate } : {}),
      ...(changes.kind !== undefined ? { kind: changes.kind } : {}),
      ...(changes.text !== undefined ? { text: changes.text } : {}),
      ...(changes.visibility !== undefined ? { visibility: changes.visibility } : {}),
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.rebaseReason !== undefined ? { rebase_reason: changes.rebaseReason } : {}),
      updated_at: changes.at,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface AnnotationFilter {
  orgCode: string;
  /** One series; omit for every series of the organisation. */
  metricId?: string;
  /** Only these statuses; omit for all. */
  statuses?: readonly PublicationStatus[];
}

/** listAnnotations: an organisation's (or one series') annotations the scope may read, by date then id. */
export async function listAnnotations(
  db: Kysely<Database>,
  scope: ContentScope,
  filter: AnnotationFilter,
): Promise<AnnotationRow[]> {
  let query = db
    .selectFrom('annotation')
    .selectAll()
    .where('annotation.org_code', '=', filter.orgCode)
    .where(contentScopeFilter(scope, annotationColumns));
  if (filter.metricId !== undefined) query = query.where('annotation.metric_id', '=', filter.metricId);
  if (filter.statuses !== undefined) {
    if (filter.statuses.length === 0) return [];
    query = query.where('annotation.status', 'in', [...filter.statuses]);
  }
  return query.orderBy('annotation.on_date').orderBy('annotation.id').execute();
}

/** seriesRebaseDates: the dates a series' limits are recalculated from, oldest first. */
export async function seriesRebaseDates(
  db: Kysely<Database>,
  orgCode: string,
  metricId: string,
): Promise<string[]> {
  const row = await db
    .selectFrom('series_config')
    .select(sql<string[]>`array(select d::text from unnest(rebase_dates) d order by d)`.as('dates'))
    .where('org_code', '=', orgCode)
    .where('metric_id', '=', metricId)
    .executeTakeFirst();
  return row?.dates ?? [];
}

const rebaseReasonColumns: ContentColumns = {
  org: 'a.org_code',
  status: 'a.status',
  visibility: 'a.visibility',
  createdBy: 'a.created_by',
};

/**
 * The rebases of the series `where` picks from `series_config`, each with the reason its published
 * rebase annotation gives, by organisation, metric and date.
 */
async function rebaseRows(
  db: Kysely<Database>,
  where: RawBuilder<SqlBool>,
): Promise<{ org_code: string; metric_id: string; date: string; reason: string | null }[]> {
  const result = await sql<{ org_code: string; metric_id: string; date: string; reason: string | null }>`
    select c.org_code, c.metric_id, d::text as date,
      (select a.rebase_reason from annotation a
        where a.org_code = c.org_code and a.metric_id = c.metric_id and a.kind = 'rebase' and a.on_date = d
          and ${contentScopeFilter(publicScope, rebaseReasonColumns)}
        order by a.id desc limit 1) as reason
    from series_config c cross join lateral unnest(c.rebase_dates) as d
    where ${where}
    order by c.org_code, c.metric_id, d`.execute(db);
  return result.rows;
}

function rebaseOf(row: { date: string; reason: string | null }): SeriesRebase {
  return { date: row.date, reason: row.reason ?? '' };
}

/** seriesRebases: one series' rebases, oldest first, with their reasons. */
export async function seriesRebases(
  db: Kysely<Database>,
  orgCode: string,
  metricId: string,
): Promise<SeriesRebase[]> {
  const rows = await rebaseRows(db, sql<SqlBool>`c.org_code = ${orgCode} and c.metric_id = ${metricId}`);
  return rows.map(rebaseOf);
}

/** rebasesOfMetric: every organisation's rebases of one metric, by organisation code. */
export async function rebasesOfMetric(
  db: Kysely<Database>,
  metricId: string,
): Promise<Map<string, SeriesRebase[]>> {
  const rows = await rebaseRows(db, sql<SqlBool>`c.metric_id = ${metricId}`);
  const byOrganisation = new Map<string, SeriesRebase[]>();
  for (const row of rows)
    byOrganisation.set(row.org_code, [...(byOrganisation.get(row.org_code) ?? []), rebaseOf(row)]);
  return byOrganisation;
}

/** rebasesOfAllSeries: every series' rebases, by `org_code|metric_id`. */
export async function rebasesOfAllSeries(db: Kysely<Database>): Promise<Map<string, SeriesRebase[]>> {
  const rows = await rebaseRows(db, sql<SqlBool>`true`);
  const bySeries = new Map<string, SeriesRebase[]>();
  for (const row of rows) {
    const key = `${row.org_code}|${row.metric_id}`;
    bySeries.set(key, [...(bySeries.get(key) ?? []), rebaseOf(row)]);
  }
  return bySeries;
}

/** rebasesOfOrganisation: one organisation's rebases of every metric, by metric id. */
export async function rebasesOfOrganisation(
  db: Kysely<Database>,
  orgCode: string,
): Promise<Map<string, SeriesRebase[]>> {
  const rows = await rebaseRows(db, sql<SqlBool>`c.org_code = ${orgCode}`);
  const byMetric = new Map<string, SeriesRebase[]>();
  for (const row of rows)
    byMetric.set(row.metric_id, [...(byMetric.get(row.metric_id) ?? []), rebaseOf(row)]);
  return byMetric;
}

export interface SeriesConfigChange {
  orgCode: string;
  metricId: string;
  date: string;
  updatedBy: string;
  at: Date;
}

/**
 * addSeriesRebaseDate: adds a rebase date to a series' configuration in one statement (safe against
 * a concurrent add) and returns the dates now held, oldest first; undefined when the date was
 * already there, and nothing changed.
 */
export async function addSeriesRebaseDate(
  db: Kysely<Database>,
  change: SeriesConfigChange,
): Promise<string[] | undefined> {
  const row = await db
    .insertInto('series_config')
    .values({
      org_code: change.orgCode,
      metric_id: change.metricId,
      rebase_dates: sql<string[]>`array[${change.date}::date]`,
      updated_by: change.updatedBy,
      updated_at: change.at,
    })
    .onConflict((conflict) =>
      conflict
        .columns(['org_code', 'metric_id'])
        .doUpdateSet({
          rebase_dates: sql<
            string[]
          >`array(select d from unnest(series_config.rebase_dates || excluded.rebase_dates) d order by d)`,
          updated_by: (eb) => eb.ref('excluded.updated_by'),
          updated_at: (eb) => eb.ref('excluded.updated_at'),
        })
        .where(sql<boolean>`not (${change.date}::date = any(series_config.rebase_dates))`),
    )
    .returning(sql<string[]>`array(select d::text from unnest(rebase_dates) d order by d)`.as('dates'))
    .executeTakeFirst();
  return row?.dates;
}

/**
 * removeSeriesRebaseDate: takes a rebase date out of a series' configuration and returns the dates
 * still held, oldest first.
 */
export async function removeSeriesRebaseDate(
  db: Kysely<Database>,
  change: SeriesConfigChange,
): Promise<string[]> {
  const row = await db
    .updateTable('series_config')
    .set({
      rebase_dates: sql<string[]>`array_remove(rebase_dates, ${change.date}::date)`,
      updated_by: change.updatedBy,
      updated_at: change.at,
    })
    .where('org_code', '=', change.orgCode)
    .where('metric_id', '=', change.metricId)
    .returning(sql<string[]>`array(select d::text from unnest(rebase_dates) d order by d)`.as('dates'))
    .executeTakeFirst();
  return row?.dates ?? [];
}

/**
 * seriesPeriods: the periods a series holds (a row each, missing values included), oldest first, at
 * its most common granularity, as charts read it.
 */
export async function seriesPeriods(
  db: Kysely<Database>,
  orgCode: string,
  metricId: string,
): Promise<{ start: string; end: string }[]> {
  const rows = await sql<{ start: string; end: string }>`
    select period_start::text as start, period_end::text as "end" from observation
    where org_code = ${orgCode} and metric_id = ${metricId}
      and granularity = (select granularity from observation where org_code = ${orgCode} and metric_id = ${metricId}
                         group by granularity order by count(*) desc limit 1)
    order by period_start`.execute(db);
  return rows.rows;
}
