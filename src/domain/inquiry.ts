/**
 * Inquiries and learning reviews: their kinds, states, closing reasons and the prompt-set domains
 * that choose the questions an inquiry opens with. Plain values with plain-English labels, and the
 * mapping from a metric's domain to a prompt set. Imports nothing.
 */

export const inquiryKinds = ['inquiry', 'learning_review'] as const;
export type InquiryKind = (typeof inquiryKinds)[number];

export const inquiryKindLabels: Record<InquiryKind, string> = {
  inquiry: 'Inquiry',
  learning_review: 'Learning review',
};

/**
 * An inquiry's states, in order. `invited` and `declined` come before an organisation owns it: an
 * oversight user or system lead invites, the organisation accepts (opened) or declines with a reason.
 */
export const inquiryStates = [
  'invited',
  'declined',
  'opened',
  'gathering',
  'sense_making',
  'actions_agreed',
  'closed',
] as const;
export type InquiryState = (typeof inquiryStates)[number];

export const inquiryStateLabels: Record<InquiryState, string> = {
  invited: 'Invited',
  declined: 'Declined',
  opened: 'Opened',
  gathering: 'Gathering',
  sense_making: 'Sense-making',
  actions_agreed: 'Actions agreed',
  closed: 'Closed',
};

/** The states an organisation moves its inquiry through by hand (closing has its own step). */
export const workingStates = ['opened', 'gathering', 'sense_making', 'actions_agreed'] as const;
export type WorkingState = (typeof workingStates)[number];

/** Whether an inquiry in this state is a conversation under way (owned, not yet closed). */
export function isOpenState(state: InquiryState): boolean {
  return (workingStates as readonly string[]).includes(state);
}

export const closingReasons = ['understood', 'changed', 'outside_control'] as const;
export type ClosingReason = (typeof closingReasons)[number];

export const closingReasonLabels: Record<ClosingReason, string> = {
  understood: 'Understood: we know why, and no change is needed',
  changed: 'Changed: we have made a change and will watch the chart',
  outside_control: 'Outside our control: passed to the named partner',
};

export const factorControls = ['within', 'partner'] as const;
export type FactorControl = (typeof factorControls)[number];

export const factorControlLabels: Record<FactorControl, string> = {
  within: 'Within our control',
  partner: 'With a system partner',
};

export const participantGroups = ['staff', 'patients', 'partners'] as const;
export type ParticipantGroup = (typeof participantGroups)[number];

export const participantGroupLabels: Record<ParticipantGroup, string> = {
  staff: 'Staff',
  patients: 'Patients and carers',
  partners: 'Partners',
};

/** Who took part: a group, a role or description, optionally a name and how many. */
export interface Participant {
  readonly group: ParticipantGroup;
  readonly role: string;
  readonly name: string | null;
  readonly count: number | null;
}

/** The domains prompt sets are kept for. */
export const promptDomains = [
  'patient_experience',
  'workforce',
  'finance',
  'access_flow',
  'safety_quality',
] as const;
export type PromptDomain = (typeof promptDomains)[number];

export const promptDomainLabels: Record<PromptDomain, string> = {
  patient_experience: 'Patient experience',
  workforce: 'Workforce',
  finance: 'Finance',
  access_flow: 'Access and flow',
  safety_quality: 'Safety and quality',
};

/** One question of a prompt set, like a field of a GitHub issue form. */
export interface PromptField {
  readonly id: string;
  readonly label: string;
  readonly help: string;
  readonly type: 'textarea' | 'input';
  readonly required: boolean;
}

/** Words that place a metric in a prompt domain, tried in this order. */
const domainWords: readonly [PromptDomain, RegExp][] = [
  ['finance', /financ|deficit|surplus|spend|cost|budget|productiv|efficien|agency/i],
  ['workforce', /workforce|staff|sickness|absence|turnover|vacanc|people|retention|morale/i],
  ['patient_experience', /experience|satisfaction|friends and family|complain|patient survey/i],
  ['safety_quality', /safety|quality|mortality|infection|harm|incident|effective|readmission|never event/i],
  [
    'access_flow',
    /access|flow|a&e|emergency|urgent|wait|ambulance|referral|cancer|diagnostic|elective|discharge|capacity|beds|length of stay/i,
  ],
];

/**
 * The prompt domain for a metric (`promptDomainFor`): its name and sub-domain are read first, then
 * its domain, against the words of each prompt domain in turn (finance, workforce, patient
 * experience, safety and quality, access and flow). A metric that matches none — context measures,
 * summaries — opens with access and flow, the questions about what sits with the system.
 *
 * @example promptDomainFor({ name: 'Staff sickness absence rate', domain: 'Workforce', subdomain: null }) // => 'workforce'
 */
export function promptDomainFor(metric: {
  readonly name?: string | null;
  readonly domain: string | null;
  readonly subdomain: string | null;
}): PromptDomain {
  for (const text of [`${metric.name ?? ''} ${metric.subdomain ?? ''}`, metric.domain ?? '']) {
    for (const [domain, words] of domainWords) if (words.test(text)) return domain;
  }
  return 'access_flow';
}
