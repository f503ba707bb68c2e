import type { UseCaseContext } from '../../../app/context.ts';
import { type SystemFinanceView, systemFinanceView } from '../../../app/finance/system-finance.ts';
import { plannedPositionMetricId, yearToDateVarianceMetricId } from '../../../domain/finance.ts';
import { financialQuarterLabel } from '../../../domain/period.ts';
import { cell, type DataTable } from '../../data-table.ts';

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

/** A member's position in words: under pressure and why, not under pressure, or what is missing. */
function positionText(member: SystemFinanceView['members'][number]): string {
  if (member.underPressure) {
    const why = [member.plansDeficit && 'planning a deficit', member.behindPlan && 'behind plan'].filter(
      Boolean,
    );
    return `Under pressure: ${why.join(' and ')}.`;
  }
  if (member.missing.length === 2) return 'Tend holds no published finance figures for this provider.';
  const missing =
    member.missing.length === 1 ? ` ${member.missing[0][0].toUpperCase()}${member.missing[0].slice(1)}.` : '';
  return `Not under pressure on the published figures.${missing}`;
}

/** The members' positions as a table with its CSV (`system-finance-members`), in name order, never ranked. */
function financeTable(view: SystemFinanceView, quarter: string | null): DataTable {
  return {
    id: 'system-finance-members',
    caption: `Each provider's published finance position${quarter ? `, ${quarter}` : ''}`,
    captionHidden: true,
    fileName: `tend-system-finance-${view.icb.code}`,
    columns: [
      { label: 'Provider' },
      { label: 'Code', csvOnly: true },
      { label: 'Planned surplus/deficit (% of income)', numeric: true },
      { label: 'Year-to-date variance to plan', numeric: true },
      { label: 'Position' },
    ],
    rows: view.members.map((member) => ({
      key: member.code,
      cells: [
        cell(`${member.name} (${member.code})`, {
          href: `/organisations/${encodeURIComponent(member.code)}`,
        }),
        cell(member.code),
        cell(member.plannedPct === null ? 'Not published' : signedPercent(member.plannedPct)),
        cell(
          member.yearToDateVariancePct === null
            ? 'Not published'
            : signedPercent(member.yearToDateVariancePct),
        ),
        cell(positionText(member)),
      ],
    })),
  };
}

/** The finance view as the system page shows it: each member in name order and plain counts. */
export function presentSystemFinance(view: SystemFinanceView) {
  const quarter = view.quarterStart ? financialQuarterLabel(view.quarterStart) : null;
  return {
    table: financeTable(view, quarter),
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

/** The finance view as the system page shows it, with the members under pressure and their learning partners. */
function withPressed<T extends { members: { underPressure: boolean }[] }>(view: T) {
  return { ...view, pressed: view.members.filter((member) => member.underPressure) };
}

/** The system page's finance section (`systemFinance`). */
export async function systemFinanceSection(context: UseCaseContext, icbCode: string) {
  return { systemFinance: withPressed(presentSystemFinance(await systemFinanceView(context, icbCode))) };
}
