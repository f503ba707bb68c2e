/** What an organisation is. */
export type OrganisationKind =
  | 'trust'
  | 'icb'
  | 'region'
  | 'country'
  | 'group'
  | 'team'
  | 'independent_provider'
  | 'other_provider';

/**
 * How one organisation belongs to another: its ICB under the ODS geography (`icb_ods`) or NHS
 * England's performance mapping (`icb_nhse`), its region, its group (shared leadership), or, for a
 * team, the organisation it is a team of (`team_of`).
 */
export type MembershipRelation = 'icb_ods' | 'icb_nhse' | 'region' | 'group' | 'team_of';

/**
 * Whether an organisation is open on a day (`YYYY-MM-DD`): not closed, or closed after it. Closed
 * and merged organisations are left out of current lists and signals; their pages say when they
 * closed and who took over.
 *
 * @example
 * isOpenOn({ closed_on: '2020-03-31' }, '2025-06-01'); // => false
 */
export function isOpenOn(organisation: { readonly closed_on: string | null }, day: string): boolean {
  return organisation.closed_on === null || organisation.closed_on >= day;
}

const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "Closed on 31 March 2020", from a `YYYY-MM-DD` date. */
export function closedOnText(closedOn: string): string {
  return `Closed on ${longDate.format(new Date(`${closedOn}T00:00:00Z`))}`;
}
