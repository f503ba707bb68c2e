/**
 * People and the things they write: role names and where a role applies, narrative and annotation
 * kinds, visibilities and publication states. Plain values with plain-English labels; imports nothing.
 */

/**
 * Roles, each held for a dated period. `member`, `contributor` and `admin` are of an organisation;
 * `system-lead` of an ICB; `oversight` of a region or of England; `facilitator` (improvement) has no
 * organisation.
 */
export const roleNames = [
  'member',
  'contributor',
  'admin',
  'system-lead',
  'oversight',
  'facilitator',
] as const;
export type RoleName = (typeof roleNames)[number];

/** Where a role grant applies. */
export const scopeKinds = ['organisation', 'system', 'region', 'england', 'none'] as const;
export type ScopeKind = (typeof scopeKinds)[number];

/** The scope each role is granted over (oversight: a region, or England). */
export const roleScopes: Record<RoleName, readonly ScopeKind[]> = {
  member: ['organisation'],
  contributor: ['organisation'],
  admin: ['organisation'],
  'system-lead': ['system'],
  oversight: ['region', 'england'],
  facilitator: ['none'],
};

export const roleLabels: Record<RoleName, string> = {
  member: 'Member',
  contributor: 'Contributor',
  admin: 'Administrator',
  'system-lead': 'System lead',
  oversight: 'Oversight',
  facilitator: 'Improvement facilitator',
};

export const narrativeKinds = [
  'metric_commentary',
  'financial_stewardship',
  'team_story',
  'patient_story',
  'listening_walk',
] as const;
export type NarrativeKind = (typeof narrativeKinds)[number];

export const narrativeKindLabels: Record<NarrativeKind, string> = {
  metric_commentary: 'Metric commentary',
  financial_stewardship: 'Financial Stewardship Narrative',
  team_story: 'Team story',
  patient_story: 'Patient story',
  listening_walk: 'Listening-walk notes',
};

export const narrativeVisibilities = ['public', 'organisation', 'named'] as const;
export type NarrativeVisibility = (typeof narrativeVisibilities)[number];

export const visibilityLabels: Record<NarrativeVisibility, string> = {
  public: 'Public',
  organisation: 'Organisation only',
  named: 'Named people only',
};

export const publicationStatuses = ['draft', 'published', 'withdrawn'] as const;
export type PublicationStatus = (typeof publicationStatuses)[number];

export const statusLabels: Record<PublicationStatus, string> = {
  draft: 'Draft',
  published: 'Published',
  withdrawn: 'Withdrawn',
};

export const annotationKinds = ['event', 'change_idea', 'data_issue', 'rebase'] as const;
export type AnnotationKind = (typeof annotationKinds)[number];

export const annotationKindLabels: Record<AnnotationKind, string> = {
  event: 'Event',
  change_idea: 'Change idea (PDSA cycle)',
  data_issue: 'Data issue',
  rebase: 'Rebase (limits recalculated)',
};

export const annotationVisibilities = ['public', 'organisation'] as const;
export type AnnotationVisibility = (typeof annotationVisibilities)[number];

/** Who may read a team's own indicator: everyone, or the organisation (the team's choice). */
export const teamIndicatorVisibilities = ['public', 'organisation'] as const;
export type TeamIndicatorVisibility = (typeof teamIndicatorVisibilities)[number];
