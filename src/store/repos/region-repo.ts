import { type Kysely, sql } from 'kysely';
import type { Database, OrganisationRow } from '../tables.ts';

/** NHS England's regions and the organisations in them, on a given day. */

/** A region with how many trusts and ICBs belong to it. */
export interface RegionSummary {
  code: string;
  name: string;
  /** Trusts in the region (membership `region`), open on the day. */
  trusts: number;
  /** ICBs that any of those trusts belongs to, under either mapping. */
  icbs: number;
}

/** One trust of a region, with its ICB under NHS England's mapping (else the ODS geography's). */
export interface RegionTrust {
  code: string;
  name: string;
  kind: OrganisationRow['kind'];
  nofTrustType: string | null;
  icbCode: string | null;
  icbName: string | null;
}

/** Every region, in name order, with its trust and ICB counts on `day` (`listRegionSummaries`). */
export async function listRegionSummaries(db: Kysely<Database>, day: string): Promise<RegionSummary[]> {
  const rows = await sql<RegionSummary>`
    select r.code, r.name,
      count(distinct m.member_code)::integer as "trusts",
      count(distinct i.parent_code)::integer as "icbs"
    from organisation r
    left join membership m on m.parent_code = r.code and m.relation = 'region'
      and (m.valid_to is null or m.valid_to >= ${day})
    left join membership i on i.member_code = m.member_code and i.relation in ('icb_nhse', 'icb_ods')
      and (i.valid_to is null or i.valid_to >= ${day})
    where r.kind = 'region'
    group by r.code, r.name
    order by r.name, r.code`.execute(db);
  return rows.rows;
}

/** The region with this code, if any (`findRegion`). */
export async function findRegion(db: Kysely<Database>, code: string): Promise<OrganisationRow | undefined> {
  return db
    .selectFrom('organisation')
    .selectAll()
    .where('code', '=', code.toUpperCase())
    .where('kind', '=', 'region')
    .executeTakeFirst();
}

/**
 * A region's trusts on `day`, in name order, each with its ICB: NHS England's performance mapping
 * where it has one, else the ODS geography (`listRegionTrusts`).
 */
export async function listRegionTrusts(
  db: Kysely<Database>,
  regionCode: string,
  day: string,
): Promise<RegionTrust[]> {
  const rows = await sql<RegionTrust>`
    select o.code, o.name, o.kind, o.nof_trust_type as "nofTrustType",
      coalesce(nhse.parent_code, ods.parent_code) as "icbCode",
      icb.name as "icbName"
    from membership m
    join organisation o on o.code = m.member_code
    left join lateral (
      select parent_code from membership x
      where x.member_code = o.code and x.relation = 'icb_nhse' and (x.valid_to is null or x.valid_to >= ${day})
      order by x.valid_from desc limit 1) nhse on true
    left join lateral (
      select parent_code from membership x
      where x.member_code = o.code and x.relation = 'icb_ods' and (x.valid_to is null or x.valid_to >= ${day})
      order by x.valid_from desc limit 1) ods on true
    left join organisation icb on icb.code = coalesce(nhse.parent_code, ods.parent_code)
    where m.parent_code = ${regionCode.toUpperCase()} and m.relation = 'region'
      and (m.valid_to is null or m.valid_to >= ${day})
    order by o.name, o.code`.execute(db);
  return rows.rows;
}
