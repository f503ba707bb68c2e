import type { QuarterAssessment } from './assess.ts';
import { type ChangeFromPrevious, changeFromPrevious } from './explain.ts';

/** A trust whose segment changed since the previous quarter, with the change in its average tested. */
export interface SegmentChange {
  readonly code: string;
  readonly name: string;
  readonly organisationTypeLabel: string;
  readonly change: ChangeFromPrevious;
}

/**
 * Every trust whose segment (after the financial override) differs between two assessed quarters
 * (`segmentChanges`), each with the test the organisation page runs on its average: the previous
 * quarter's average against this quarter's likely range (`changeTest` of the current assessment),
 * `signal` when outside it, `noise` when inside, `not-tested` without likely ranges. Trusts held in
 * only one of the quarters have no change. In trust name order.
 *
 * @example segmentChanges(q2, q1).filter((row) => row.change.verdict === 'noise').length // changes within the likely range
 */
export function segmentChanges(current: QuarterAssessment, previous: QuarterAssessment): SegmentChange[] {
  const before = new Map(previous.details.map((trust) => [trust.code, trust]));
  const changes: SegmentChange[] = [];
  for (const trust of current.details) {
    const earlier = before.get(trust.code);
    if (!earlier) continue;
    const change = changeFromPrevious(
      trust,
      { quarter: previous.quarter, trust: earlier },
      current.options.changeTest,
    );
    if (!change || change.previousSegment === null || change.currentSegment === null) continue;
    if (change.previousSegment === change.currentSegment) continue;
    changes.push({
      code: trust.code,
      name: trust.name,
      organisationTypeLabel: trust.organisationTypeLabel,
      change,
    });
  }
  return changes.sort((a, b) => a.name.localeCompare(b.name) || a.code.localeCompare(b.code));
}
