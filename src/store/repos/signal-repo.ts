import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { SignalKind, SignalStatus } from '../../domain/signal.ts';
import type { ContentScope } from '../../policies/scope.ts';
import type { Database, SignalRow } from '../tables.ts';
import { nationalMetricFilter, teamIndicatorScopeFilter } from './scope-filter.ts';

/**
 * Signal episodes: written by the signal computation (upserted by their key, closed when no longer
 * found) and moved through their lifecycle by people. Every list and count takes the reader's
 * team-indicator scope: signals on public metrics are public; signals on a team's organisation-only
 * indicator are read only by those who read the indicator.
 */

/** An episode as the computation writes it. */
export interface SignalEpisodeRow {
  orgCode: string;
  metricId: string;
  kind: SignalKind;
  firstDate: string;
  latestDate: string;
  points: number;
  latestValue: number | null;
  detail: string;
}

/** signalById: one signal, whoever may read it (callers check the read policy), or undefined. */
export async function signalById(
  db: Kysely<Database>,
  id: number,
  options: { forUpdate?: boolean } = {},
): Promise<SignalRow | undefined> {
  const query = db.selectFrom('signal').selectAll().where('id', '=', id);
  return (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

/**
 * setSignalStatus: moves a signal to `status` with its note, and returns it as it now is. Closing
 * records when (and why: its inquiry closed if one was open, else by hand); any other status reopens.
 * Callers run it inside an audited write.
 */
export async function setSignalStatus(
  db: Kysely<Database>,
  id: number,
  status: SignalStatus,
  note: string | null,
  at: Date,
  by: string | null = null,
): Promise<SignalRow> {
  const closing = status === 'closed';
  return db
    .updateTable('signal')
    .set({
      status,
      status_note: note,
      status_changed_at: at,
      status_changed_by: by,
      updated_at: at,
      closed_at: closing ? at : null,
      closed_reason: closing
        ? sql`case when status = 'inquiry_opened' then 'inquiry_closed' else 'by_hand' end`
        : null,
      version: sql`version + 1`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * upsertSignalEpisodes: writes computed episodes by their key (organisation, metric, kind, first
 * date). A new key opens a signal; a known one is updated only where something changed (its latest
 * date, points, value or wording), and reopened if it had closed because its chart had returned to
 * common cause. Returns how many rows were inserted or changed.
 */
export async function upsertSignalEpisodes(
  db: Kysely<Database>,
  episodes: readonly SignalEpisodeRow[],
  at: Date,
): Promise<number> {
  if (episodes.length === 0) return 0;
  const result = await db
    .insertInto('signal')
    .values(
      episodes.map((episode) => ({
        org_code: episode.orgCode,
        metric_id: episode.metricId,
        kind: episode.kind,
        detail: episode.detail,
        first_date: episode.firstDate,
        latest_date: episode.latestDate,
        points: episode.points,
        latest_value: episode.latestValue,
        opened_at: at,
        updated_at: at,
      })),
    )
    .onConflict((conflict) =>
      conflict
        .columns(['org_code', 'metric_id', 'kind', 'first_date'])
        .doUpdateSet({
          latest_date: (eb) => eb.ref('excluded.latest_date'),
          points: (eb) => eb.ref('excluded.points'),
          latest_value: (eb) => eb.ref('excluded.latest_value'),
          detail: (eb) => eb.ref('excluded.detail'),
          updated_at: at,
          status: sql`case when signal.closed_reason = 'common_cause' then 'new' else signal.status end`,
          status_note: sql`case when signal.closed_reason = 'common_cause' then null else signal.status_note end`,
          closed_at: sql`case when signal.closed_reason = 'common_cause' then null else signal.closed_at end`,
          closed_reason: sql`case when signal.closed_reason = 'common_cause' then null else signal.closed_reason end`,
          version: sql`signal.version + 1`,
        })
        .where(
          sql<SqlBool>`(signal.latest_date, signal.points, signal.latest_value, signal.detail)
            is distinct from (excluded.latest_date, excluded.points, excluded.latest_value, excluded.detail)
            or signal.closed_reason = 'common_cause'`,
        ),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/**
 * metricObservationsText: every observation of one metric as one text, a line each —
 * `org_code|granularity|period_start|value` (the value empty where none was reported) — in no
 * particular order: the cheapest way to read a metric's every series out of either store.
 */
export async function metricObservationsText(db: Kysely<Database>, metricId: string): Promise<string> {
  const result = await sql<{ text: string | null }>`
    select string_agg(
      o.org_code || '|' || o.granularity || '|' || o.period_start::text || '|'
        || coalesce(case when o.status = 'reported' then o.value::text end, ''),
      E'\n') as text
    from observation o where o.metric_id = ${metricId}`.execute(db);
  return result.rows[0]?.text ?? '';
}

/** metricsChangedByBatch: the metrics whose values an import batch inserted or changed. */
export async function metricsChangedByBatch(db: Kysely<Database>, batchId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('observation')
    .select('metric_id')
    .distinct()
    .where('batch_id', '=', batchId)
    .execute();
  return rows.map((row) => row.metric_id);
}

/** closedOrganisationCodes: the organisations closed (or merged) before `day`, whose series raise no signals. */
export async function closedOrganisationCodes(db: Kysely<Database>, day: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('organisation')
    .select('code')
    .where('closed_on', 'is not', null)
    .where('closed_on', '<', day)
    .execute();
  return new Set(rows.map((row) => row.code));
}

/** seriesTargets: the target of every metric that has one (teams' indicators), by metric id. */
export async function seriesTargets(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('team_indicator')
    .select(['metric_id', 'target'])
    .where('target', 'is not', null)
    .execute();
  return new Map(rows.map((row) => [row.metric_id, Number(row.target)]));
}

/** openSignalKeys: the id and key of every signal not yet closed (only of these metrics, and this organisation, with `only`). */
export async function openSignalKeys(
  db: Kysely<Database>,
  only?: { metricIds: readonly string[]; orgCode?: string },
): Promise<{ id: number; org_code: string; metric_id: string; kind: SignalKind; first_date: string }[]> {
  let query = db
    .selectFrom('signal')
    .select(['id', 'org_code', 'metric_id', 'kind', 'first_date'])
    .where('closed_at', 'is', null);
  if (only) query = query.where('metric_id', 'in', only.metricIds.length ? [...only.metricIds] : ['']);
  if (only?.orgCode !== undefined) query = query.where('org_code', '=', only.orgCode);
  return query.execute();
}

/**
 * closeSignalsAsCommonCause: closes these signals because the computation no longer finds them
 * (their chart returned to common cause, or the questioned value changed). Returns how many closed.
 */
export async function closeSignalsAsCommonCause(
  db: Kysely<Database>,
  ids: readonly number[],
  at: Date,
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('signal')
    .set({
      status: 'closed',
      closed_at: at,
      closed_reason: 'common_cause',
      updated_at: at,
      version: sql`version + 1`,
    })
    .where('id', 'in', [...ids])
    .where('closed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** What a list of signals may be narrowed to. Every field is optional. */
export interface SignalFilter {
  /** An organisation: its own signals and its teams'. */
  orgCode?: string;
  /** An ICB: its member organisations' signals (either mapping) and their teams'. */
  icbCode?: string;
  /** An NHS England region: its member organisations' signals and their teams'. */
  regionCode?: string;
  metricId?: string;
  kinds?: readonly SignalKind[];
  /** Only these statuses; `open` means every status but closed. Omit for open signals. */
  statuses?: readonly SignalStatus[] | 'open' | 'all';
  /** Whether an inquiry has been opened from it. */
  conversation?: 'open' | 'none';
  /** How many points it has lasted: at least / at most. */
  minPoints?: number;
  maxPoints?: number;
}

/** A signal with the names a list shows. */
export interface SignalListRow extends SignalRow {
  org_name: string;
  metric_name: string;
  metric_unit: string;
}

function belongsTo(relation: RawBuilder<unknown>, parent: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(
    signal.org_code in (select member_code from membership where relation in (${relation}) and parent_code = ${parent})
    or signal.org_code in (
      select t.member_code from membership t
      where t.relation = 'team_of' and t.parent_code in (
        select member_code from membership where relation in (${relation}) and parent_code = ${parent}))
  )`;
}

function filterCondition(scope: ContentScope, filter: SignalFilter): RawBuilder<SqlBool> {
  const conditions: RawBuilder<SqlBool>[] = [teamIndicatorScopeFilter(scope, 'signal.metric_id')];
  const statuses = filter.statuses ?? 'open';
  if (statuses === 'open') conditions.push(sql<SqlBool>`signal.closed_at is null`);
  else if (statuses !== 'all')
    conditions.push(
      statuses.length === 0 ? sql<SqlBool>`false` : sql<SqlBool>`signal.status in (${sql.join(statuses)})`,
    );
  if (filter.orgCode !== undefined)
    conditions.push(sql<SqlBool>`(signal.org_code = ${filter.orgCode} or signal.org_code in (
      select member_code from membership where relation = 'team_of' and parent_code = ${filter.orgCode}))`);
  if (filter.icbCode !== undefined)
    conditions.push(belongsTo(sql.join(['icb_ods', 'icb_nhse']), filter.icbCode));
  if (filter.regionCode !== undefined) conditions.push(belongsTo(sql.join(['region']), filter.regionCode));
  if (filter.metricId !== undefined) conditions.push(sql<SqlBool>`signal.metric_id = ${filter.metricId}`);
  if (filter.kinds !== undefined)
    conditions.push(
      filter.kinds.length === 0
        ? sql<SqlBool>`false`
        : sql<SqlBool>`signal.kind in (${sql.join(filter.kinds)})`,
    );
  if (filter.conversation === 'open') conditions.push(sql<SqlBool>`signal.status = 'inquiry_opened'`);
  if (filter.conversation === 'none') conditions.push(sql<SqlBool>`signal.status <> 'inquiry_opened'`);
  if (filter.minPoints !== undefined) conditions.push(sql<SqlBool>`signal.points >= ${filter.minPoints}`);
  if (filter.maxPoints !== undefined) conditions.push(sql<SqlBool>`signal.points <= ${filter.maxPoints}`);
  return sql<SqlBool>`${sql.join(conditions, sql` and `)}`;
}

/**
 * listSignals: the signals the scope reads that match the filter, with organisation and metric
 * names: concerns first, then by latest date (most recent first), organisation and metric; `limit`
 * of them from `offset`.
 */
export async function listSignals(
  db: Kysely<Database>,
  scope: ContentScope,
  filter: SignalFilter,
  limit: number,
  offset = 0,
): Promise<SignalListRow[]> {
  const result = await sql<SignalListRow>`
    select signal.id, signal.org_code, signal.metric_id, signal.kind, signal.status, signal.status_note,
      signal.detail, signal.first_date::text as first_date, signal.latest_date::text as latest_date,
      signal.points, signal.latest_value, signal.opened_at, signal.updated_at, signal.closed_at,
      signal.closed_reason, signal.status_changed_at, signal.status_changed_by, signal.version,
      coalesce(o.name, signal.org_code) as org_name, coalesce(m.name, signal.metric_id) as metric_name,
      coalesce(m.unit, '') as metric_unit
    from signal
    left join organisation o on o.code = signal.org_code
    left join metric m on m.id = signal.metric_id
    where ${filterCondition(scope, filter)}
    order by (signal.kind = 'concern') desc, signal.latest_date desc, o.name, signal.org_code, m.name, signal.id
    limit ${limit} offset ${offset}`.execute(db);
  return result.rows;
}

/**
 * countSignals: how many signals the scope reads match the filter, and how many of them are
 * concerns nobody has started talking about (new or only acknowledged: no inquiry opened, not understood).
 */
export async function countSignals(
  db: Kysely<Database>,
  scope: ContentScope,
  filter: SignalFilter,
): Promise<{ total: number; unstartedConcerns: number }> {
  const result = await sql<{ total: number; unstarted_concerns: number }>`
    select count(*)::integer as total,
      (count(*) filter (where signal.kind = 'concern' and signal.status in ('new', 'acknowledged')))::integer as unstarted_concerns
    from signal
    where ${filterCondition(scope, filter)}`.execute(db);
  const row = result.rows[0];
  return { total: row?.total ?? 0, unstartedConcerns: row?.unstarted_concerns ?? 0 };
}

/** A concern or improvement at the latest point of an organisation's chart, as `currentSpecialCause` reads it. */
export interface CurrentSpecialCauseRow {
  org_code: string;
  org_name: string;
  metric_id: string;
  kind: 'concern' | 'improvement';
  /** How many points the episode spans: 1 when the point before was not of the same kind. */
  points: number;
  latest_value: number | null;
  latest_date: string;
  /** The granularity of the metric's latest reported observation ("month", "quarter"…). */
  granularity: string;
}

/**
 * newestReportedPeriod: a metric's latest reported period and its granularity (the first in name
 * order on a tie), as a subquery over `metric` (a column or a value). One backward step down the
 * (metric, granularity, period) index per granularity the store knows, rather than reading every
 * observation of the newest period: at national scale that was 6,300 rows a metric.
 */
function newestReportedPeriod(metric: RawBuilder<unknown>): RawBuilder<unknown> {
  const newestOf = (granularity: string) => sql`(select o.period_start from observation o
      where o.metric_id = ${metric} and o.granularity = ${sql.lit(granularity)} and o.status = 'reported'
      order by o.period_start desc limit 1)`;
  return sql`(select g.period_start, g.granularity from (
      select ${sql.lit('day')} as granularity, ${newestOf('day')} as period_start
      union all select ${sql.lit('month')}, ${newestOf('month')}
      union all select ${sql.lit('quarter')}, ${newestOf('quarter')}
      union all select ${sql.lit('year')}, ${newestOf('year')}
    ) g where g.period_start is not null order by g.period_start desc, g.granularity limit 1)`;
}

/**
 * currentSpecialCause: every concern and improvement episode on a national metric (not a team's
 * indicator) that reaches its metric's latest reported period and has not returned to common cause,
 * by organisation then metric: what every organisation's charts (settled limits only) show at their
 * latest point, read from the episodes the signal computation keeps after each import instead of
 * charting every series again. Status set by people (acknowledged, closed by hand) does not hide one.
 */
export async function currentSpecialCause(db: Kysely<Database>): Promise<CurrentSpecialCauseRow[]> {
  const result = await sql<CurrentSpecialCauseRow>`
    with latest as materialized (
      select metrics.metric_id, newest.period_start as period, newest.granularity
      from (select distinct metric_id from signal where kind in ('concern', 'improvement')) metrics
      cross join lateral ${newestReportedPeriod(sql.ref('metrics.metric_id'))} newest
    )
    select signal.org_code, coalesce(o.name, signal.org_code) as org_name, signal.metric_id, signal.kind,
      signal.points, signal.latest_value, signal.latest_date::text as latest_date, latest.granularity
    from signal
    join latest on latest.metric_id = signal.metric_id and latest.period = signal.latest_date
    left join organisation o on o.code = signal.org_code
    where signal.kind in ('concern', 'improvement')
      and signal.closed_reason is distinct from 'common_cause'
      and ${nationalMetricFilter('signal.metric_id')}
    order by signal.org_code, signal.metric_id`.execute(db);
  return result.rows.map((row) => ({
    ...row,
    points: Number(row.points),
    latest_value: row.latest_value === null ? null : Number(row.latest_value),
  }));
}

/** An organisation whose chart of a metric shows special-cause improvement at its latest point. */
export interface CurrentImprovementRow {
  org_code: string;
  org_name: string;
  kind: string | null;
  nof_trust_type: string | null;
  latest_value: number | null;
  latest_date: string;
  /** The granularity of the metric's latest reported observation ("month", "quarter"…). */
  granularity: string;
}

/**
 * currentImprovementsOfMetric: `currentSpecialCause`'s improvements on one national metric — every
 * improvement episode reaching the metric's latest reported period and not returned to common
 * cause — with each organisation's kind and trust type, by organisation: who is improving on the
 * metric, read from the kept episodes instead of charting every organisation's series.
 */
export async function currentImprovementsOfMetric(
  db: Kysely<Database>,
  metricId: string,
): Promise<CurrentImprovementRow[]> {
  const result = await sql<CurrentImprovementRow>`
    with latest as materialized (
      select newest.period_start as period, newest.granularity from ${newestReportedPeriod(sql`${metricId}`)} newest
    )
    select signal.org_code, coalesce(o.name, signal.org_code) as org_name, o.kind, o.nof_trust_type,
      signal.latest_value, signal.latest_date::text as latest_date, latest.granularity
    from signal
    join latest on latest.period = signal.latest_date
    left join organisation o on o.code = signal.org_code
    where signal.metric_id = ${metricId}
      and signal.kind = 'improvement'
      and signal.closed_reason is distinct from 'common_cause'
      and ${nationalMetricFilter('signal.metric_id')}
    order by signal.org_code`.execute(db);
  return result.rows.map((row) => ({
    ...row,
    latest_value: row.latest_value === null ? null : Number(row.latest_value),
  }));
}

/**
 * signalEpisodesStamp: a text that changes whenever the signal computation writes or closes an
 * episode (how many there are, and the latest time one was updated or closed), so that a view read
 * from the episodes and remembered until the next import is also read again after the computation
 * that follows an import.
 */
export async function signalEpisodesStamp(db: Kysely<Database>): Promise<string> {
  const result = await sql<{ episodes: number | string; changed: Date | string | null }>`
    select count(*) as episodes, max(greatest(signal.updated_at, signal.closed_at)) as changed
    from signal`.execute(db);
  const row = result.rows[0];
  const changed = row?.changed instanceof Date ? row.changed.toISOString() : String(row?.changed ?? '');
  return `${row?.episodes ?? 0}|${changed}`;
}
