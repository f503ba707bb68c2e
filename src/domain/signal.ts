/** What a signal says: special cause (concern or improvement), a target that will not be met, a changed NHS Oversight Framework segment, or a question about the data. */
export type SignalKind = 'concern' | 'improvement' | 'assurance' | 'segment_change' | 'data_question';

/** Where a signal stands: new → acknowledged → inquiry opened | understood | data question → closed. */
export type SignalStatus =
  | 'new'
  | 'acknowledged'
  | 'inquiry_opened'
  | 'understood'
  | 'data_question'
  | 'closed';

/** Why a signal closed: its chart returned to common cause (or the question went away), its inquiry closed, or someone closed it. */
export type SignalClosedReason = 'common_cause' | 'inquiry_closed' | 'by_hand';

export const SIGNAL_KINDS: readonly SignalKind[] = [
  'concern',
  'improvement',
  'assurance',
  'segment_change',
  'data_question',
];
export const SIGNAL_STATUSES: readonly SignalStatus[] = [
  'new',
  'acknowledged',
  'inquiry_opened',
  'understood',
  'data_question',
  'closed',
];

export const SIGNAL_KIND_LABELS: Readonly<Record<SignalKind, string>> = {
  concern: 'Concern',
  improvement: 'Improvement',
  assurance: 'Target will not be met',
  segment_change: 'Segment change',
  data_question: 'Question about the data',
};

export const SIGNAL_STATUS_LABELS: Readonly<Record<SignalStatus, string>> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  inquiry_opened: 'Inquiry opened',
  understood: 'Understood',
  data_question: 'Data question',
  closed: 'Closed',
};

export const SIGNAL_CLOSED_REASON_LABELS: Readonly<Record<SignalClosedReason, string>> = {
  common_cause: 'The chart returned to common cause',
  inquiry_closed: 'Its inquiry closed',
  by_hand: 'Closed by hand',
};
