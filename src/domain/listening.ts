/** Listening inquiries: their kinds, the groups of people who take part, and the states they move through. */

export const listeningKinds = ['inquiry', 'assembly'] as const;
export type ListeningKind = (typeof listeningKinds)[number];

export const listeningKindLabels: Record<ListeningKind, string> = {
  inquiry: 'Listening inquiry',
  assembly: 'Listening assembly',
};

export const participantGroups = ['staff', 'patients', 'families', 'community'] as const;
export type ParticipantGroup = (typeof participantGroups)[number];

export const participantGroupLabels: Record<ParticipantGroup, string> = {
  staff: 'Staff',
  patients: 'Patients',
  families: 'Families and carers',
  community: 'Community and voluntary groups',
};

export const listeningStates = ['draft', 'published', 'reported_back'] as const;
export type ListeningState = (typeof listeningStates)[number];

export const listeningStateLabels: Record<ListeningState, string> = {
  draft: 'Draft',
  published: 'Published',
  reported_back: 'Reported back',
};

/** Whether a published inquiry's report-back date has passed on `day` without a report back (`isReportBackOverdue`). */
export function isReportBackOverdue(
  inquiry: { state: ListeningState; reportBackBy: string | null },
  day: string,
): boolean {
  return inquiry.state === 'published' && inquiry.reportBackBy !== null && inquiry.reportBackBy < day;
}
