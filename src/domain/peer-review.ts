/**
 * Peer review between organisations: one organisation (the host) invites people from others to
 * review it, either on its culture, relationships and integrity, or on a service using the 15 Steps
 * themes. The stages run scoping → peer team → on-site days → findings → report and action plan
 * (published within three months of the on-site days) → progress review (about ten months later).
 */

export const peerReviewFocuses = ['culture', 'service'] as const;
export type PeerReviewFocus = (typeof peerReviewFocuses)[number];

export const peerReviewFocusLabels: Record<PeerReviewFocus, string> = {
  culture: 'Culture, relationships and integrity',
  service: 'A service, using the 15 Steps themes',
};

export const peerReviewThemes = [
  'culture',
  'relationships',
  'integrity',
  'welcoming',
  'safe',
  'caring_involving',
  'well_organised_calm',
] as const;
export type PeerReviewTheme = (typeof peerReviewThemes)[number];

export const peerReviewThemeLabels: Record<PeerReviewTheme, string> = {
  culture: 'Culture',
  relationships: 'Relationships',
  integrity: 'Integrity',
  welcoming: 'Welcoming',
  safe: 'Safe',
  caring_involving: 'Caring and involving',
  well_organised_calm: 'Well organised and calm',
};

/** The themes a review of each focus reports on (`themesOf`). */
export function themesOf(focus: PeerReviewFocus): readonly PeerReviewTheme[] {
  return focus === 'culture'
    ? ['culture', 'relationships', 'integrity']
    : ['welcoming', 'safe', 'caring_involving', 'well_organised_calm'];
}

export const peerReviewStages = [
  'scoping',
  'team',
  'on_site',
  'findings',
  'report_published',
  'progress_published',
] as const;
export type PeerReviewStage = (typeof peerReviewStages)[number];

export const peerReviewStageLabels: Record<PeerReviewStage, string> = {
  scoping: 'Scoping',
  team: 'Peer team',
  on_site: 'On-site days confirmed',
  findings: 'Findings',
  report_published: 'Report and action plan published',
  progress_published: 'Progress review published',
};

/** Whether `stage` is at or past `other` (`stageReached`). */
export function stageReached(stage: PeerReviewStage, other: PeerReviewStage): boolean {
  return peerReviewStages.indexOf(stage) >= peerReviewStages.indexOf(other);
}

export const peerTeamRoles = ['lead', 'clinician', 'manager', 'patient', 'lay'] as const;
export type PeerTeamRole = (typeof peerTeamRoles)[number];

export const peerTeamRoleLabels: Record<PeerTeamRole, string> = {
  lead: 'Review lead',
  clinician: 'Clinical peer',
  manager: 'Management peer',
  patient: 'Patient member',
  lay: 'Lay member',
};

/** Whether a role is a patient or lay member, of whom the team needs at least one (`isPatientOrLay`). */
export function isPatientOrLay(role: PeerTeamRole): boolean {
  return role === 'patient' || role === 'lay';
}

export const peerTeamStates = ['invited', 'accepted', 'declined', 'named'] as const;
/** invited/accepted/declined: a Tend user of another organisation; named: a person without an account. */
export type PeerTeamState = (typeof peerTeamStates)[number];

export const peerFindingKinds = ['finding', 'recommendation'] as const;
export type PeerFindingKind = (typeof peerFindingKinds)[number];

/** The dated stages reminders are sent for. */
export const peerReviewDeadlines = ['scoping_by', 'on_site_from', 'report_due', 'progress_due'] as const;
export type PeerReviewDeadline = (typeof peerReviewDeadlines)[number];

export const peerReviewDeadlineLabels: Record<PeerReviewDeadline, string> = {
  scoping_by: 'Scoping',
  on_site_from: 'The on-site days',
  report_due: 'The report and action plan',
  progress_due: 'The progress review',
};

/** The stage that marks a deadline done (`deadlineDoneAt`). */
export const deadlineDoneAt: Record<PeerReviewDeadline, PeerReviewStage> = {
  scoping_by: 'team',
  on_site_from: 'findings',
  report_due: 'report_published',
  progress_due: 'progress_published',
};

/** Days before a stage date that a reminder goes out. */
export const reminderDaysBefore = 14;

/** The ISO date `months` calendar months after `day`, clamped to the month's end (`addMonths`). */
export function addMonths(day: string, months: number): string {
  const [year, month, date] = day.split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date, last));
  return target.toISOString().slice(0, 10);
}

/** The ISO date `days` days after `day` (`addDaysTo`). */
export function addDaysTo(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
