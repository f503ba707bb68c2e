import { type Kysely, sql } from 'kysely';
import type { MembershipRecord, OrganisationRecord } from '../../ingest/types.ts';
import type { Database, MembershipRow, OrganisationRow } from '../tables.ts';

/**
 * Writes organisations by the authority of their source: `replace` (a register such as ODS: name,
 * kind, postcode and dates win), `fill` (only adds unknown codes), `nof` (sets the Oversight Framework
 * trust type and subtype). Nothing is rewritten when it has not changed.
 */
export async function upsertOrganisations(
  db: Kysely<Database>,
  records: readonly OrganisationRecord[],
  source: string,
): Promise<number> {
  let changed = 0;
  for (const authority of ['replace', 'fill', 'nof'] as const) {
    const rows = records
      .filter((record) => record.authority === authority)
      .map((record) => ({
        code: record.code,
        name: record.name,
        kind: record.kind,
        nof_trust_type: record.nofTrustType ?? null,
        nof_trust_subtype: record.nofTrustSubtype ?? null,
        postcode: record.postcode ?? null,
        opened_on: record.openedOn ?? null,
        closed_on: record.closedOn ?? null,
        successor_code: null,
        source,
      }));
    for (let start = 0; start < rows.length; start += 500) {
      const chunk = rows.slice(start, start + 500);
      const insert = db.insertInto('organisation').values(chunk);
      if (authority === 'fill') {
        changed += affected(
          await insert.onConflict((conflict) => conflict.column('code').doNothing()).execute(),
        );
      } else if (authority === 'replace') {
        changed += await insert
          .onConflict((conflict) =>
            conflict
              .column('code')
              .doUpdateSet((eb) => ({
                name: eb.ref('excluded.name'),
                kind: eb.ref('excluded.kind'),
                postcode: sql<string | null>`coalesce(excluded.postcode, organisation.postcode)`,
                opened_on: sql<string | null>`coalesce(excluded.opened_on, organisation.opened_on)`,
                closed_on: eb.ref('excluded.closed_on'),
                source: eb.ref('excluded.source'),
                updated_at: sql<Date>`now()`,
              }))
              .where(
                sql<boolean>`(organisation.name, organisation.kind, organisation.postcode, organisation.opened_on, organisation.closed_on)
                  is distinct from (excluded.name, excluded.kind, coalesce(excluded.postcode, organisation.postcode), coalesce(excluded.opened_on, organisation.opened_on), excluded.closed_on)`,
              ),
          )
          .execute()
          .then(affected);
      } else {
        changed += await insert
          .onConflict((conflict) =>
            conflict
              .column('code')
              .doUpdateSet((eb) => ({
                nof_trust_type: eb.ref('excluded.nof_trust_type'),
                nof_trust_subtype: eb.ref('excluded.nof_trust_subtype'),
                updated_at: sql<Date>`now()`,
              }))
              .where(
                sql<boolean>`(organisation.nof_trust_type, organisation.nof_trust_subtype) is distinct from (excluded.nof_trust_type, excluded.nof_trust_subtype)`,
              ),
          )
          .execute()
          .then(affected);
      }
    }
  }
  return changed;
}

/** The codes of organisations closed on `day` (closed before it): left out of current lists and signals. */
export async function closedOrganisationCodes(db: Kysely<Database>, day: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('organisation')
    .select('code')
    .where('closed_on', 'is not', null)
    .where('closed_on', '<', day)
    .execute();
  return new Set(rows.map((row) => row.code));
}

/**
 * Records which organisation took over from each closed one (`successorCode`), for the records that
 * say; run after `upsertOrganisations`, so both ends exist. Unchanged links are not rewritten.
 */
export async function setSuccessors(
  db: Kysely<Database>,
  records: readonly OrganisationRecord[],
): Promise<number> {
  const links = records.flatMap((record) =>
    record.successorCode ? [{ code: record.code, successor: record.successorCode }] : [],
  );
  if (links.length === 0) return 0;
  const result = await sql`
    update organisation o set successor_code = l.successor, updated_at = now()
    from (select unnest(${links.map((link) => link.code)}::text[]) as code,
                 unnest(${links.map((link) => link.successor)}::text[]) as successor) l
    where o.code = l.code and o.successor_code is distinct from l.successor`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Records memberships; an existing one (same member, relation, parent and start) only has its end date updated. */
export async function upsertMemberships(
  db: Kysely<Database>,
  records: readonly MembershipRecord[],
  source: string,
): Promise<number> {
  let changed = 0;
  for (let start = 0; start < records.length; start += 500) {
    const chunk = records.slice(start, start + 500).map((record) => ({
      member_code: record.memberCode,
      parent_code: record.parentCode,
      relation: record.relation,
      valid_from: record.validFrom,
      valid_to: record.validTo,
      source,
    }));
    changed += await db
      .insertInto('membership')
      .values(chunk)
      .onConflict((conflict) =>
        conflict
          .columns(['member_code', 'relation', 'parent_code', 'valid_from'])
          .doUpdateSet((eb) => ({ valid_to: eb.ref('excluded.valid_to') }))
          .where(sql<boolean>`membership.valid_to is distinct from excluded.valid_to`),
      )
      .execute()
      .then(affected);
  }
  return changed;
}

export interface OrganisationFilter {
  kind?: string;
  search?: string;
  limit?: number;
}

export async function listOrganisations(
  db: Kysely<Database>,
  filter: OrganisationFilter = {},
): Promise<OrganisationRow[]> {
  let query = db.selectFrom('organisation').selectAll().orderBy('code');
  if (filter.kind) query = query.where('kind', '=', filter.kind as OrganisationRow['kind']);
  if (filter.search) {
    const pattern = `%${filter.search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    query = query.where((eb) => eb.or([eb('code', 'ilike', pattern), eb('name', 'ilike', pattern)]));
  }
  if (filter.limit) query = query.limit(filter.limit);
  return query.execute();
}

export async function findOrganisation(
  db: Kysely<Database>,
  code: string,
): Promise<OrganisationRow | undefined> {
  return db.selectFrom('organisation').selectAll().where('code', '=', code.toUpperCase()).executeTakeFirst();
}

/** Which of `codes` (upper-cased) name an organisation the store holds, sorted. */
export async function knownOrganisationCodes(
  db: Kysely<Database>,
  codes: readonly string[],
): Promise<string[]> {
  if (codes.length === 0) return [];
  const rows = await db
    .selectFrom('organisation')
    .select('code')
    .where('code', 'in', [...new Set(codes.map((code) => code.toUpperCase()))])
    .orderBy('code')
    .execute();
  return rows.map((row) => row.code);
}

/** Current memberships of an organisation (no end date, or ending in the future), with the parent's name. */
export async function membershipsOf(
  db: Kysely<Database>,
  code: string,
): Promise<(MembershipRow & { parent_name: string })[]> {
  return db
    .selectFrom('membership')
    .innerJoin('organisation as parent', 'parent.code', 'membership.parent_code')
    .selectAll('membership')
    .select('parent.name as parent_name')
    .where('membership.member_code', '=', code.toUpperCase())
    .orderBy('membership.relation')
    .orderBy('membership.valid_from')
    .execute();
}

/**
 * What the policies need to know about an organisation: the ICBs it belongs to (either mapping)
 * and its regions, from every membership the store holds — the same rows the policies' SQL filter
 * (`scope-filter.ts`) reads. Undefined when no organisation has the code.
 */
export async function organisationContext(
  db: Kysely<Database>,
  code: string,
): Promise<{ code: string; icbCodes: string[]; regionCodes: string[] } | undefined> {
  const upper = code.toUpperCase();
  const organisation = await db
    .selectFrom('organisation')
    .select('code')
    .where('code', '=', upper)
    .executeTakeFirst();
  if (!organisation) return undefined;
  const rows = await db
    .selectFrom('membership')
    .select(['parent_code', 'relation'])
    .where('member_code', '=', upper)
    .where('relation', 'in', ['icb_ods', 'icb_nhse', 'region'])
    .execute();
  const unique = (values: string[]) => [...new Set(values)].sort();
  return {
    code: upper,
    icbCodes: unique(rows.filter((row) => row.relation !== 'region').map((row) => row.parent_code)),
    regionCodes: unique(rows.filter((row) => row.relation === 'region').map((row) => row.parent_code)),
  };
}

/** The rows an insert … on conflict statement inserted or updated. */
function affected(results: readonly { numInsertedOrUpdatedRows?: bigint }[]): number {
  return results.reduce((sum, result) => sum + Number(result.numInsertedOrUpdatedRows ?? 0n), 0);
}
