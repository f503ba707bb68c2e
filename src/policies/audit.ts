import { type Actor, adminOf } from './actor.ts';

/** Audit policy: an organisation's admins read its entries; the operator reads all of them. */
export function canReadAudit(actor: Actor, orgCode: string | null): boolean {
  if (actor.kind === 'operator') return true;
  return orgCode !== null && adminOf(actor).includes(orgCode);
}

/** Whether the actor may open any audit page at all (admin of at least one organisation). */
export function canReadAnyAudit(actor: Actor): boolean {
  return actor.kind === 'operator' || adminOf(actor).length > 0;
}
