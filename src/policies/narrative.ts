import type { NarrativeVisibility, PublicationStatus } from '../domain/people.ts';
import { type Actor, writerOf } from './actor.ts';
import type { OrganisationContext } from './organisation-context.ts';
import { overseesOrganisation, scope } from './scope.ts';

/** A narrative (or one of its versions) as the policy sees it. */
export interface NarrativeResource {
  readonly org: OrganisationContext;
  readonly status: PublicationStatus;
  readonly visibility: NarrativeVisibility;
  readonly createdBy: number | null;
  /** The people a named-only narrative is shared with. */
  readonly readerIds: readonly number[];
}

export type NarrativeAction = 'read' | 'edit' | 'publish' | 'withdraw';

/**
 * Narrative policy (the rules are listed on `ContentScope` in `scope.ts`). Writing — create, edit,
 * publish, withdraw — needs contributor or admin of the organisation; a named-only narrative is
 * edited only by its author, so nobody else sees its text by opening the form.
 */
export function canNarrative(actor: Actor, action: NarrativeAction, narrative: NarrativeResource): boolean {
  if (actor.kind === 'operator') return true;
  if (action === 'read') return canReadContent(actor, narrative);
  if (actor.kind !== 'user') return false;
  if (!writerOf(actor).includes(narrative.org.code)) return false;
  if (narrative.visibility === 'named') return narrative.createdBy === actor.userId;
  return true;
}

/** Whether the actor may start a narrative for the organisation. */
export function canCreateNarrative(actor: Actor, orgCode: string): boolean {
  return actor.kind === 'operator' || writerOf(actor).includes(orgCode);
}

/** The read rule shared by narratives and annotations (annotations are never named-only). */
export function canReadContent(
  actor: Actor,
  item: {
    org: OrganisationContext;
    status: PublicationStatus;
    visibility: NarrativeVisibility;
    createdBy: number | null;
    readerIds?: readonly number[];
  },
): boolean {
  const content = scope(actor, 'read', 'narrative');
  if (content.everything) return true;
  if (item.status === 'published' && item.visibility === 'public') return true;
  if (content.userId !== null && item.createdBy === content.userId) return true;
  if (item.visibility === 'named')
    return (
      item.status === 'published' &&
      content.userId !== null &&
      (item.readerIds ?? []).includes(content.userId)
    );
  if (item.status === 'published') return overseesOrganisation(content, item.org);
  return content.peopleOf.includes(item.org.code);
}
