import type { ConsentScope, EntrySource, EntryState } from '../domain/improvement.ts';
import { type Actor, hasNationalOversight, isFacilitator, peopleOf, writerOf } from './actor.ts';

/**
 * Improvement directory policy. An entry belongs to one organisation (or team).
 *
 * Reading (the same rules as `directoryScopeFilter` in store/repos/scope-filter.ts; a test checks
 * they agree row by row):
 * - published and stale entries: everyone;
 * - candidate, invited and withdrawn entries: improvement facilitators, national oversight, the
 *   operator, and the entry organisation's people (member, contributor, admin).
 *
 * Writing: facilitators, national oversight and the operator curate every entry (invite, publish,
 * record contacts, new versions, change ideas, adoptions, withdraw). An organisation's contributors
 * and admins nominate their own organisation and edit their own nominations until they are published.
 *
 * Contacts' email addresses: a `public` consent lets anyone see the address; `signed_in` only people
 * signed in to Tend (never an anonymous visitor).
 */
export interface DirectoryEntryResource {
  readonly orgCode: string;
  readonly state: EntryState;
  readonly source: EntrySource;
}

/** `read` an entry, `curate` it (any change, publishing included), or `edit` it as a nomination. */
export type DirectoryEntryAction = 'read' | 'curate' | 'edit';

/** Entry states everyone reads. */
export const publicEntryStates: readonly EntryState[] = ['published', 'stale'];

/** Whether the actor curates the directory: facilitators, national oversight, the operator. */
export function curatesDirectory(actor: Actor): boolean {
  return actor.kind === 'operator' || isFacilitator(actor) || hasNationalOversight(actor);
}

/** Whether the actor may do `action` to the entry (`canDirectoryEntry`). */
export function canDirectoryEntry(
  actor: Actor,
  action: DirectoryEntryAction,
  entry: DirectoryEntryResource,
): boolean {
  const readable =
    publicEntryStates.includes(entry.state) ||
    curatesDirectory(actor) ||
    peopleOf(actor).includes(entry.orgCode);
  if (!readable) return false;
  if (action === 'read') return true;
  if (curatesDirectory(actor)) return true;
  if (action === 'curate') return false;
  return (
    entry.source !== 'facilitator' &&
    (entry.state === 'candidate' || entry.state === 'invited') &&
    writerOf(actor).includes(entry.orgCode)
  );
}

/** Whether the actor may add an entry for the organisation: curators, or its own contributors and admins as a nomination. */
export function canNominate(actor: Actor, orgCode: string): boolean {
  return curatesDirectory(actor) || writerOf(actor).includes(orgCode);
}

/** Whether the actor may record that `orgCode` adopted an entry's idea: curators, or its own contributors and admins. */
export function canRecordAdoption(actor: Actor, orgCode: string): boolean {
  return curatesDirectory(actor) || writerOf(actor).includes(orgCode);
}

/** Whether the actor may see a contact's email address under its consent. */
export function canSeeContactEmail(actor: Actor, consent: ConsentScope): boolean {
  return consent === 'public' || actor.kind !== 'anonymous';
}
