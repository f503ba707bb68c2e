import { type Kysely, sql } from 'kysely';
import type { FinanceFigure } from '../../domain/finance.ts';
import type { Database } from '../tables.ts';

/** Every quarterly observation of `metricIds` for the organisations `orgCodes`. */
export async function quarterlyFiguresFor(
  db: Kysely<Database>,
  orgCodes: readonly string[],
  metricIds: readonly string[],
): Promise<FinanceFigure[]> {
  if (!orgCodes.length || !metricIds.length) return [];
  return db
    .selectFrom('observation')
    .select([
      'org_code as orgCode',
      'metric_id as metricId',
      sql<string>`period_start::text`.as('periodStart'),
      'value',
    ])
    .where('org_code', 'in', [...orgCodes])
    .where('metric_id', 'in', [...metricIds])
    .where('granularity', '=', 'quarter')
    .orderBy('period_start')
    .execute();
}
