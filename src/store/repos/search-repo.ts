import { type Kysely, sql } from 'kysely';
import type { Database, MetricRow, OrganisationRow } from '../tables.ts';
import { containsPattern } from './narrative-repo.ts';

/** Finding organisations and metrics by what a person types: a code or id, or words of a name. */

/**
 * Organisations whose code or name contains `text`, case-insensitively (`searchOrganisationsByText`):
 * the exact code first, then names starting with the text, then the rest by name.
 */
export async function searchOrganisationsByText(
  db: Kysely<Database>,
  text: string,
  limit = 20,
): Promise<OrganisationRow[]> {
  const pattern = containsPattern(text);
  const prefix = `${pattern.slice(1)}`;
  return db
    .selectFrom('organisation')
    .selectAll()
    .where((eb) => eb.or([eb('code', 'ilike', pattern), eb('name', 'ilike', pattern)]))
    .orderBy(sql`case when upper(code) = upper(${text}) then 0 when name ilike ${prefix} then 1 else 2 end`)
    .orderBy('name')
    .orderBy('code')
    .limit(limit)
    .execute();
}

/**
 * Metrics whose id or name contains `text`, case-insensitively (`searchMetricsByText`): the exact
 * id first, then ids and names starting with the text, then the rest by name.
 */
export async function searchMetricsByText(
  db: Kysely<Database>,
  text: string,
  limit = 20,
): Promise<MetricRow[]> {
  const pattern = containsPattern(text);
  const prefix = `${pattern.slice(1)}`;
  return db
    .selectFrom('metric')
    .selectAll()
    .where((eb) => eb.or([eb('id', 'ilike', pattern), eb('name', 'ilike', pattern)]))
    .orderBy(
      sql`case when lower(id) = lower(${text}) then 0 when id ilike ${prefix} or name ilike ${prefix} then 1 else 2 end`,
    )
    .orderBy('name')
    .orderBy('id')
    .limit(limit)
    .execute();
}
