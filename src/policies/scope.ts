import {
  type Actor,
  adminOf,
  hasNationalOversight,
  oversightOfRegions,
  peopleOf,
  systemLeadOf,
} from './actor.ts';

/**
 * What an actor may read of the content people write (narratives, annotations), as plain data a
 * repository turns into a query filter. The same rules as the per-item `can` functions in
 * `narrative.ts` and `annotation.ts` — a test checks they agree row by row — so that every list,
 * search, count, feed, CSV and API response is filtered by the one policy.
 *
 * - Published and public: everyone.
 * - Anything the actor wrote: the actor.
 * - Published, organisation only: the organisation's people (member, contributor, admin), the system
 *   lead of an ICB it belongs to, oversight of its region, national oversight.
 * - Drafts and withdrawn items (not named-only): the organisation's people.
 * - Named people only: the author and, once published, the people named.
 */
export interface ContentScope {
  /** The operator reads everything. */
  readonly everything: boolean;
  readonly userId: number | null;
  /** Organisations whose people the actor is: their drafts, withdrawn and organisation-only items. */
  readonly peopleOf: readonly string[];
  /** ICBs whose member organisations' published organisation-only items the actor reads. */
  readonly systems: readonly string[];
  /** Regions whose member organisations' published organisation-only items the actor reads. */
  readonly regions: readonly string[];
  /** National oversight: every organisation's published organisation-only items. */
  readonly england: boolean;
}

/** What the actor may read of the audit log: their organisations' entries, or everything. */
export interface AuditScope {
  readonly everything: boolean;
  readonly orgCodes: readonly string[];
}

export type ScopedResource =
  | 'narrative'
  | 'annotation'
  | 'audit'
  | 'team_indicator'
  | 'inquiry'
  | 'review'
  | 'escalation'
  | 'risk_sharing';

/**
 * `team_indicator`: which organisation-only team indicators the actor reads (public ones everyone
 * does): those of teams whose people the actor is (`peopleOf` holds team codes as well as
 * organisation codes), and of teams of organisations the actor is one of the people of or oversees.
 * `inquiry`: the same people as content, under the inquiry rules listed in `inquiry.ts`.
 * `review`: the reviewed organisation's people and those who oversee it (`review.ts`).
 * `escalation`: the raiser's people and the recipient only — oversight of the region it was sent to,
 * the lead and people of the ICB it was sent to — never national oversight (`escalation.ts`).
 * `risk_sharing`: agreed agreements everyone; drafts and open proposals the parties' people, the
 * ICB's lead and people, oversight of a party's region, national oversight (`risk-sharing.ts`).
 */
export function scope(
  actor: Actor,
  action: 'read',
  resource:
    | 'narrative'
    | 'annotation'
    | 'team_indicator'
    | 'inquiry'
    | 'review'
    | 'escalation'
    | 'risk_sharing',
): ContentScope;
export function scope(actor: Actor, action: 'read', resource: 'audit'): AuditScope;
/** The filter for every read of `resource` by `actor`. */
export function scope(actor: Actor, _action: 'read', resource: ScopedResource): ContentScope | AuditScope {
  if (resource === 'audit') {
    return { everything: actor.kind === 'operator', orgCodes: adminOf(actor) };
  }
  return {
    everything: actor.kind === 'operator',
    userId: actor.kind === 'user' ? actor.userId : null,
    peopleOf: peopleOf(actor),
    systems: systemLeadOf(actor),
    regions: oversightOfRegions(actor),
    england: hasNationalOversight(actor),
  };
}

/** Whether a content scope reads published organisation-only items of an organisation in this context. */
export function overseesOrganisation(
  content: ContentScope,
  org: { code: string; icbCodes: readonly string[]; regionCodes: readonly string[] },
): boolean {
  return (
    content.england ||
    content.peopleOf.includes(org.code) ||
    org.icbCodes.some((icb) => content.systems.includes(icb)) ||
    org.regionCodes.some((region) => content.regions.includes(region))
  );
}

/**
 * What an actor may read of the improvement directory (`directory-entry.ts`), as plain data for
 * `directoryScopeFilter`: published and stale entries everyone; the rest curators (facilitators,
 * national oversight, the operator) and the entry organisation's people.
 */
export interface DirectoryScope {
  readonly everything: boolean;
  readonly peopleOf: readonly string[];
}

/** The directory's read filter for `actor`. */
export function directoryScope(actor: Actor): DirectoryScope {
  const curator =
    actor.kind === 'operator' ||
    hasNationalOversight(actor) ||
    (actor.kind === 'user' && actor.grants.some((grant) => grant.role === 'facilitator'));
  return { everything: curator, peopleOf: peopleOf(actor) };
}
