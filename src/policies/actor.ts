import type { RoleName, ScopeKind } from '../domain/people.ts';

/** One role a person holds, over a scope, from `validFrom` until (not including) `validTo`; null: open-ended. */
export interface Grant {
  readonly role: RoleName;
  readonly scopeKind: ScopeKind;
  readonly scopeCode: string | null;
  readonly validFrom: string;
  readonly validTo: string | null;
}

/**
 * Who is asking. Anonymous visitors read what is published; a signed-in user acts through the
 * grants in force today; the operator is someone at the command line with the store's credentials,
 * who can do anything and is named in the audit log as such.
 */
export type Actor =
  | { readonly kind: 'anonymous' }
  | {
      readonly kind: 'user';
      readonly userId: number;
      readonly email: string;
      readonly name: string;
      /** Grants in force on the day the actor was loaded. */
      readonly grants: readonly Grant[];
      readonly via: 'session' | 'token';
    }
  | { readonly kind: 'operator'; readonly label: string };

export const anonymous: Actor = Object.freeze({ kind: 'anonymous' });

/** The command-line operator, labelled for the audit log (`cli`, `demo`, `cli:alice`). */
export function operator(label = 'cli'): Actor {
  return Object.freeze({ kind: 'operator', label });
}

/** The grants in force on `day` (ISO date). */
export function grantsInForce(grants: readonly Grant[], day: string): Grant[] {
  return grants.filter((grant) => grant.validFrom <= day && (grant.validTo === null || grant.validTo > day));
}

/** How the audit log names an actor. */
export function actorLabel(actor: Actor): string {
  if (actor.kind === 'anonymous') return 'anonymous';
  if (actor.kind === 'operator') return actor.label;
  return `user:${actor.userId} ${actor.email}`;
}

/** The user id behind an actor, or null. */
export function actorUserId(actor: Actor): number | null {
  return actor.kind === 'user' ? actor.userId : null;
}

function codesWith(actor: Actor, roles: readonly RoleName[], scopeKind: ScopeKind): string[] {
  if (actor.kind !== 'user') return [];
  return [
    ...new Set(
      actor.grants
        .filter((grant) => roles.includes(grant.role) && grant.scopeKind === scopeKind && grant.scopeCode)
        .map((grant) => grant.scopeCode as string),
    ),
  ].sort();
}

/** Organisations where the actor is a member, contributor or admin: "the organisation's people". */
export function peopleOf(actor: Actor): string[] {
  return codesWith(actor, ['member', 'contributor', 'admin'], 'organisation');
}

/** Organisations the actor writes for (contributor or admin). */
export function writerOf(actor: Actor): string[] {
  return codesWith(actor, ['contributor', 'admin'], 'organisation');
}

/** Organisations the actor administers. */
export function adminOf(actor: Actor): string[] {
  return codesWith(actor, ['admin'], 'organisation');
}

/** ICBs the actor leads as system lead. */
export function systemLeadOf(actor: Actor): string[] {
  return codesWith(actor, ['system-lead'], 'system');
}

/** Regions the actor oversees. */
export function oversightOfRegions(actor: Actor): string[] {
  return codesWith(actor, ['oversight'], 'region');
}

/** Whether the actor holds national (England) oversight. */
export function hasNationalOversight(actor: Actor): boolean {
  return (
    actor.kind === 'user' &&
    actor.grants.some((grant) => grant.role === 'oversight' && grant.scopeKind === 'england')
  );
}

/** Whether the actor is an improvement facilitator. */
export function isFacilitator(actor: Actor): boolean {
  return actor.kind === 'user' && actor.grants.some((grant) => grant.role === 'facilitator');
}
