import type { AnnotationVisibility, PublicationStatus } from '../domain/people.ts';
import { type Actor, writerOf } from './actor.ts';
import { canReadContent } from './narrative.ts';
import type { OrganisationContext } from './organisation-context.ts';

/** An annotation as the policy sees it. */
export interface AnnotationResource {
  readonly org: OrganisationContext;
  readonly status: PublicationStatus;
  readonly visibility: AnnotationVisibility;
  readonly createdBy: number | null;
}

export type AnnotationAction = 'read' | 'edit' | 'publish' | 'withdraw';

/**
 * Annotation policy: read as narratives are (`ContentScope` in `scope.ts`); written by the
 * organisation's contributors and admins. A rebase is an annotation and follows the same rule.
 */
export function canAnnotation(
  actor: Actor,
  action: AnnotationAction,
  annotation: AnnotationResource,
): boolean {
  if (actor.kind === 'operator') return true;
  if (action === 'read') return canReadContent(actor, annotation);
  return writerOf(actor).includes(annotation.org.code);
}

/** Whether the actor may annotate the organisation's series. */
export function canCreateAnnotation(actor: Actor, orgCode: string): boolean {
  return actor.kind === 'operator' || writerOf(actor).includes(orgCode);
}
