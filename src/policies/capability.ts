import { type Actor, writerOf } from './actor.ts';
import type { OrganisationContext } from './organisation-context.ts';
import { overseesOrganisation, scope } from './scope.ts';

/**
 * NHS IMPACT capability self-assessment policy. An assessment is the organisation's own view of its
 * improvement capability; it informs the offers of help and the review conversation, so it is read
 * by the same audience as reviews (`review.ts`): the organisation's people (member, contributor,
 * admin) and those who oversee it — oversight of its region, national oversight, the system lead of
 * an ICB it belongs to — and the operator. Not other organisations, not anonymous visitors.
 *
 * Writing a new assessment: the organisation's contributors and administrators, and the operator.
 */

/** Whether the actor may read the organisation's capability assessments (`canReadCapability`). */
export function canReadCapability(actor: Actor, org: OrganisationContext): boolean {
  const content = scope(actor, 'read', 'review');
  return content.everything || overseesOrganisation(content, org);
}

/** Whether the actor may record a capability assessment for the organisation (`canWriteCapability`). */
export function canWriteCapability(actor: Actor, org: Pick<OrganisationContext, 'code'>): boolean {
  return actor.kind === 'operator' || writerOf(actor).includes(org.code);
}
