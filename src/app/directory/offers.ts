import type { Kysely } from 'kysely';
import { canSeeContactEmail } from '../../policies/directory-entry.ts';
import { directoryScope } from '../../policies/scope.ts';
import {
  entryChangeIdeas,
  entryContacts,
  listDirectoryEntries,
  organisationPlaces,
} from '../../store/repos/directory-repo.ts';
import type { Database } from '../../store/tables.ts';
import type { UseCaseContext } from '../context.ts';
import { computeMetricCandidates, describeImprovement } from './candidates.ts';
import { entryImprovementText } from './entry-text.ts';

/** One offer of help for a concern: a published (or stale) directory entry, or a computed candidate. */
export interface OfferOfHelp {
  readonly kind: 'entry' | 'candidate';
  readonly entryId: number | null;
  readonly orgCode: string;
  readonly orgName: string;
  readonly metricId: string;
  /** The entry's title, or "Improved <metric name>" for a candidate. */
  readonly title: string;
  readonly nearness: Nearness;
  /** Plain English, e.g. "from 61.2% to 70.4% between April 2024 and March 2025". */
  readonly improvement: string;
  /** The email is null when the contact's consent does not let this reader see it. */
  readonly contacts: readonly { name: string; role: string; email: string | null }[];
  readonly changeIdeas: readonly { id: number; name: string }[];
  /** The entry's page, or the organisation's chart for a candidate. */
  readonly href: string;
}

/** How near an offering organisation is to the one with the concern, nearest first. */
export const nearnesses = ['same_system', 'same_region', 'same_type', 'elsewhere'] as const;
export type Nearness = (typeof nearnesses)[number];

export const nearnessLabels: Readonly<Record<Nearness, string>> = {
  same_system: 'In the same integrated care system',
  same_region: 'In the same NHS England region',
  same_type: 'A trust of the same type',
  elsewhere: 'Elsewhere in England',
};

interface Place {
  name: string;
  trustType: string | null;
  icbs: Set<string>;
  regions: Set<string>;
}

/** Where each organisation sits: its ICBs, regions and trust type. */
export async function placesOf(db: Kysely<Database>, codes: readonly string[]): Promise<Map<string, Place>> {
  const places = new Map<string, Place>();
  for (const row of await organisationPlaces(db, codes)) {
    let place = places.get(row.code);
    if (!place) {
      place = { name: row.name, trustType: row.trust_type, icbs: new Set(), regions: new Set() };
      places.set(row.code, place);
    }
    if (row.parent_code && row.relation === 'region') place.regions.add(row.parent_code);
    else if (row.parent_code) place.icbs.add(row.parent_code);
  }
  return places;
}

/** How near `other` is to `self`: the same ICB, the same region, the same trust type, or elsewhere. */
export function nearnessOf(self: Place | undefined, other: Place | undefined): Nearness {
  if (!self || !other) return 'elsewhere';
  if ([...other.icbs].some((icb) => self.icbs.has(icb))) return 'same_system';
  if ([...other.regions].some((region) => self.regions.has(region))) return 'same_region';
  if (self.trustType && other.trustType === self.trustType) return 'same_type';
  return 'elsewhere';
}

const rank = (nearness: Nearness) => nearnesses.indexOf(nearness);

/**
 * Offers of help for one organisation's concern on one metric (`offersOfHelp`): published (and
 * stale) directory entries on the metric first, nearest peers first, then computed candidates marked
 * as such (in their ranking, nearest first); never the organisation itself, and a candidate only
 * where no entry of its organisation is already offered. Contacts' emails follow their consent
 * for this reader. At most `limit` (default 3).
 */
export async function offersOfHelp(
  ctx: UseCaseContext,
  input: { orgCode: string; metricId: string; limit?: number },
): Promise<OfferOfHelp[]> {
  const limit = input.limit ?? 3;
  const orgCode = input.orgCode.toUpperCase();
  const entries = (
    await listDirectoryEntries(ctx.db, directoryScope(ctx.actor), {
      metricId: input.metricId,
      states: ['published', 'stale'],
    })
  ).filter((entry) => entry.org_code !== orgCode);
  const found = await computeMetricCandidates(ctx.db, input.metricId);
  const offered = new Set(entries.map((entry) => entry.org_code));
  const candidates = found.candidates.filter(
    (candidate) => candidate.code !== orgCode && !offered.has(candidate.code),
  );
  const places = await placesOf(ctx.db, [
    orgCode,
    ...entries.map((entry) => entry.org_code),
    ...candidates.map((candidate) => candidate.code),
  ]);
  const self = places.get(orgCode);
  const entryOffers = entries
    .map((entry) => ({ entry, nearness: nearnessOf(self, places.get(entry.org_code)) }))
    .sort(
      (a, b) =>
        rank(a.nearness) - rank(b.nearness) ||
        (a.entry.published_at?.getTime() ?? 0) - (b.entry.published_at?.getTime() ?? 0) ||
        a.entry.id - b.entry.id,
    )
    .slice(0, limit);
  const ids = entryOffers.map(({ entry }) => entry.id);
  const contacts = await entryContacts(ctx.db, ids);
  const ideas = await entryChangeIdeas(ctx.db, ids);
  const offers: OfferOfHelp[] = entryOffers.map(({ entry, nearness }) => ({
    kind: 'entry',
    entryId: entry.id,
    orgCode: entry.org_code,
    orgName: entry.org_name,
    metricId: input.metricId,
    title: entry.title,
    nearness,
    improvement: entryImprovementText(entry, input.metricId),
    contacts: contacts
      .filter((contact) => contact.entry_id === entry.id)
      .map((contact) => ({
        name: contact.name,
        role: contact.role,
        email: canSeeContactEmail(ctx.actor, contact.consent_scope) ? contact.email : null,
      })),
    changeIdeas: ideas
      .filter((idea) => idea.entry_id === entry.id)
      .map((idea) => ({ id: idea.id, name: idea.name })),
    href: `/improvement/entries/${entry.id}`,
  }));
  const candidateOffers = candidates
    .map((candidate, order) => ({
      candidate,
      order,
      nearness: nearnessOf(self, places.get(candidate.code)),
    }))
    .sort((a, b) => rank(a.nearness) - rank(b.nearness) || a.order - b.order);
  for (const { candidate, nearness } of candidateOffers) {
    if (offers.length >= limit) break;
    offers.push({
      kind: 'candidate',
      entryId: null,
      orgCode: candidate.code,
      orgName: candidate.name,
      metricId: input.metricId,
      title: `Improved ${found.metric.name}`,
      nearness,
      improvement: describeImprovement(candidate, found.readOn, found.granularity),
      contacts: [],
      changeIdeas: [],
      href: `/organisations/${encodeURIComponent(candidate.code)}/metrics/${encodeURIComponent(found.readOn.id)}`,
    });
  }
  return offers;
}
