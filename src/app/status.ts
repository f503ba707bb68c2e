import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/tables.ts';

export interface StoreStatus {
  organisations: number;
  metrics: number;
  observations: number;
  importBatches: number;
  rejectedImports: number;
  observationHistory: number;
}

/** Counts of what the store holds. */
export async function storeStatus(db: Kysely<Database>): Promise<StoreStatus> {
  const result = await sql<StoreStatus>`
    select
      (select count(*) from organisation)::integer as "organisations",
      (select count(*) from metric)::integer as "metrics",
      (select count(*) from observation)::integer as "observations",
      (select count(*) from import_batch where outcome = 'imported')::integer as "importBatches",
      (select count(*) from import_batch where outcome = 'rejected')::integer as "rejectedImports",
      (select count(*) from observation_history)::integer as "observationHistory"`.execute(db);
  return result.rows[0];
}
