/**
 * What each segment means, in plain English, after NHS England's NHS Oversight Framework 2025/26
 * and its methodology manual: segments run "from segment 1 (no support) to segment 5 (intensive
 * support through the Provider Improvement Programme)"; segments 1 to 4 are the quarters of the
 * average metric score; segments 1 and 2 are closed to providers in deficit or receiving deficit
 * support (the financial override).
 */
export const segmentDescriptions: Readonly<Record<1 | 2 | 3 | 4 | 5, string>> = {
  1: 'High performing: among the best quarter of average scores, with few challenges; no support needed and the most freedom.',
  2: 'Good performance with some challenges: the second quarter of average scores; targeted support where needed.',
  3: 'Significant challenges: the third quarter of average scores, or any better score held here because the trust is in deficit or receiving deficit support.',
  4: 'Serious, widespread challenges: the lowest quarter of average scores; closer oversight and an agreed recovery plan.',
  5: 'The most intensive support, through the Provider Improvement Programme (Recovery Support Programme): a regional decision, not a score; league tables show such trusts in their segment 1 to 4.',
};

/** The plain-English meaning of a segment, or null for anything that is not one. */
export function describeSegment(segment: number | null | undefined): string | null {
  return segment === 1 || segment === 2 || segment === 3 || segment === 4 || segment === 5
    ? segmentDescriptions[segment]
    : null;
}
