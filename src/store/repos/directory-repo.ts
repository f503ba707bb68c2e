import type { Insertable, Kysely, Selectable } from 'kysely';
import type { EntryState } from '../../domain/improvement.ts';
import type { DirectoryScope } from '../../policies/scope.ts';
import type {
  ChangeIdeaTable,
  DirectoryAdoptionTable,
  DirectoryContactTable,
  DirectoryEntryTable,
  DirectoryEntryVersionTable,
  FrozenEvidence,
} from '../improvement-tables.ts';
import type { Database } from '../tables.ts';
import { containsPattern } from './narrative-repo.ts';
import { directoryScopeFilter } from './scope-filter.ts';

/**
 * The improvement directory: entries with their metrics, versions of what they did, contacts,
 * change ideas and adoptions. Every read of entries takes the reader's scope and filters with
 * `directoryScopeFilter`; versions, contacts, change-idea links and adoptions are read only for
 * entries already read through it.
 */

export type DirectoryEntryRow = Selectable<DirectoryEntryTable>;
export type DirectoryVersionRow = Selectable<DirectoryEntryVersionTable>;
export type DirectoryContactRow = Selectable<DirectoryContactTable>;
export type ChangeIdeaRow = Selectable<ChangeIdeaTable>;
export type DirectoryAdoptionRow = Selectable<DirectoryAdoptionTable> & { org_name: string };

/** An entry with its organisation's name and kind. */
export interface DirectoryEntryWithNames extends DirectoryEntryRow {
  org_name: string;
  org_kind: string;
  org_trust_type: string | null;
}

/** What a search of entries filters on. */
export interface DirectoryFilter {
  metricId?: string;
  orgCode?: string;
  changeIdeaId?: number;
  /** Text in the title, the organisation's name or the latest version of what they did. */
  text?: string;
  states?: readonly EntryState[];
  limit?: number;
  /** How many matching entries to pass over first (for later pages). */
  offset?: number;
}

function withNames(db: Kysely<Database>) {
  return db
    .selectFrom('directory_entry')
    .innerJoin('organisation', 'organisation.code', 'directory_entry.org_code')
    .selectAll('directory_entry')
    .select([
      'organisation.name as org_name',
      'organisation.kind as org_kind',
      'organisation.nof_trust_type as org_trust_type',
    ]);
}

/** One entry the scope reads (`findDirectoryEntry`); undefined otherwise. */
export async function findDirectoryEntry(
  db: Kysely<Database>,
  scope: DirectoryScope,
  id: number,
): Promise<DirectoryEntryWithNames | undefined> {
  return withNames(db)
    .where('directory_entry.id', '=', id)
    .where(directoryScopeFilter(scope))
    .executeTakeFirst() as Promise<DirectoryEntryWithNames | undefined>;
}

/** Entries the scope reads that match the filter, the most recently changed first. */
export async function listDirectoryEntries(
  db: Kysely<Database>,
  scope: DirectoryScope,
  filter: DirectoryFilter,
): Promise<DirectoryEntryWithNames[]> {
  let query = withNames(db).where(directoryScopeFilter(scope));
  if (filter.metricId)
    query = query.where('directory_entry.id', 'in', (sub) =>
      sub
        .selectFrom('directory_entry_metric')
        .select('entry_id')
        .where('metric_id', '=', filter.metricId ?? ''),
    );
  if (filter.orgCode) query = query.where('directory_entry.org_code', '=', filter.orgCode.toUpperCase());
  if (filter.changeIdeaId !== undefined)
    query = query.where('directory_entry.id', 'in', (sub) =>
      sub
        .selectFrom('directory_entry_change_idea')
        .select('entry_id')
        .where('change_idea_id', '=', filter.changeIdeaId ?? 0),
    );
  if (filter.states?.length) query = query.where('directory_entry.state', 'in', [...filter.states]);
  if (filter.text) {
    const pattern = containsPattern(filter.text.toLowerCase());
    query = query.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['directory_entry.title']), 'like', pattern),
        eb(eb.fn('lower', ['organisation.name']), 'like', pattern),
        eb(
          'directory_entry.id',
          'in',
          eb
            .selectFrom('directory_entry_version')
            .select('entry_id')
            .where((inner) =>
              inner.or([
                inner(inner.fn('lower', ['what_they_did']), 'like', pattern),
                inner(inner.fn('lower', ['what_did_not_work']), 'like', pattern),
              ]),
            ),
        ),
      ]),
    );
  }
  return query
    .orderBy('directory_entry.updated_at', 'desc')
    .orderBy('directory_entry.id', 'desc')
    .limit(filter.limit ?? 500)
    .offset(filter.offset ?? 0)
    .execute() as Promise<DirectoryEntryWithNames[]>;
}

/** The metrics of the given entries, as (entry, metric, metric name) rows. */
export async function entryMetrics(
  db: Kysely<Database>,
  entryIds: readonly number[],
): Promise<{ entry_id: number; metric_id: string; metric_name: string }[]> {
  if (entryIds.length === 0) return [];
  return db
    .selectFrom('directory_entry_metric')
    .innerJoin('metric', 'metric.id', 'directory_entry_metric.metric_id')
    .select([
      'directory_entry_metric.entry_id',
      'directory_entry_metric.metric_id',
      'metric.name as metric_name',
    ])
    .where('directory_entry_metric.entry_id', 'in', [...entryIds])
    .orderBy('directory_entry_metric.metric_id')
    .execute();
}

/** Every version of the given entries' narratives, newest first. */
export async function entryVersions(
  db: Kysely<Database>,
  entryIds: readonly number[],
): Promise<DirectoryVersionRow[]> {
  if (entryIds.length === 0) return [];
  return db
    .selectFrom('directory_entry_version')
    .selectAll()
    .where('entry_id', 'in', [...entryIds])
    .orderBy('entry_id')
    .orderBy('version', 'desc')
    .execute();
}

/** The current (not removed) contacts of the given entries, in the order they were recorded. */
export async function entryContacts(
  db: Kysely<Database>,
  entryIds: readonly number[],
): Promise<DirectoryContactRow[]> {
  if (entryIds.length === 0) return [];
  return db
    .selectFrom('directory_contact')
    .selectAll()
    .where('entry_id', 'in', [...entryIds])
    .where('removed_at', 'is', null)
    .orderBy('id')
    .execute();
}

/** The change ideas linked to the given entries. */
export async function entryChangeIdeas(
  db: Kysely<Database>,
  entryIds: readonly number[],
): Promise<(ChangeIdeaRow & { entry_id: number })[]> {
  if (entryIds.length === 0) return [];
  return db
    .selectFrom('directory_entry_change_idea')
    .innerJoin('change_idea', 'change_idea.id', 'directory_entry_change_idea.change_idea_id')
    .selectAll('change_idea')
    .select('directory_entry_change_idea.entry_id')
    .where('directory_entry_change_idea.entry_id', 'in', [...entryIds])
    .orderBy('change_idea.name')
    .execute();
}

/** The adoptions of one entry's idea, oldest first, with the adopting organisation's name. */
export async function entryAdoptions(db: Kysely<Database>, entryId: number): Promise<DirectoryAdoptionRow[]> {
  return db
    .selectFrom('directory_adoption')
    .innerJoin('organisation', 'organisation.code', 'directory_adoption.org_code')
    .selectAll('directory_adoption')
    .select('organisation.name as org_name')
    .where('directory_adoption.entry_id', '=', entryId)
    .orderBy('directory_adoption.adopted_on')
    .orderBy('directory_adoption.id')
    .execute();
}

/** Change ideas, of one metric or all, by metric then name, with how many entries the scope reads use each. */
export async function listChangeIdeas(
  db: Kysely<Database>,
  scope: DirectoryScope,
  metricId?: string,
): Promise<(ChangeIdeaRow & { entry_count: number })[]> {
  let query = db
    .selectFrom('change_idea')
    .selectAll('change_idea')
    .select((eb) =>
      eb
        .selectFrom('directory_entry_change_idea as link')
        .innerJoin('directory_entry', 'directory_entry.id', 'link.entry_id')
        .select(eb.fn.countAll<number>().as('count'))
        .whereRef('link.change_idea_id', '=', 'change_idea.id')
        .where(directoryScopeFilter(scope))
        .as('entry_count'),
    );
  if (metricId) query = query.where('change_idea.metric_id', '=', metricId);
  const rows = await query.orderBy('change_idea.metric_id').orderBy('change_idea.name').execute();
  return rows.map((row) => ({ ...row, entry_count: Number(row.entry_count ?? 0) }));
}

/** One change idea by id. */
export async function findChangeIdea(db: Kysely<Database>, id: number): Promise<ChangeIdeaRow | undefined> {
  return db.selectFrom('change_idea').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Adds an entry. */
export async function insertDirectoryEntry(
  db: Kysely<Database>,
  entry: Insertable<DirectoryEntryTable>,
): Promise<DirectoryEntryRow> {
  return db.insertInto('directory_entry').values(entry).returningAll().executeTakeFirstOrThrow();
}

/** Links an entry to its metrics. */
export async function insertEntryMetrics(
  db: Kysely<Database>,
  entryId: number,
  metricIds: readonly string[],
): Promise<void> {
  if (metricIds.length === 0) return;
  await db
    .insertInto('directory_entry_metric')
    .values(metricIds.map((metricId) => ({ entry_id: entryId, metric_id: metricId })))
    .execute();
}

/** Adds a version of what an entry's organisation did. */
export async function insertEntryVersion(
  db: Kysely<Database>,
  version: Insertable<DirectoryEntryVersionTable>,
): Promise<DirectoryVersionRow> {
  return db.insertInto('directory_entry_version').values(version).returningAll().executeTakeFirstOrThrow();
}

/** What a change of an entry's own row may set. */
export interface EntryChange {
  state?: EntryState;
  title?: string;
  effort?: string;
  resources?: string;
  period_start?: string | null;
  period_end?: string | null;
  evidence?: FrozenEvidence[] | null;
  published_at?: Date | null;
  withdrawn_at?: Date | null;
  withdrawn_reason?: string | null;
}

/**
 * Changes an entry if it is still at `version` (an optimistic lock), moving its version on; returns
 * the changed row, or undefined when someone changed it first.
 */
export async function updateDirectoryEntry(
  db: Kysely<Database>,
  id: number,
  version: number,
  change: EntryChange,
  at: Date,
): Promise<DirectoryEntryRow | undefined> {
  const { evidence, ...rest } = change;
  return db
    .updateTable('directory_entry')
    .set({
      ...rest,
      ...(evidence !== undefined ? { evidence: evidence === null ? null : JSON.stringify(evidence) } : {}),
      updated_at: at,
      version: version + 1,
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst();
}

/** Adds a contact. */
export async function insertContact(
  db: Kysely<Database>,
  contact: Insertable<DirectoryContactTable>,
): Promise<DirectoryContactRow> {
  return db.insertInto('directory_contact').values(contact).returningAll().executeTakeFirstOrThrow();
}

/** Marks a contact of an entry removed; returns it, or undefined when there is no such current contact. */
export async function removeContact(
  db: Kysely<Database>,
  entryId: number,
  contactId: number,
  at: Date,
): Promise<DirectoryContactRow | undefined> {
  return db
    .updateTable('directory_contact')
    .set({ removed_at: at })
    .where('id', '=', contactId)
    .where('entry_id', '=', entryId)
    .where('removed_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Adds a change idea; undefined when the metric already has one of that name. */
export async function insertChangeIdea(
  db: Kysely<Database>,
  idea: Insertable<ChangeIdeaTable>,
): Promise<ChangeIdeaRow | undefined> {
  return db
    .insertInto('change_idea')
    .values(idea)
    .onConflict((conflict) => conflict.columns(['metric_id', 'name']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Links change ideas to an entry (links already there are kept). */
export async function linkChangeIdeas(
  db: Kysely<Database>,
  entryId: number,
  changeIdeaIds: readonly number[],
): Promise<void> {
  if (changeIdeaIds.length === 0) return;
  await db
    .insertInto('directory_entry_change_idea')
    .values(changeIdeaIds.map((id) => ({ entry_id: entryId, change_idea_id: id })))
    .onConflict((conflict) => conflict.columns(['entry_id', 'change_idea_id']).doNothing())
    .execute();
}

/** Records an adoption of an entry's idea. */
export async function insertAdoption(
  db: Kysely<Database>,
  adoption: Insertable<DirectoryAdoptionTable>,
): Promise<Selectable<DirectoryAdoptionTable>> {
  return db.insertInto('directory_adoption').values(adoption).returningAll().executeTakeFirstOrThrow();
}

/**
 * Published and stale entries per metric, with their organisations: what every reader sees, for
 * offers of help and coverage.
 */
export async function publishedEntriesByMetric(
  db: Kysely<Database>,
  metricIds?: readonly string[],
): Promise<{ entry_id: number; metric_id: string; org_code: string }[]> {
  let query = db
    .selectFrom('directory_entry_metric')
    .innerJoin('directory_entry', 'directory_entry.id', 'directory_entry_metric.entry_id')
    .select([
      'directory_entry.id as entry_id',
      'directory_entry_metric.metric_id',
      'directory_entry.org_code',
    ])
    .where('directory_entry.state', 'in', ['published', 'stale']);
  if (metricIds) {
    if (metricIds.length === 0) return [];
    query = query.where('directory_entry_metric.metric_id', 'in', [...metricIds]);
  }
  return query.orderBy('directory_entry.id').execute();
}

/** Open concerns (signals of kind concern not closed) on national metrics: organisation and metric. */
export async function openConcerns(
  db: Kysely<Database>,
): Promise<{ org_code: string; metric_id: string; org_name: string }[]> {
  return db
    .selectFrom('signal')
    .innerJoin('organisation', 'organisation.code', 'signal.org_code')
    .select(['signal.org_code', 'signal.metric_id', 'organisation.name as org_name'])
    .where('signal.kind', '=', 'concern')
    .where('signal.status', '<>', 'closed')
    .where('signal.metric_id', 'not like', 'team.%')
    .orderBy('signal.metric_id')
    .orderBy('signal.org_code')
    .execute();
}

/** Where organisations sit: their ICBs (either mapping), regions and trust type, for nearness. */
export async function organisationPlaces(
  db: Kysely<Database>,
  codes: readonly string[],
): Promise<
  {
    code: string;
    name: string;
    trust_type: string | null;
    parent_code: string | null;
    relation: string | null;
  }[]
> {
  if (codes.length === 0) return [];
  return db
    .selectFrom('organisation')
    .leftJoin('membership', (join) =>
      join
        .onRef('membership.member_code', '=', 'organisation.code')
        .on('membership.relation', 'in', ['icb_ods', 'icb_nhse', 'region']),
    )
    .select([
      'organisation.code',
      'organisation.name',
      'organisation.nof_trust_type as trust_type',
      'membership.parent_code',
      'membership.relation',
    ])
    .where('organisation.code', 'in', [...new Set(codes)])
    .execute();
}

/** The metrics of a publication (the NHS Oversight Framework's: the scored ones) that hold observations, by id. */
export async function metricIdsOfPublication(db: Kysely<Database>, publication: string): Promise<string[]> {
  const rows = await db
    .selectFrom('metric')
    .select('id')
    .where('source_publication', '=', publication)
    .where('id', 'in', (sub) => sub.selectFrom('observation').select('metric_id').distinct())
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

/** Every organisation's name, kind and trust type: who a series belongs to and its peers. */
export async function organisationPeerFacts(
  db: Kysely<Database>,
): Promise<{ code: string; name: string; kind: string; nof_trust_type: string | null }[]> {
  return db.selectFrom('organisation').select(['code', 'name', 'kind', 'nof_trust_type']).execute();
}

/** Marks directory entries as examples (`is_example`); returns how many. */
export async function markEntriesAsExamples(db: Kysely<Database>, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('directory_entry')
    .set({ is_example: true })
    .where('id', 'in', [...ids])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Marks change ideas as examples (`is_example`); returns how many. */
export async function markChangeIdeasAsExamples(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('change_idea')
    .set({ is_example: true })
    .where('id', 'in', [...ids])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
