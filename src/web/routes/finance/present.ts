import type { UseCaseContext } from '../../../app/context.ts';
import { type SystemFinanceView, systemFinanceView } from '../../../app/finance/system-finance.ts';
import { plannedPositionMetricId, yearToDateVarianceMetricId } from '../../../domain/finance.ts';
import { financialQuarterLabel } from '../../../domain/period.ts';

/** A signed percentage in words-friendly form: "+0.4%", "−1.2%", "0.0%". */
export function signedPercent(value: number): string {
  const text = Math.abs(value).toFixed(1);
  if (value > 0) return `+${text}%`;
  if (value < 0) return `−${text}%`;
  return `${text}%`;
}

/** The links a member under financial pressure is offered: learning partners, never a list of blame. */
export function learningPartnerLinks(orgCode: string): { text: string; href: string }[] {
  return [
    {
      text: 'Who has improved their planned position',
      href: `/improvement?metric=${encodeURIComponent(plannedPositionMetricId)}`,
    },
    {
      text: 'Who has improved against their year-to-date plan',
      href: `/improvement?metric=${encodeURIComponent(yearToDateVarianceMetricId)}`,
    },
    { text: 'Peer reviews', href: `/peer-reviews?org=${encodeURIComponent(orgCode)}` },
  ];
}

/** The finance view as the system page shows it: each member in name order and plain counts. */
export function presentSystemFinance(view: SystemFinanceView) {
  return {
    quarter: view.quarterStart ? financialQuarterLabel(view.quarterStart) : null,
    totals: view.totals,
    members: view.members.map((member) => ({
      code: member.code,
      name: member.name,
      href: `/organisations/${encodeURIComponent(member.code)}`,
      planned: member.plannedPct === null ? null : signedPercent(member.plannedPct),
      yearToDate: member.yearToDateVariancePct === null ? null : signedPercent(member.yearToDateVariancePct),
      plansDeficit: member.plansDeficit,
      behindPlan: member.behindPlan,
      underPressure: member.underPressure,
      missing: member.missing,
      learningPartners: member.underPressure ? learningPartnerLinks(member.code) : [],
    })),
  };
}

/** The system page's finance section (`systemFinance`). */
export async function systemFinanceSection(context: UseCaseContext, icbCode: string) {
  return { systemFinance: presentSystemFinance(await systemFinanceView(context, icbCode)) };
}
