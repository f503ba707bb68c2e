import type { ListeningState } from '../domain/listening.ts';
import type { OrganisationKind } from '../domain/organisation.ts';
import { type Actor, systemLeadOf, writerOf } from './actor.ts';

/**
 * Listening inquiry policy. An inquiry is convened by an organisation, a place or an ICB (a system's
 * listening assembly is an inquiry of kind 'assembly', convened by its ICB).
 *
 * Reading: a published or reported-back inquiry — its question, who took part, the themes heard,
 * what will change and the report back — is public. A draft is the convenor's. The convenor's raw
 * notes are read only by the convening organisation's people who may write for it (its contributors
 * and administrators; for an ICB, also its system lead) and the operator: never by oversight, other
 * organisations, counts, search or downloads. A quote is public only when consent to quote it was
 * recorded and the inquiry is published; otherwise only the convenor's writers see it.
 *
 * Writing (creating, publishing, reporting back): the convenor's writers and the operator.
 */

/** An inquiry as the policy sees it. */
export interface ListeningResource {
  readonly convenorOrgCode: string;
  readonly convenorKind: OrganisationKind;
  readonly state: ListeningState;
}

/** Whether the actor writes for the convening organisation (`isConvenorWriter`). */
export function isConvenorWriter(
  actor: Actor,
  convenor: Pick<ListeningResource, 'convenorOrgCode' | 'convenorKind'>,
): boolean {
  if (actor.kind === 'operator') return true;
  if (writerOf(actor).includes(convenor.convenorOrgCode)) return true;
  return convenor.convenorKind === 'icb' && systemLeadOf(actor).includes(convenor.convenorOrgCode);
}

/** Whether the actor may convene for some organisation at all (`mayConveneAnywhere`). */
export function mayConveneAnywhere(actor: Actor): boolean {
  return actor.kind === 'operator' || writerOf(actor).length > 0 || systemLeadOf(actor).length > 0;
}

/** Whether the actor may read the inquiry (`canReadListening`): published ones everyone, drafts the convenor's writers. */
export function canReadListening(actor: Actor, inquiry: ListeningResource): boolean {
  return inquiry.state !== 'draft' || isConvenorWriter(actor, inquiry);
}

/** Whether the actor may read the convenor's raw notes (`canReadRawNotes`). */
export function canReadRawNotes(actor: Actor, inquiry: ListeningResource): boolean {
  return isConvenorWriter(actor, inquiry);
}

/** Whether the actor may see a quote (`canReadQuote`): with consent once published; otherwise the convenor's writers. */
export function canReadQuote(
  actor: Actor,
  inquiry: ListeningResource,
  quote: { consentRecorded: boolean },
): boolean {
  if (isConvenorWriter(actor, inquiry)) return true;
  return quote.consentRecorded && inquiry.state !== 'draft';
}

/** Whether the actor may publish the inquiry now (`canPublishListening`): a draft, by the convenor's writers. */
export function canPublishListening(actor: Actor, inquiry: ListeningResource): boolean {
  return isConvenorWriter(actor, inquiry) && inquiry.state === 'draft';
}

/** Whether the actor may report back now (`canReportBack`): a published inquiry, by the convenor's writers. */
export function canReportBack(actor: Actor, inquiry: ListeningResource): boolean {
  return isConvenorWriter(actor, inquiry) && inquiry.state === 'published';
}

/** What an actor may read of inquiries as plain data for the repository's filter. */
export interface ListeningScope {
  readonly everything: boolean;
  /** Organisations whose drafts the actor reads (as their writer). */
  readonly convenorOf: readonly string[];
}

/** The read filter of inquiries for `actor` (`listeningScope`). */
export function listeningScope(actor: Actor): ListeningScope {
  return {
    everything: actor.kind === 'operator',
    convenorOf: [...new Set([...writerOf(actor), ...systemLeadOf(actor)])].sort(),
  };
}
