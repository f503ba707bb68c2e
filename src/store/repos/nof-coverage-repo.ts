import { type Kysely, sql } from 'kysely';
import type { Database } from '../tables.ts';

/** What the store holds of the Oversight Framework, and NHS England's published league tables. */

/** The Oversight Framework trust types (as NHS England names them) of organisations with `OF…` data. */
export async function nofTrustTypesHeld(db: Kysely<Database>): Promise<string[]> {
  const result = await sql<{ nof_trust_type: string }>`
    select distinct o.nof_trust_type from organisation o
    where o.nof_trust_type is not null
      and exists (select 1 from observation b where b.org_code = o.code and b.metric_id like 'OF%')
    order by o.nof_trust_type`.execute(db);
  return result.rows.map((row) => row.nof_trust_type);
}

export interface PublishedLeagueObservation {
  org_code: string;
  metric_id: string;
  value: number | null;
  likely_range: [number, number] | null;
}

/** NHS England's published league table rows (`nof-league-…` metrics) for the quarter starting `periodStart`. */
export async function publishedLeagueObservations(
  db: Kysely<Database>,
  periodStart: string,
): Promise<PublishedLeagueObservation[]> {
  const result = await sql<PublishedLeagueObservation>`
    select org_code, metric_id, value, detail->'likelyRange' as likely_range from observation
    where metric_id like 'nof-league-%' and granularity = 'quarter' and period_start = ${periodStart}
    order by org_code, metric_id`.execute(db);
  return result.rows;
}
