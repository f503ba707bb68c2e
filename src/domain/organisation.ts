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
 * England's performance mapping (`icb_nhse`), its region, or its group (shared leadership).
 */
export type MembershipRelation = 'icb_ods' | 'icb_nhse' | 'region' | 'group';
