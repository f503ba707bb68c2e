import type { Kysely } from 'kysely';
import {
  type FollowThroughCountsRow,
  followThroughCounts,
  reviewedOrganisationParents,
} from '../../store/repos/follow-up-repo.ts';
import type { Database } from '../../store/tables.ts';

/**
 * Follow-through, both ways, in public (counts and shares only, never text): for an organisation,
 * a system (ICB), a region or England — the agreed actions done on time, the offers of help taken
 * up, the follow-ups answered, and the oversight side's own record of coming back when it said it
 * would (follow-ups asked on or before their due date + 1 day, out of those due).
 */
export interface FollowThroughFigures {
  readonly organisations: number;
  readonly actionsDue: number;
  readonly actionsDoneOnTime: number;
  readonly offersMade: number;
  readonly offersAccepted: number;
  readonly followUpsDue: number;
  readonly followUpsAnswered: number;
  readonly followUpsAskedOnTime: number;
}

export interface FollowThroughOrganisation {
  readonly code: string;
  readonly name: string;
  readonly figures: FollowThroughFigures;
}

/** Every level's figures on one day. */
export interface FollowThrough {
  readonly day: string;
  readonly england: FollowThroughFigures;
  readonly organisations: readonly FollowThroughOrganisation[];
  readonly systems: ReadonlyMap<string, FollowThroughFigures>;
  readonly regions: ReadonlyMap<string, FollowThroughFigures>;
}

export const noFollowThrough: FollowThroughFigures = Object.freeze({
  organisations: 0,
  actionsDue: 0,
  actionsDoneOnTime: 0,
  offersMade: 0,
  offersAccepted: 0,
  followUpsDue: 0,
  followUpsAnswered: 0,
  followUpsAskedOnTime: 0,
});

function fromRow(row: FollowThroughCountsRow): FollowThroughFigures {
  return {
    organisations: 1,
    actionsDue: row.actions_due,
    actionsDoneOnTime: row.actions_done_on_time,
    offersMade: row.offers_made,
    offersAccepted: row.offers_accepted,
    followUpsDue: row.follow_ups_due,
    followUpsAnswered: row.follow_ups_answered,
    followUpsAskedOnTime: row.follow_ups_asked_on_time,
  };
}

/** The sum of figures (`addFollowThrough`). */
export function addFollowThrough(a: FollowThroughFigures, b: FollowThroughFigures): FollowThroughFigures {
  return {
    organisations: a.organisations + b.organisations,
    actionsDue: a.actionsDue + b.actionsDue,
    actionsDoneOnTime: a.actionsDoneOnTime + b.actionsDoneOnTime,
    offersMade: a.offersMade + b.offersMade,
    offersAccepted: a.offersAccepted + b.offersAccepted,
    followUpsDue: a.followUpsDue + b.followUpsDue,
    followUpsAnswered: a.followUpsAnswered + b.followUpsAnswered,
    followUpsAskedOnTime: a.followUpsAskedOnTime + b.followUpsAskedOnTime,
  };
}

/** A share as a whole percentage, or null when there is nothing to share (`shareOf`). */
export function shareOf(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((100 * part) / whole);
}

/**
 * The follow-through figures of every reviewed organisation on `day`, summed for each ICB it
 * belongs to (under either mapping, counted once), its region and England (`followThrough`).
 */
export async function followThrough(db: Kysely<Database>, day: string): Promise<FollowThrough> {
  const counts = await followThroughCounts(db, day);
  const parents = await reviewedOrganisationParents(db);
  const names = new Map(parents.map((row) => [row.member_code, row.member_name]));
  const systems = new Map<string, FollowThroughFigures>();
  const regions = new Map<string, FollowThroughFigures>();
  let england = noFollowThrough;
  const organisations: FollowThroughOrganisation[] = [];
  for (const row of counts) {
    const figures = fromRow(row);
    organisations.push({ code: row.org_code, name: names.get(row.org_code) ?? row.org_code, figures });
    england = addFollowThrough(england, figures);
    const mine = parents.filter((parent) => parent.member_code === row.org_code);
    const icbs = new Set(
      mine.filter((each) => each.relation.startsWith('icb_')).map((each) => each.parent_code),
    );
    const ownRegions = new Set(
      mine.filter((each) => each.relation === 'region').map((each) => each.parent_code),
    );
    for (const icb of icbs) systems.set(icb, addFollowThrough(systems.get(icb) ?? noFollowThrough, figures));
    for (const region of ownRegions)
      regions.set(region, addFollowThrough(regions.get(region) ?? noFollowThrough, figures));
  }
  organisations.sort((a, b) => a.name.localeCompare(b.name));
  return { day, england, organisations, systems, regions };
}

/** One line of figures as a page or CSV shows them: each count with its share. */
export interface FollowThroughLine {
  readonly label: string;
  readonly part: number;
  readonly whole: number;
  readonly share: number | null;
}

/** The four follow-through measures in words (`followThroughLines`). */
export function followThroughLines(figures: FollowThroughFigures): FollowThroughLine[] {
  const line = (label: string, part: number, whole: number) => ({
    label,
    part,
    whole,
    share: shareOf(part, whole),
  });
  return [
    line('Agreed actions done on time', figures.actionsDoneOnTime, figures.actionsDue),
    line('Offers of help taken up', figures.offersAccepted, figures.offersMade),
    line('Follow-ups answered', figures.followUpsAnswered, figures.followUpsDue),
    line(
      'Follow-ups asked when the overseer said they would be',
      figures.followUpsAskedOnTime,
      figures.followUpsDue,
    ),
  ];
}
