import { financeMetricIds, type SystemFinancePosition } from '../../domain/finance.ts';
import { systemFinancePosition } from '../../engines/finance/system-position.ts';
import { AppError } from '../../errors.ts';
import { quarterlyFiguresFor } from '../../store/repos/finance-repo.ts';
import { findIcb, listSystemMembers } from '../../store/repos/system-repo.ts';
import type { OrganisationRow } from '../../store/tables.ts';
import { isoDay, type UseCaseContext } from '../context.ts';

/** An ICB with its providers' finance positions together. */
export interface SystemFinanceView extends SystemFinancePosition {
  icb: Pick<OrganisationRow, 'code' | 'name'>;
}

/**
 * The finance view of an ICB's providers together: each trust that belongs to it under either mapping
 * (NHS England's or the ODS geography), with its published planned and year-to-date position for the
 * latest quarter any of them has one. Published figures, so public like the system page. Throws NOT_FOUND for an
 * unknown ICB.
 */
export async function systemFinanceView(
  context: UseCaseContext,
  icbCode: string,
): Promise<SystemFinanceView> {
  const icb = await findIcb(context.db, icbCode);
  if (!icb)
    throw new AppError('NOT_FOUND', `No integrated care board has the code ${icbCode.toUpperCase()}.`);
  const members = (await listSystemMembers(context.db, icb.code, isoDay(context.clock()))).filter(
    (member) => member.kind === 'trust',
  );
  const figures = await quarterlyFiguresFor(
    context.db,
    members.map((member) => member.code),
    financeMetricIds,
  );
  return {
    icb: { code: icb.code, name: icb.name },
    ...systemFinancePosition(
      members.map((member) => ({ code: member.code, name: member.name })),
      figures,
    ),
  };
}
