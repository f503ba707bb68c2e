import { z } from 'zod';
import type { ConsentScope, EntryState } from '../../domain/improvement.ts';
import type { Actor } from '../../policies/actor.ts';
import { canDirectoryEntry, canSeeContactEmail, curatesDirectory } from '../../policies/directory-entry.ts';
import { directoryScope } from '../../policies/scope.ts';
import type { FrozenEvidence } from '../../store/improvement-tables.ts';
import {
  type ChangeIdeaRow,
  type DirectoryAdoptionRow,
  type DirectoryContactRow,
  type DirectoryEntryWithNames,
  type DirectoryVersionRow,
  entryAdoptions,
  entryChangeIdeas,
  entryContacts,
  entryMetrics,
  entryVersions,
  findDirectoryEntry,
  listChangeIdeas,
  listDirectoryEntries,
} from '../../store/repos/directory-repo.ts';
import { isoDay, type UseCaseContext } from '../context.ts';
import { toCsv } from '../csv.ts';

/**
 * Reading the improvement directory: one entry with everything on its page, searches by metric,
 * organisation, change idea and free text, and the change ideas — all through the directory scope
 * (`directoryScope`), contacts' email addresses under their consent for the reader.
 *
 * Stale is computed on read: a published entry one of whose contacts is past their review-by date
 * reads as stale (its page says so) until the contact is reviewed — re-added with a new date, or removed.
 */

/** The state an entry reads as today: published turns stale while a contact is past their review-by date. */
export function effectiveState(
  state: EntryState,
  contacts: readonly { review_by: string }[],
  today: string,
): EntryState {
  if (state === 'published' && contacts.some((contact) => contact.review_by < today)) return 'stale';
  return state;
}

/** A contact as this reader may see it: the email only where consent allows. */
export interface ContactView {
  readonly id: number;
  readonly name: string;
  readonly role: string;
  readonly email: string | null;
  readonly consentScope: ConsentScope;
  readonly consentRecordedOn: string;
  readonly reviewBy: string;
  readonly pastReview: boolean;
}

function contactView(actor: Actor, contact: DirectoryContactRow, today: string): ContactView {
  return {
    id: contact.id,
    name: contact.name,
    role: contact.role,
    email: canSeeContactEmail(actor, contact.consent_scope) ? contact.email : null,
    consentScope: contact.consent_scope,
    consentRecordedOn: String(contact.consent_recorded_on).slice(0, 10),
    reviewBy: String(contact.review_by).slice(0, 10),
    pastReview: String(contact.review_by).slice(0, 10) < today,
  };
}

/** One entry with everything its page shows, and what the reader may do to it. */
export interface EntryDetail {
  readonly entry: DirectoryEntryWithNames;
  readonly state: EntryState;
  readonly metrics: readonly { metric_id: string; metric_name: string }[];
  readonly versions: readonly DirectoryVersionRow[];
  readonly contacts: readonly ContactView[];
  readonly changeIdeas: readonly ChangeIdeaRow[];
  readonly adoptions: readonly DirectoryAdoptionRow[];
  readonly evidence: readonly FrozenEvidence[];
  readonly may: { readonly curate: boolean; readonly edit: boolean };
}

/** One entry the reader may read (`findEntryDetail`), or null. */
export async function findEntryDetail(
  context: Pick<UseCaseContext, 'db' | 'actor' | 'clock'>,
  id: number,
): Promise<EntryDetail | null> {
  const entry = await findDirectoryEntry(context.db, directoryScope(context.actor), id);
  if (!entry) return null;
  const today = isoDay(context.clock());
  const rawContacts = await entryContacts(context.db, [id]);
  const resource = { orgCode: entry.org_code, state: entry.state, source: entry.source };
  return {
    entry,
    state: effectiveState(entry.state, rawContacts.map(dated), today),
    metrics: await entryMetrics(context.db, [id]),
    versions: await entryVersions(context.db, [id]),
    contacts: rawContacts.map((contact) => contactView(context.actor, contact, today)),
    changeIdeas: await entryChangeIdeas(context.db, [id]),
    adoptions: await entryAdoptions(context.db, id),
    evidence: entry.evidence ?? [],
    may: {
      curate: canDirectoryEntry(context.actor, 'curate', resource),
      edit: canDirectoryEntry(context.actor, 'edit', resource),
    },
  };
}

function dated(contact: DirectoryContactRow): { review_by: string } {
  return { review_by: String(contact.review_by).slice(0, 10) };
}

/** A search of the directory, as page, API and command line take it. */
export const directorySearchSchema = z.object({
  metric: z.string().trim().max(200).optional().catch(undefined),
  org: z.string().trim().toUpperCase().max(20).optional().catch(undefined),
  idea: z.coerce.number().int().positive().optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  state: z.enum(['candidate', 'invited', 'published', 'stale', 'withdrawn']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});
export type DirectorySearch = z.infer<typeof directorySearchSchema>;

/** How many entries a page of the directory lists. */
export const DIRECTORY_PAGE_ENTRIES = 50;
/** How many entries a CSV of a directory search holds at most. */
export const DIRECTORY_CSV_ENTRIES = 5000;

/** One page of a directory search: its entries, its number, and whether a later page has more. */
export interface EntryPage {
  readonly entries: EntrySummary[];
  readonly page: number;
  readonly hasNext: boolean;
}

/** One entry in a list of results. */
export interface EntrySummary {
  readonly id: number;
  readonly title: string;
  readonly orgCode: string;
  readonly orgName: string;
  readonly state: EntryState;
  readonly source: string;
  readonly metrics: readonly { id: string; name: string }[];
  readonly changeIdeas: readonly { id: number; name: string }[];
  readonly whatTheyDid: string;
  readonly periodStart: string | null;
  readonly periodEnd: string | null;
  readonly isExample: boolean;
  readonly href: string;
}

/**
 * Entries the reader may read that match the search (`searchEntries`): by metric, organisation,
 * change idea and free text (title, organisation, what they did and what did not work); the
 * reader's own scope decides which states they see. Most recently changed first.
 */
export async function searchEntries(
  context: Pick<UseCaseContext, 'db' | 'actor' | 'clock'>,
  search: DirectorySearch,
  limit = 200,
  offset = 0,
): Promise<EntrySummary[]> {
  return (await searchSummaries(context, search, limit, offset)).summaries;
}

/** The entries of a search (`searchSummaries`), with how many rows the query returned before staleness was read. */
async function searchSummaries(
  context: Pick<UseCaseContext, 'db' | 'actor' | 'clock'>,
  search: DirectorySearch,
  limit: number,
  offset: number,
  keep = limit,
): Promise<{ summaries: EntrySummary[]; rows: number }> {
  // "stale" is a published entry whose contact is past their review-by date, worked out below
  const storedState = search.state === 'stale' ? 'published' : search.state;
  const rows = await listDirectoryEntries(context.db, directoryScope(context.actor), {
    metricId: search.metric || undefined,
    orgCode: search.org || undefined,
    changeIdeaId: search.idea,
    text: search.q || undefined,
    states: storedState ? [storedState] : undefined,
    limit,
    offset,
  });
  const listed = rows.slice(0, keep);
  const ids = listed.map((row) => row.id);
  const metrics = await entryMetrics(context.db, ids);
  const versions = await entryVersions(context.db, ids);
  const contacts = await entryContacts(context.db, ids);
  const ideas = await entryChangeIdeas(context.db, ids);
  const today = isoDay(context.clock());
  const summaries = listed.map((row) => ({
    id: row.id,
    title: row.title,
    orgCode: row.org_code,
    orgName: row.org_name,
    state: effectiveState(
      row.state,
      contacts.filter((contact) => contact.entry_id === row.id).map(dated),
      today,
    ),
    source: row.source,
    metrics: metrics
      .filter((metric) => metric.entry_id === row.id)
      .map((metric) => ({ id: metric.metric_id, name: metric.metric_name })),
    changeIdeas: ideas
      .filter((idea) => idea.entry_id === row.id)
      .map((idea) => ({ id: idea.id, name: idea.name })),
    whatTheyDid: versions.find((version) => version.entry_id === row.id)?.what_they_did ?? '',
    periodStart: row.period_start ? String(row.period_start).slice(0, 10) : null,
    periodEnd: row.period_end ? String(row.period_end).slice(0, 10) : null,
    isExample: row.is_example,
    href: `/improvement/entries/${row.id}`,
  }));
  return {
    summaries: search.state ? summaries.filter((summary) => summary.state === search.state) : summaries,
    rows: rows.length,
  };
}

/**
 * One page of a directory search (`searchEntryPage`): `perPage` entries from the search's page
 * (the first when it names none), and whether there are more after them. A page filtered to
 * published or stale entries may hold fewer than `perPage`, as staleness is read after the query.
 */
export async function searchEntryPage(
  context: Pick<UseCaseContext, 'db' | 'actor' | 'clock'>,
  search: DirectorySearch,
  perPage = DIRECTORY_PAGE_ENTRIES,
): Promise<EntryPage> {
  const page = search.page ?? 1;
  const found = await searchSummaries(context, search, perPage + 1, (page - 1) * perPage, perPage);
  // the one row more than a page only says whether a next page exists; it is listed there, not here
  return { entries: found.summaries, page, hasNext: found.rows > perPage };
}

/** The change ideas of one metric or all, each with how many entries the reader reads use it. */
export function changeIdeasFor(context: Pick<UseCaseContext, 'db' | 'actor'>, metricId?: string) {
  return listChangeIdeas(context.db, directoryScope(context.actor), metricId);
}

/** Whether the reader curates the directory (sees its candidate view and curation forms). */
export function readerCurates(actor: Actor): boolean {
  return curatesDirectory(actor);
}

/** Entries as CSV: what the reader's search returned, without contacts. */
export function entriesCsv(entries: readonly EntrySummary[]): string {
  return toCsv(
    [
      'id',
      'title',
      'org',
      'org_name',
      'state',
      'metrics',
      'change_ideas',
      'period_start',
      'period_end',
      'example',
    ],
    entries.map((entry) => [
      entry.id,
      entry.title,
      entry.orgCode,
      entry.orgName,
      entry.state,
      entry.metrics.map((metric) => metric.id).join(' '),
      entry.changeIdeas.map((idea) => idea.name).join('; '),
      entry.periodStart,
      entry.periodEnd,
      entry.isExample,
    ]),
  );
}
