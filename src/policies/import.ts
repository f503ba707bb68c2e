import { type Actor, hasNationalOversight } from './actor.ts';
import { canTeam, type TeamResource } from './team.ts';

/**
 * Import policy. A file can hold any organisation's figures, and an import replaces published values
 * for every organisation in it, so importing is for the command-line operator and, on the web, for
 * people with national (England) oversight — never an organisation's own roles, which would let one
 * organisation change another's numbers.
 */
export function canImport(actor: Actor): boolean {
  return actor.kind === 'operator' || hasNationalOversight(actor);
}

/** What a file's rows touch: organisations' published figures, and teams' own indicators. */
export interface ImportedRows {
  /** Whether any row is an organisation's figure rather than a team's own indicator. */
  readonly organisationRows: boolean;
  /** The teams whose indicators the rows give values of. */
  readonly teams: readonly TeamResource[];
}

/**
 * Whether the actor may import a file with these rows: anyone who may import (`canImport`); and a
 * file holding only teams' own indicators, for those who enter values for every team in it (the
 * team's contributors and admins, the admins of the organisation it belongs to).
 */
export function canImportRows(actor: Actor, rows: ImportedRows): boolean {
  if (canImport(actor)) return true;
  return (
    !rows.organisationRows &&
    rows.teams.length > 0 &&
    rows.teams.every((team) => canTeam(actor, 'enter-values', team))
  );
}

/**
 * Whether the actor may send a file at all (checked before it is read): anyone who may import, and
 * anyone who enters values for one of `teams`; the rows are checked with `canImportRows` once read.
 */
export function canStartImport(actor: Actor, teams: readonly TeamResource[]): boolean {
  return canImport(actor) || teams.some((team) => canTeam(actor, 'enter-values', team));
}
