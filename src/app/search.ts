import type { Kysely } from 'kysely';
import { z } from 'zod';
import { organisationAliases } from '../domain/organisation-aliases.ts';
import { scope } from '../policies/scope.ts';
import { listMetrics } from '../store/repos/metric-repo.ts';
import { type NarrativeWithBody, searchNarratives } from '../store/repos/narrative-repo.ts';
import { listOrganisations } from '../store/repos/organisation-repo.ts';
import type { Database, MetricRow, OrganisationRow } from '../store/tables.ts';
import { rememberUntilNextImport } from './assessment-cache.ts';
import type { UseCaseContext } from './context.ts';
import { findMatches, type SearchCandidate } from './search-match.ts';

/** The longest search Tend accepts, in characters; longer ones are refused, not cut. */
export const searchMaxLength = 100;

/** What a search accepts: 1 to 100 characters. */
export const searchQuery = z.object({
  q: z
    .string({ error: 'give the text to search for' })
    .trim()
    .min(1, 'give the text to search for')
    .max(searchMaxLength, `must be ${searchMaxLength} characters or fewer`)
    .describe(
      'Text to find in organisation codes and names, metric ids and names, and narrative titles and text',
    ),
});

export interface SearchResults {
  organisations: OrganisationRow[];
  metrics: MetricRow[];
  /** Only narratives the actor may read. */
  narratives: NarrativeWithBody[];
}

/** At most this many of each kind of result. */
export const searchLimit = 20;

/**
 * Every organisation (under its registered name and the names people use for it, from
 * `organisationAliases`) and every national metric, as search candidates, held until the next import.
 */
function searchCandidates(db: Kysely<Database>) {
  return rememberUntilNextImport(db, 'search-candidates', async () => {
    const aliases = new Map<string, string[]>();
    for (const [alias, code] of organisationAliases) aliases.set(code, [...(aliases.get(code) ?? []), alias]);
    const organisations: SearchCandidate<OrganisationRow>[] = (await listOrganisations(db)).map((row) => ({
      key: row.code,
      names: [row.name, ...(aliases.get(row.code) ?? [])],
      item: row,
    }));
    const metrics: SearchCandidate<MetricRow>[] = (await listMetrics(db)).map((row) => ({
      key: row.id,
      names: [row.name],
      item: row,
    }));
    return { organisations, metrics };
  });
}

/**
 * Organisations whose code, name or a name people use for them (`organisationAliases`) matches
 * `text`, forgiving case, punctuation and a typo or two a word (`findOrganisations`): the exact
 * code first, then exact names, names starting with the text, containing it, then near misses.
 */
export async function findOrganisations(
  db: Kysely<Database>,
  text: string,
  limit = searchLimit,
): Promise<OrganisationRow[]> {
  const wanted = text.trim();
  if (!wanted) return [];
  return findMatches(wanted, (await searchCandidates(db)).organisations, limit);
}

/** National metrics whose id or name matches `text`, as `findOrganisations` matches (`findMetrics`). */
export async function findMetrics(
  db: Kysely<Database>,
  text: string,
  limit = searchLimit,
): Promise<MetricRow[]> {
  const wanted = text.trim();
  if (!wanted) return [];
  return findMatches(wanted, (await searchCandidates(db)).metrics, limit);
}

/**
 * Searches organisations and metrics (`findOrganisations`, `findMetrics`) and the narratives the
 * actor may read (title, text, case-insensitively) for `text` (`searchEverything`), at most
 * `searchLimit` of each, best matches first.
 */
export async function searchEverything(context: UseCaseContext, text: string): Promise<SearchResults> {
  const wanted = text.trim().slice(0, searchMaxLength);
  if (!wanted) return { organisations: [], metrics: [], narratives: [] };
  return {
    organisations: await findOrganisations(context.db, wanted, searchLimit),
    metrics: await findMetrics(context.db, wanted, searchLimit),
    narratives: await searchNarratives(
      context.db,
      scope(context.actor, 'read', 'narrative'),
      wanted,
      searchLimit,
    ),
  };
}
