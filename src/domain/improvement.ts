/**
 * The improvement directory, review conversations, follow-ups and escalations: their states and
 * kinds as plain values with plain-English labels. Imports nothing.
 */

/** A directory entry's life: candidate → invited → published → stale → withdrawn. */
export const entryStates = ['candidate', 'invited', 'published', 'stale', 'withdrawn'] as const;
export type EntryState = (typeof entryStates)[number];
export const entryStateLabels: Record<EntryState, string> = {
  candidate: 'Candidate',
  invited: 'Invited',
  published: 'Published',
  stale: 'Stale (a contact is past their review date)',
  withdrawn: 'Withdrawn',
};

/** How an entry came to the directory. */
export const entrySources = ['facilitator', 'nomination', 'learning_review'] as const;
export type EntrySource = (typeof entrySources)[number];
export const entrySourceLabels: Record<EntrySource, string> = {
  facilitator: 'Found by an improvement facilitator',
  nomination: 'Nominated by the organisation itself',
  learning_review: 'From a learning review',
};

/** Who a contact agreed may see their email address. */
export const consentScopes = ['public', 'signed_in'] as const;
export type ConsentScope = (typeof consentScopes)[number];
export const consentScopeLabels: Record<ConsentScope, string> = {
  public: 'Anyone',
  signed_in: 'People signed in to Tend',
};

/** How an agreed action, or an adopted idea, went. */
export const outcomes = ['helped', 'partly', 'not_yet', 'did_not'] as const;
export type Outcome = (typeof outcomes)[number];
export const outcomeLabels: Record<Outcome, string> = {
  helped: 'It helped',
  partly: 'It partly helped',
  not_yet: 'Not yet',
  did_not: 'It did not help',
};

export const reviewStates = ['planned', 'held'] as const;
export type ReviewState = (typeof reviewStates)[number];

export const attendeeSides = ['organisation', 'overseer', 'other'] as const;
export type AttendeeSide = (typeof attendeeSides)[number];

export const offerStates = ['made', 'accepted', 'declined'] as const;
export type OfferState = (typeof offerStates)[number];

export const actionOwnerSides = ['organisation', 'overseer'] as const;
export type ActionOwnerSide = (typeof actionOwnerSides)[number];

export const actionStatuses = ['open', 'done', 'dropped'] as const;
export type ActionStatus = (typeof actionStatuses)[number];

export const followUpStates = ['scheduled', 'asked', 'answered'] as const;
export type FollowUpState = (typeof followUpStates)[number];

/** Six weeks: a review's follow-up date unless the meeting chooses another. */
export const defaultFollowUpDays = 42;

export const messageTransports = ['smtp', 'notify', 'inbox_only'] as const;
export type MessageTransport = (typeof messageTransports)[number];

export const escalationStates = ['raised', 'acknowledged', 'responded', 'closed'] as const;
export type EscalationState = (typeof escalationStates)[number];
export const escalationStateLabels: Record<EscalationState, string> = {
  raised: 'Raised',
  acknowledged: 'Acknowledged',
  responded: 'Responded',
  closed: 'Closed',
};

export const escalationTopics = ['performance', 'finance', 'quality'] as const;
export type EscalationTopic = (typeof escalationTopics)[number];

export const escalationRecipientKinds = ['region', 'icb'] as const;
export type EscalationRecipientKind = (typeof escalationRecipientKinds)[number];

export const wouldRaiseAgainAnswers = ['yes', 'no', 'not_sure'] as const;
export type WouldRaiseAgain = (typeof wouldRaiseAgainAnswers)[number];
