import type { PointType } from '../engines/spc/codes.ts';

/**
 * The Making Data Count palette, as NHSRplotthedots 0.2.2 uses it (`ptd_spc_colours`, aligned
 * with the MDC Power BI team): grey common cause, blue improvement, orange concern, purple
 * neither; a black mean, grey dashed limits, a red dashed target, a purple dashed trajectory.
 */
export const spcColours = {
  commonCause: '#a6a6a6',
  improvement: '#00b0f0',
  concern: '#e46c0a',
  neutral: '#490092',
  mean: '#000000',
  limits: '#a6a6a6',
  target: '#de1b1b',
  trajectory: '#490092',
  /** Axis lines and labels: dark enough for a 4.5:1 contrast on white. */
  axis: '#4c6272',
  grid: '#e8edee',
  text: '#212b32',
} as const;

/** Colour of a point of the given type. */
export function pointColour(pointType: PointType): string {
  switch (pointType) {
    case 'special_cause_improvement':
      return spcColours.improvement;
    case 'special_cause_concern':
      return spcColours.concern;
    case 'special_cause_neutral_high':
    case 'special_cause_neutral_low':
      return spcColours.neutral;
    default:
      return spcColours.commonCause;
  }
}
