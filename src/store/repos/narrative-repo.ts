import { type Kysely, type SqlBool, sql } from 'kysely';
import type { NarrativeKind, NarrativeVisibility, PublicationStatus } from '../../domain/people.ts';
import type { ContentScope } from '../../policies/scope.ts';
import type { Database, NarrativeRow, NarrativeVersionRow } from '../tables.ts';
import { type ContentColumns, contentScopeFilter, teamIndicatorScopeFilter } from './scope-filter.ts';

/**
 * Narratives, their immutable versions and named readers. Every read takes the reader's
 * `ContentScope` and filters with `contentScopeFilter`, so nothing reaches a page, a download or
 * the API that the read policy does not allow. A version is read under its own status and
 * visibility as well as the narrative's current ones.
 */

const narrativeColumns: ContentColumns = {
  org: 'narrative.org_code',
  status: 'narrative.status',
  visibility: 'narrative.visibility',
  createdBy: 'narrative.created_by',
  narrativeId: 'narrative.id',
};

const versionColumns: ContentColumns = {
  org: 'narrative.org_code',
  status: 'narrative_version.status',
  visibility: 'narrative_version.visibility',
  createdBy: 'narrative.created_by',
  narrativeId: 'narrative.id',
};

/**
 * The narratives the scope reads: the content rules, and never one about a team's organisation-only
 * indicator the scope may not read (its title would name what the team keeps to itself).
 */
function narrativeScopeFilter(scope: ContentScope) {
  return sql<SqlBool>`(${contentScopeFilter(scope, narrativeColumns)} and ${teamIndicatorScopeFilter(scope, 'narrative.metric_id')})`;
}

/** A narrative with the text of its current version and the names of its organisation and metric. */
export interface NarrativeWithBody extends NarrativeRow {
  body: string;
  org_name: string;
  metric_name: string | null;
}

export interface NarrativeFilter {
  orgCode?: string;
  metricId?: string;
  kind?: NarrativeKind;
  status?: PublicationStatus;
  limit?: number;
}

/** The `like` pattern matching text that contains `text` (`%`, `_` and `\` taken literally). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

function withBody(db: Kysely<Database>) {
  return db
    .selectFrom('narrative')
    .innerJoin('narrative_version', (join) =>
      join
        .onRef('narrative_version.narrative_id', '=', 'narrative.id')
        .onRef('narrative_version.version', '=', 'narrative.current_version'),
    )
    .innerJoin('organisation', 'organisation.code', 'narrative.org_code')
    .leftJoin('metric', 'metric.id', 'narrative.metric_id')
    .selectAll('narrative')
    .select(['narrative_version.body', 'organisation.name as org_name', 'metric.name as metric_name']);
}

/** One narrative the scope reads (`findNarrative`), with its current text; undefined otherwise. */
export async function findNarrative(
  db: Kysely<Database>,
  scope: ContentScope,
  id: number,
): Promise<NarrativeWithBody | undefined> {
  return withBody(db).where('narrative.id', '=', id).where(narrativeScopeFilter(scope)).executeTakeFirst();
}

/**
 * Narratives the scope reads (`listNarratives`), filtered: Financial Stewardship Narratives first,
 * then the most recently published or changed.
 */
export async function listNarratives(
  db: Kysely<Database>,
  scope: ContentScope,
  filter: NarrativeFilter = {},
): Promise<NarrativeWithBody[]> {
  let query = withBody(db).where(narrativeScopeFilter(scope));
  if (filter.orgCode) query = query.where('narrative.org_code', '=', filter.orgCode);
  if (filter.metricId) query = query.where('narrative.metric_id', '=', filter.metricId);
  if (filter.kind) query = query.where('narrative.kind', '=', filter.kind);
  if (filter.status) query = query.where('narrative.status', '=', filter.status);
  return query
    .orderBy(sql`case when narrative.kind = 'financial_stewardship' then 0 else 1 end`)
    .orderBy(sql`coalesce(narrative.published_at, narrative.updated_at)`, 'desc')
    .orderBy('narrative.id', 'desc')
    .limit(filter.limit ?? 500)
    .execute();
}

/**
 * The first `limit` narratives of `listNarratives` and how many there are in all
 * (`listNarrativesWithTotal`), in one query: a page's short list and its "all N" link.
 */
export async function listNarrativesWithTotal(
  db: Kysely<Database>,
  scope: ContentScope,
  filter: NarrativeFilter & { limit: number },
): Promise<{ narratives: NarrativeWithBody[]; total: number }> {
  let query = withBody(db)
    .select(sql<number>`count(*) over ()`.as('total_count'))
    .where(narrativeScopeFilter(scope));
  if (filter.orgCode) query = query.where('narrative.org_code', '=', filter.orgCode);
  if (filter.metricId) query = query.where('narrative.metric_id', '=', filter.metricId);
  const rows = await query
    .orderBy(sql`case when narrative.kind = 'financial_stewardship' then 0 else 1 end`)
    .orderBy(sql`coalesce(narrative.published_at, narrative.updated_at)`, 'desc')
    .orderBy('narrative.id', 'desc')
    .limit(filter.limit)
    .execute();
  const total = rows.length ? Number(rows[0].total_count) : 0;
  return { narratives: rows.map(({ total_count: _count, ...narrative }) => narrative), total };
}

/**
 * Narratives the scope reads whose title or current text contains `text`, case-insensitively
 * (`searchNarratives`): title matches first, then the most recently published or changed.
 */
export async function searchNarratives(
  db: Kysely<Database>,
  scope: ContentScope,
  text: string,
  limit = 20,
): Promise<NarrativeWithBody[]> {
  const pattern = containsPattern(text);
  return withBody(db)
    .where(narrativeScopeFilter(scope))
    .where((eb) =>
      eb.or([eb('narrative.title', 'ilike', pattern), eb('narrative_version.body', 'ilike', pattern)]),
    )
    .orderBy(sql`case when narrative.title ilike ${pattern} then 0 else 1 end`)
    .orderBy(sql`coalesce(narrative.published_at, narrative.updated_at)`, 'desc')
    .orderBy('narrative.id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Versions the scope reads (`listNarrativeVersions`) of one narrative, or of every narrative of an
 * organisation, oldest first: each must be readable in its own status and visibility and its
 * narrative in its current ones, so an earlier draft never shows through a published narrative's
 * history and a withdrawn narrative's history is not public.
 */
export async function listNarrativeVersions(
  db: Kysely<Database>,
  scope: ContentScope,
  of: { narrativeId: number } | { orgCode: string },
): Promise<NarrativeVersionRow[]> {
  let query = db
    .selectFrom('narrative_version')
    .innerJoin('narrative', 'narrative.id', 'narrative_version.narrative_id')
    .selectAll('narrative_version')
    .where(narrativeScopeFilter(scope))
    .where(contentScopeFilter(scope, versionColumns));
  query =
    'narrativeId' in of
      ? query.where('narrative.id', '=', of.narrativeId)
      : query.where('narrative.org_code', '=', of.orgCode);
  return query.orderBy('narrative_version.narrative_id').orderBy('narrative_version.version').execute();
}

/** One version the scope reads (`findNarrativeVersion`), under the rule of `listNarrativeVersions`. */
export async function findNarrativeVersion(
  db: Kysely<Database>,
  scope: ContentScope,
  narrativeId: number,
  version: number,
): Promise<NarrativeVersionRow | undefined> {
  return db
    .selectFrom('narrative_version')
    .innerJoin('narrative', 'narrative.id', 'narrative_version.narrative_id')
    .selectAll('narrative_version')
    .where('narrative.id', '=', narrativeId)
    .where('narrative_version.version', '=', version)
    .where(narrativeScopeFilter(scope))
    .where(contentScopeFilter(scope, versionColumns))
    .executeTakeFirst();
}

/** The people a narrative the scope reads is shared with (`narrativeReaders`), by email. */
export async function narrativeReaders(
  db: Kysely<Database>,
  scope: ContentScope,
  narrativeId: number,
): Promise<{ id: number; email: string; display_name: string }[]> {
  return db
    .selectFrom('narrative_reader')
    .innerJoin('narrative', 'narrative.id', 'narrative_reader.narrative_id')
    .innerJoin('app_user', 'app_user.id', 'narrative_reader.user_id')
    .select(['app_user.id', 'app_user.email', 'app_user.display_name'])
    .where('narrative.id', '=', narrativeId)
    .where(narrativeScopeFilter(scope))
    .orderBy('app_user.email')
    .execute();
}

export interface NewNarrative {
  org_code: string;
  metric_id: string | null;
  period_from: string | null;
  period_to: string | null;
  kind: NarrativeKind;
  title: string;
  visibility: NarrativeVisibility;
  status: PublicationStatus;
  created_by: number | null;
  at: Date;
}

/** Adds a narrative at version 1 (`insertNarrative`); its first version is added with `insertNarrativeVersion`. */
export async function insertNarrative(db: Kysely<Database>, narrative: NewNarrative): Promise<NarrativeRow> {
  const { at, ...values } = narrative;
  return db
    .insertInto('narrative')
    .values({
      ...values,
      current_version: 1,
      created_at: at,
      updated_at: at,
      published_at: values.status === 'published' ? at : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Appends one immutable version (`insertNarrativeVersion`). */
export async function insertNarrativeVersion(
  db: Kysely<Database>,
  version: NarrativeVersionRow,
): Promise<NarrativeVersionRow> {
  return db.insertInto('narrative_version').values(version).returningAll().executeTakeFirstOrThrow();
}

/**
 * Moves a narrative from `baseVersion` to the next version with these fields (`advanceNarrative`);
 * undefined when its current version is no longer `baseVersion` (someone else saved first). A
 * change to published sets `published_at`.
 */
export async function advanceNarrative(
  db: Kysely<Database>,
  id: number,
  baseVersion: number,
  fields: {
    metric_id: string | null;
    period_from: string | null;
    period_to: string | null;
    kind: NarrativeKind;
    title: string;
    visibility: NarrativeVisibility;
    status: PublicationStatus;
    at: Date;
  },
): Promise<NarrativeRow | undefined> {
  const { at, ...values } = fields;
  return db
    .updateTable('narrative')
    .set({
      ...values,
      current_version: baseVersion + 1,
      updated_at: at,
      published_at:
        values.status === 'published'
          ? sql<Date>`case when narrative.status = 'published' then coalesce(narrative.published_at, ${at}::timestamptz) else ${at}::timestamptz end`
          : sql<Date | null>`narrative.published_at`,
    })
    .where('id', '=', id)
    .where('current_version', '=', baseVersion)
    .returningAll()
    .executeTakeFirst();
}

/** Removes every named reader of a narrative (`deleteNarrativeReaders`). */
export async function deleteNarrativeReaders(db: Kysely<Database>, narrativeId: number): Promise<void> {
  await db.deleteFrom('narrative_reader').where('narrative_id', '=', narrativeId).execute();
}

/** Shares a narrative with these people (`insertNarrativeReaders`). */
export async function insertNarrativeReaders(
  db: Kysely<Database>,
  narrativeId: number,
  userIds: readonly number[],
): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .insertInto('narrative_reader')
    .values([...new Set(userIds)].map((userId) => ({ narrative_id: narrativeId, user_id: userId })))
    .execute();
}
