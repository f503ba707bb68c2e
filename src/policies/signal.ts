import { type Actor, hasNationalOversight, oversightOfRegions, systemLeadOf, writerOf } from './actor.ts';
import type { OrganisationContext } from './organisation-context.ts';

/** A signal as the policy sees it: the organisation it is about (for a team's indicator, the team's organisation) and the team, if any. */
export interface SignalResource {
  /** The organisation the signal belongs to, with its ICBs and region; for a team, the team's organisation. */
  readonly org: OrganisationContext;
  /** The team whose indicator signalled, when it is a team's. */
  readonly teamCode: string | null;
}

/**
 * Who may move a signal through its lifecycle (acknowledge it, record it as understood or as a
 * question about the data, close it): the organisation's contributors and admins (and, for a team's
 * indicator, the team's), and those who oversee the organisation — the system lead of an ICB it
 * belongs to, oversight of its region, national oversight. Members read but do not change it.
 * Reading a signal is the reading of its metric: public for national metrics, and for a team's
 * indicator whatever that indicator's visibility allows (`policies/team-indicator.ts`).
 */
export function canChangeSignalStatus(actor: Actor, signal: SignalResource): boolean {
  if (actor.kind === 'operator') return true;
  if (actor.kind !== 'user') return false;
  const writes = writerOf(actor);
  if (writes.includes(signal.org.code)) return true;
  if (signal.teamCode !== null && writes.includes(signal.teamCode)) return true;
  if (hasNationalOversight(actor)) return true;
  if (signal.org.icbCodes.some((icb) => systemLeadOf(actor).includes(icb))) return true;
  return signal.org.regionCodes.some((region) => oversightOfRegions(actor).includes(region));
}
