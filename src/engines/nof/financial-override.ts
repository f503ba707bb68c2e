import type { FinalSegment, Segment } from './types.ts';

export interface AdjustedSegment {
  readonly adjusted: Segment;
  /** True when the override moved the trust down. */
  readonly applied: boolean;
}

/**
 * Step 4, the financial override (NOF 2025/26 methodology manual, documented): segments 1 and 2
 * are for providers living within their allocation, so a provider whose score puts it in
 * segment 1 or 2 and which reports a deficit or receives deficit support moves to segment 3;
 * segments 3 and 4 are unaffected. The deficit flag is an input, as NHS England publishes it
 * (it is not a function of the published finance metrics). Verified on the 2025/26 data: 0
 * mismatches in 244. An unknown flag (null) applies no override.
 *
 * @example
 * applyFinancialOverride(2, true); // => { adjusted: 3, applied: true }
 * applyFinancialOverride(4, true); // => { adjusted: 4, applied: false }
 */
export function applyFinancialOverride(
  unadjusted: Segment,
  deficit: boolean | null,
  cap: Segment = 3,
): AdjustedSegment {
  if (deficit === true && unadjusted < cap) return { adjusted: cap, applied: true };
  return { adjusted: unadjusted, applied: false };
}

/**
 * The final segment: 5 for a provider in the Recovery Support Programme (a regional decision,
 * given as an input; documented), the adjusted segment otherwise. The league table shows and
 * ranks the adjusted segment, never 5 (verified).
 *
 * @example
 * finalSegment(3, true); // => 5
 */
export function finalSegment(
  adjusted: Segment,
  recoverySupportProgramme: boolean | null,
  segmentFive: 'from-recovery-support-flag' | 'never' = 'from-recovery-support-flag',
): FinalSegment {
  return segmentFive === 'from-recovery-support-flag' && recoverySupportProgramme === true ? 5 : adjusted;
}
