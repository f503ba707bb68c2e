import { z } from 'zod';
import { scope } from '../policies/scope.ts';
import { type NarrativeWithBody, searchNarratives } from '../store/repos/narrative-repo.ts';
import { searchMetricsByText, searchOrganisationsByText } from '../store/repos/search-repo.ts';
import type { MetricRow, OrganisationRow } from '../store/tables.ts';
import type { UseCaseContext } from './context.ts';

/** What a search accepts: 1 to 100 characters. */
export const searchQuery = z.object({
  q: z
    .string({ error: 'give the text to search for' })
    .trim()
    .min(1, 'give the text to search for')
    .max(100, 'must be 100 characters or fewer')
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
 * Searches organisations (code, name), metrics (id, name) and the narratives the actor may read
 * (title, text) for `text`, case-insensitively (`searchEverything`), at most `searchLimit` of each,
 * best matches first.
 */
export async function searchEverything(context: UseCaseContext, text: string): Promise<SearchResults> {
  const wanted = text.trim().slice(0, 100);
  if (!wanted) return { organisations: [], metrics: [], narratives: [] };
  return {
    organisations: await searchOrganisationsByText(context.db, wanted, searchLimit),
    metrics: await searchMetricsByText(context.db, wanted, searchLimit),
    narratives: await searchNarratives(
      context.db,
      scope(context.actor, 'read', 'narrative'),
      wanted,
      searchLimit,
    ),
  };
}
