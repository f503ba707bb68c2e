import { type Kysely, sql } from 'kysely';

/**
 * `observation_metric_granularity_period` again, now carrying each observation's organisation, status
 * and value (`include`): every organisation's value of a metric in one period — what a page's peer
 * ranks compare (`peerRankFigures`) — and a metric's whole text (`metricObservationsText`) are then
 * read from the index alone. Observations are loaded a file, an organisation, at a time, so a
 * metric's values in one period lie in as many table pages as there are organisations: at national
 * practice scale a practice page read 126,000 pages for its peer ranks (1.6 s), and reads none now
 * (0.3 s).
 *
 * Frozen: never edit a migration once it has landed; add a new one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index observation_metric_granularity_period`.execute(db);
  await sql`
    create index observation_metric_granularity_period
      on observation (metric_id, granularity, period_start) include (org_code, status, value)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index observation_metric_granularity_period`.execute(db);
  await sql`
    create index observation_metric_granularity_period
      on observation (metric_id, granularity, period_start)`.execute(db);
}
