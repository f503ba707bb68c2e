import { type Kysely, sql } from 'kysely';

/**
 * `observation_metric_granularity_period`: a metric's observations at one granularity, by period.
 * Which granularities a metric is held at is then one index probe each (`peerRankFigures` finds a
 * metric's most common granularity without counting every observation of a metric held at one
 * granularity only), and every organisation's value in one period is one range of the index.
 *
 * Frozen: never edit a migration once it has landed; add a new one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index observation_metric_granularity_period
      on observation (metric_id, granularity, period_start)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index observation_metric_granularity_period`.execute(db);
}
