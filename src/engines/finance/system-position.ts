import {
  type FinanceFigure,
  type FinanceMember,
  type MemberFinancePosition,
  plannedPositionMetricId,
  type SystemFinancePosition,
  yearToDateVarianceMetricId,
} from '../../domain/finance.ts';

/** The latest quarter in which any of the figures has a published value, or null. */
export function latestFinanceQuarter(figures: readonly FinanceFigure[]): string | null {
  let latest: string | null = null;
  for (const figure of figures)
    if (figure.value !== null && (latest === null || figure.periodStart > latest))
      latest = figure.periodStart;
  return latest;
}

/** One member's position from its figures for the quarter. */
function memberPosition(
  member: FinanceMember,
  figures: readonly FinanceFigure[],
  quarterStart: string | null,
): MemberFinancePosition {
  const publishedValue = (metricId: string) =>
    figures.find(
      (figure) =>
        figure.orgCode === member.code && figure.metricId === metricId && figure.periodStart === quarterStart,
    )?.value ?? null;
  const plannedPct = publishedValue(plannedPositionMetricId);
  const yearToDateVariancePct = publishedValue(yearToDateVarianceMetricId);
  const plansDeficit = plannedPct !== null && plannedPct < 0;
  const behindPlan = yearToDateVariancePct !== null && yearToDateVariancePct < 0;
  const missing: string[] = [];
  if (plannedPct === null) missing.push('no published planned surplus/deficit');
  if (yearToDateVariancePct === null) missing.push('no published year-to-date variance to plan');
  return {
    code: member.code,
    name: member.name,
    plannedPct,
    yearToDateVariancePct,
    plansDeficit,
    behindPlan,
    underPressure: plansDeficit || behindPlan,
    missing,
  };
}

/**
 * A system's providers together for the latest quarter any of them has a published finance figure:
 * each member's planned and year-to-date position, in name order, and how many are in each position.
 */
export function systemFinancePosition(
  members: readonly FinanceMember[],
  figures: readonly FinanceFigure[],
): SystemFinancePosition {
  const codes = new Set(members.map((member) => member.code));
  const quarterStart = latestFinanceQuarter(figures.filter((figure) => codes.has(figure.orgCode)));
  const positions = [...members]
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB') || a.code.localeCompare(b.code))
    .map((member) => memberPosition(member, figures, quarterStart));
  const count = (test: (position: MemberFinancePosition) => boolean) => positions.filter(test).length;
  return {
    quarterStart,
    members: positions,
    totals: {
      members: positions.length,
      withPlannedFigure: count((position) => position.plannedPct !== null),
      withYearToDateFigure: count((position) => position.yearToDateVariancePct !== null),
      plansDeficit: count((position) => position.plansDeficit),
      behindPlan: count((position) => position.behindPlan),
      underPressure: count((position) => position.underPressure),
    },
  };
}
