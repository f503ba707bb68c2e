import { type Actor, hasNationalOversight } from './actor.ts';

/**
 * Import policy. A file can hold any organisation's figures, and an import replaces published values
 * for every organisation in it, so importing is for the command-line operator and, on the web, for
 * people with national (England) oversight — never an organisation's own roles, which would let one
 * organisation change another's numbers.
 */
export function canImport(actor: Actor): boolean {
  return actor.kind === 'operator' || hasNationalOversight(actor);
}
