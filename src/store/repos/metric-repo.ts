import { type Kysely, sql } from 'kysely';
import type { MetricDefinition } from '../../domain/metric.ts';
import type { Database, MetricRow } from '../tables.ts';
import { nationalMetricFilter } from './scope-filter.ts';

/** Adds metrics or updates their definition when it changed (built-in definitions are never overwritten by a file). */
export async function upsertMetrics(
  db: Kysely<Database>,
  metrics: readonly MetricDefinition[],
): Promise<number> {
  if (metrics.length === 0) return 0;
  const results = await db
    .insertInto('metric')
    .values(metrics.map((metric) => ({ ...metric })))
    .onConflict((conflict) =>
      conflict
        .column('id')
        .doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          description: eb.ref('excluded.description'),
          unit: eb.ref('excluded.unit'),
          direction: eb.ref('excluded.direction'),
          domain: eb.ref('excluded.domain'),
          subdomain: eb.ref('excluded.subdomain'),
          source_publication: eb.ref('excluded.source_publication'),
          numerator_definition: eb.ref('excluded.numerator_definition'),
          denominator_definition: eb.ref('excluded.denominator_definition'),
        }))
        .where(
          sql<boolean>`(metric.builtin = excluded.builtin) and (metric.name, metric.description, metric.unit, metric.direction, metric.domain, metric.subdomain,
            metric.source_publication, metric.numerator_definition, metric.denominator_definition) is distinct from
            (excluded.name, excluded.description, excluded.unit, excluded.direction, excluded.domain, excluded.subdomain,
            excluded.source_publication, excluded.numerator_definition, excluded.denominator_definition)`,
        ),
    )
    .execute();
  return results.reduce((sum, result) => sum + Number(result.numInsertedOrUpdatedRows ?? 0n), 0);
}

/** The national metric catalogue: every metric but teams' own indicators (`team.…`). */
export async function listMetrics(db: Kysely<Database>): Promise<MetricRow[]> {
  return db.selectFrom('metric').selectAll().where(nationalMetricFilter('metric.id')).orderBy('id').execute();
}

/** Every metric, teams' own indicators included (what an import checks ids against). */
export async function listAllMetrics(db: Kysely<Database>): Promise<MetricRow[]> {
  return db.selectFrom('metric').selectAll().orderBy('id').execute();
}

export async function findMetric(db: Kysely<Database>, id: string): Promise<MetricRow | undefined> {
  return db.selectFrom('metric').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function metricIds(db: Kysely<Database>): Promise<Set<string>> {
  const rows = await db.selectFrom('metric').select('id').execute();
  return new Set(rows.map((row) => row.id));
}

/** The metrics with these ids (in no particular order). */
export async function metricsByIds(db: Kysely<Database>, ids: readonly string[]): Promise<MetricRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('metric')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
}
