import type { EscalationRecipientKind, EscalationState, WouldRaiseAgain } from '../domain/improvement.ts';
import { type Actor, oversightOfRegions, peopleOf, systemLeadOf, writerOf } from './actor.ts';
import type { OrganisationContext } from './organisation-context.ts';
import { scope } from './scope.ts';

/**
 * Escalation policy. An escalation is a concern about performance, finance or quality that a
 * provider raises directly with its NHS England region or with an ICB it belongs to (its choice).
 *
 * Reading (the same rules as `escalationScopeFilter` in store/repos/scope-filter.ts; a test checks
 * they agree row by row): the raiser's people (member, contributor, admin); the recipient — for a
 * region, oversight of that region; for an ICB, its system lead and the ICB's own people; and the
 * operator. Nobody else: not national oversight, not other organisations, not facilitators, not
 * anonymous visitors.
 *
 * Writing: the raiser's contributors and administrators raise one, to their own region or to an ICB
 * they belong to. The recipient (oversight of the region; the ICB's system lead, contributors and
 * administrators) acknowledges and responds. Either side closes it while it is open. The raiser's
 * writers answer "would you raise a concern this way again?" — when they close it, or afterwards
 * if the recipient closed it. The operator may do everything.
 */
export interface EscalationResource {
  readonly raiserOrgCode: string;
  readonly recipientOrgCode: string;
  readonly recipientKind: EscalationRecipientKind;
  readonly state: EscalationState;
  readonly wouldRaiseAgain: WouldRaiseAgain | null;
}

export type EscalationAction = 'read' | 'acknowledge' | 'respond' | 'close' | 'answer';

/** The read rule of one escalation (`canReadEscalation`). */
export function canReadEscalation(actor: Actor, escalation: EscalationResource): boolean {
  const content = scope(actor, 'read', 'escalation');
  if (content.everything) return true;
  if (content.peopleOf.includes(escalation.raiserOrgCode)) return true;
  if (escalation.recipientKind === 'region') return content.regions.includes(escalation.recipientOrgCode);
  return (
    content.systems.includes(escalation.recipientOrgCode) ||
    content.peopleOf.includes(escalation.recipientOrgCode)
  );
}

/** Whether the actor answers for the recipient (`isEscalationRecipient`): acknowledges and responds. */
export function isEscalationRecipient(
  actor: Actor,
  recipientKind: EscalationRecipientKind,
  recipientOrgCode: string,
): boolean {
  if (actor.kind === 'operator') return true;
  if (recipientKind === 'region') return oversightOfRegions(actor).includes(recipientOrgCode);
  return systemLeadOf(actor).includes(recipientOrgCode) || writerOf(actor).includes(recipientOrgCode);
}

/** Whether the actor writes for the raiser (`isEscalationRaiser`): its contributors, admins, the operator. */
export function isEscalationRaiser(actor: Actor, raiserOrgCode: string): boolean {
  return actor.kind === 'operator' || writerOf(actor).includes(raiserOrgCode);
}

/**
 * Whether the actor may `read` an escalation, `acknowledge` it (raised), `respond` to it
 * (acknowledged), `close` it (open) or `answer` "would you raise a concern this way again?" (the
 * raiser, once the recipient has closed it and it is not yet answered) — `canEscalation`.
 */
export function canEscalation(
  actor: Actor,
  action: EscalationAction,
  escalation: EscalationResource,
): boolean {
  if (!canReadEscalation(actor, escalation)) return false;
  const recipient = isEscalationRecipient(actor, escalation.recipientKind, escalation.recipientOrgCode);
  const raiser = isEscalationRaiser(actor, escalation.raiserOrgCode);
  switch (action) {
    case 'read':
      return true;
    case 'acknowledge':
      return recipient && escalation.state === 'raised';
    case 'respond':
      return recipient && escalation.state === 'acknowledged';
    case 'close':
      return (recipient || raiser) && escalation.state !== 'closed';
    case 'answer':
      return raiser && escalation.state === 'closed' && escalation.wouldRaiseAgain === null;
  }
}

/**
 * Whether the actor may act as the recipient or the raiser at all, whatever the state
 * (`mayActOnEscalation`): what separates FORBIDDEN from CONFLICT.
 */
export function mayActOnEscalation(
  actor: Actor,
  action: Exclude<EscalationAction, 'read'>,
  escalation: EscalationResource,
): boolean {
  if (!canReadEscalation(actor, escalation)) return false;
  const recipient = isEscalationRecipient(actor, escalation.recipientKind, escalation.recipientOrgCode);
  const raiser = isEscalationRaiser(actor, escalation.raiserOrgCode);
  if (action === 'acknowledge' || action === 'respond') return recipient;
  if (action === 'close') return recipient || raiser;
  return raiser;
}

/**
 * Whether the actor may raise an escalation for the organisation (`canRaiseEscalation`): its
 * contributors and administrators, and the operator.
 */
export function canRaiseEscalation(actor: Actor, raiserOrgCode: string): boolean {
  return isEscalationRaiser(actor, raiserOrgCode);
}

/**
 * Where an organisation may send an escalation (`escalationRecipientsOf`): its region(s) and the
 * ICBs it belongs to, under either mapping.
 */
export function escalationRecipientsOf(
  org: OrganisationContext,
): { kind: EscalationRecipientKind; code: string }[] {
  return [
    ...org.regionCodes.map((code) => ({ kind: 'region' as const, code })),
    ...org.icbCodes.map((code) => ({ kind: 'icb' as const, code })),
  ];
}

/**
 * Whether the actor may open an organisation's escalations page (`canReadRaisedEscalations`): its
 * people, and those who may receive its escalations (oversight of its region, the lead and people of
 * an ICB it belongs to), who see there only what was sent to them; the operator.
 */
export function canReadRaisedEscalations(actor: Actor, org: OrganisationContext): boolean {
  if (actor.kind === 'operator') return true;
  if (peopleOf(actor).includes(org.code)) return true;
  return escalationRecipientsOf(org).some((recipient) =>
    canReadReceivedEscalations(actor, recipient.kind, recipient.code),
  );
}

/**
 * Whether the actor may open a recipient's ageing view (`canReadReceivedEscalations`): oversight of
 * the region; the system lead and people of the ICB; the operator.
 */
export function canReadReceivedEscalations(
  actor: Actor,
  recipientKind: EscalationRecipientKind,
  recipientOrgCode: string,
): boolean {
  if (actor.kind === 'operator') return true;
  if (recipientKind === 'region') return oversightOfRegions(actor).includes(recipientOrgCode);
  return systemLeadOf(actor).includes(recipientOrgCode) || peopleOf(actor).includes(recipientOrgCode);
}
