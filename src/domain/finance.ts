/**
 * A system's finance positions, read from the NHS Oversight Framework finance metrics as NHS England
 * publishes them: each provider's planned surplus or deficit (% of income, from its annual plan) and
 * its year-to-date variance to that plan (%). The publication gives percentages, not pounds, so a
 * system's total is a count of its providers in each position, never a sum of money.
 */

/** Planned surplus/deficit, % of income (the annual plan). */
export const plannedPositionMetricId = 'OF0079';
/** Variance year-to-date to financial plan, %. */
export const yearToDateVarianceMetricId = 'OF0081';
/** The finance metrics the finance view reads. */
export const financeMetricIds = [plannedPositionMetricId, yearToDateVarianceMetricId] as const;

/** One published finance figure for one provider. */
export interface FinanceFigure {
  orgCode: string;
  metricId: string;
  /** First day of the quarter the figure was published for. */
  periodStart: string;
  /** Null where the publication left it blank. */
  value: number | null;
}

/** A provider in a system. */
export interface FinanceMember {
  code: string;
  name: string;
}

/** One provider's published position for the quarter, and what is missing. */
export interface MemberFinancePosition {
  code: string;
  name: string;
  /** Planned surplus (positive) or deficit (negative), % of income; null when not published. */
  plannedPct: number | null;
  /** Year-to-date variance to plan, %: negative is behind plan; null when not published. */
  yearToDateVariancePct: number | null;
  plansDeficit: boolean;
  behindPlan: boolean;
  /** Planning a deficit or behind plan. */
  underPressure: boolean;
  /** Plain words for the figures the publication does not hold for this provider. */
  missing: string[];
}

/** The system's providers together for one quarter: counts, never a ranking. */
export interface SystemFinancePosition {
  /** First day of the quarter read, or null when no member has a figure. */
  quarterStart: string | null;
  /** Every member, in name order. */
  members: MemberFinancePosition[];
  totals: {
    members: number;
    withPlannedFigure: number;
    withYearToDateFigure: number;
    plansDeficit: number;
    behindPlan: number;
    underPressure: number;
  };
}
