import { type Kysely, sql } from 'kysely';
import type { Database, OrganisationRow } from '../store/tables.ts';

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

const today = () => new Date().toISOString().slice(0, 10);

/** Every ICB, in name order, with its current member counts under both mappings. */
export async function listSystems(db: Kysely<Database>): Promise<SystemSummary[]> {
  const rows = await sql<SystemSummary>`
    select icb.code, icb.name,
      count(distinct m.member_code) filter (where m.relation = 'icb_nhse')::integer as "nhseMembers",
      count(distinct m.member_code) filter (where m.relation = 'icb_ods')::integer as "odsMembers"
    from organisation icb
    left join membership m on m.parent_code = icb.code and m.relation in ('icb_nhse', 'icb_ods')
      and (m.valid_to is null or m.valid_to >= ${today()})
    where icb.kind = 'icb'
    group by icb.code, icb.name
    order by icb.name, icb.code`.execute(db);
  return rows.rows;
}

/**
 * An ICB and its current members under both mappings, NHS England's first, in name order; `null`
 * when no ICB has the code.
 */
export async function systemMembers(
  db: Kysely<Database>,
  icbCode: string,
): Promise<{ icb: OrganisationRow; members: SystemMember[] } | null> {
  const icb = await db
    .selectFrom('organisation')
    .selectAll()
    .where('code', '=', icbCode.toUpperCase())
    .where('kind', '=', 'icb')
    .executeTakeFirst();
  if (!icb) return null;
  const rows = await sql<SystemMember>`
    select o.code, o.name, o.kind,
      bool_or(m.relation = 'icb_nhse') as "inNhse",
      bool_or(m.relation = 'icb_ods') as "inOds"
    from membership m join organisation o on o.code = m.member_code
    where m.parent_code = ${icb.code} and m.relation in ('icb_nhse', 'icb_ods')
      and (m.valid_to is null or m.valid_to >= ${today()})
    group by o.code, o.name, o.kind
    order by bool_or(m.relation = 'icb_nhse') desc, o.name, o.code`.execute(db);
  return { icb, members: rows.rows };
}
