import { type Kysely, sql } from 'kysely';
import type { Database, OrganisationRow } from '../tables.ts';

/** Integrated care boards and their members, under both mappings, on a given day. */

/** An integrated care board with how many organisations belong to it under each mapping. */
export interface SystemSummary {
  code: string;
  name: string;
  /** Members under NHS England's performance mapping (`icb_nhse`). */
  nhseMembers: number;
  /** Members under the ODS geography (`icb_ods`). */
  odsMembers: number;
}

/** One member of a system, and under which mappings it belongs. */
export interface SystemMember {
  code: string;
  name: string;
  kind: OrganisationRow['kind'];
  inNhse: boolean;
  inOds: boolean;
}

/** Every ICB, in name order, with its member counts on `day` under both mappings. */
export async function listSystemSummaries(db: Kysely<Database>, day: string): Promise<SystemSummary[]> {
  const rows = await sql<SystemSummary>`
    select icb.code, icb.name,
      count(distinct m.member_code) filter (where m.relation = 'icb_nhse')::integer as "nhseMembers",
      count(distinct m.member_code) filter (where m.relation = 'icb_ods')::integer as "odsMembers"
    from organisation icb
    left join membership m on m.parent_code = icb.code and m.relation in ('icb_nhse', 'icb_ods')
      and (m.valid_to is null or m.valid_to >= ${day})
    where icb.kind = 'icb'
    group by icb.code, icb.name
    order by icb.name, icb.code`.execute(db);
  return rows.rows;
}

/** The ICB with this code, if any. */
export async function findIcb(db: Kysely<Database>, code: string): Promise<OrganisationRow | undefined> {
  return db
    .selectFrom('organisation')
    .selectAll()
    .where('code', '=', code.toUpperCase())
    .where('kind', '=', 'icb')
    .executeTakeFirst();
}

/** An ICB's members on `day` under both mappings, NHS England's first, in name order. */
export async function listSystemMembers(
  db: Kysely<Database>,
  icbCode: string,
  day: string,
): Promise<SystemMember[]> {
  const rows = await sql<SystemMember>`
    select o.code, o.name, o.kind,
      bool_or(m.relation = 'icb_nhse') as "inNhse",
      bool_or(m.relation = 'icb_ods') as "inOds"
    from membership m join organisation o on o.code = m.member_code
    where m.parent_code = ${icbCode} and m.relation in ('icb_nhse', 'icb_ods')
      and (m.valid_to is null or m.valid_to >= ${day})
    group by o.code, o.name, o.kind
    order by bool_or(m.relation = 'icb_nhse') desc, o.name, o.code`.execute(db);
  return rows.rows;
}
