import { addDaysTo } from '../../domain/peer-review.ts';
import { AppError } from '../../errors.ts';
import { markAgreementsAsExamples } from '../../store/repos/risk-sharing-repo.ts';
import { findIcb } from '../../store/repos/system-repo.ts';
import { auditedWrite, isoDay, type UseCaseContext } from '../context.ts';
import { addReviewDate, createAgreement, proposeRebalance } from './write.ts';

/** The demo's system: NHS Kent and Medway ICB, whose members include the demo's home trust (RYY). */
export const demoIcb = 'QKS';
/** The demo agreement's parties: Kent Community Health, East Kent Hospitals, Maidstone and Tunbridge Wells, Medway. */
export const demoParties = ['RYY', 'RVV', 'RWF', 'RPA'] as const;

/**
 * `createDemoRiskSharing`: the demo's example risk-sharing agreement, a draft for the Kent and Medway
 * ICB between four of its trusts, every word marked "Example" and every figure invented: a baseline,
 * a rule by need, one review date three months on, and one open proposal — Maidstone and Tunbridge
 * Wells supporting Kent Community Health — whose learning partnership is the demo's peer review when
 * there is one. Written as the given context's actor (the operator); then marked as an example.
 */
export async function createDemoRiskSharing(
  context: UseCaseContext,
  options: { peerReviewId?: number } = {},
): Promise<{ agreementId: number }> {
  if (!(await findIcb(context.db, demoIcb)))
    throw new AppError(
      'NOT_FOUND',
      `The demo's risk-sharing agreement needs ${demoIcb}: import the ODS lookup first.`,
    );
  const today = isoDay(context.clock());
  const agreement = await createAgreement(context, {
    icb: demoIcb,
    title: 'Example: Kent and Medway providers’ 2026/27 risk share (invented)',
    baseline: 'Example, invented: 2026/27 system control total: £12.4m deficit',
    baselineThousands: -12400,
    rule: 'by_need',
    parties: demoParties.map((org) => ({
      org,
      share: 'Example: by registered population weighted for need',
    })),
  });
  await addReviewDate(context, agreement.id, { dueOn: addDaysTo(today, 91) });
  await proposeRebalance(context, agreement.id, {
    supporting: 'RWF',
    supported: 'RYY',
    amount: 350,
    why: 'Example, invented: community beds opened to free acute beds over winter cost Kent Community Health more than planned; the acute trust gains the beds, so it carries part of the cost.',
    peerReview: options.peerReviewId,
  });
  await auditedWrite(context, {}, async (trx) => {
    await markAgreementsAsExamples(trx, [agreement.id]);
    return {
      result: undefined,
      audit: {
        action: 'demo.mark_examples',
        entityType: 'demo',
        entityId: null,
        orgCode: demoIcb,
        after: { riskSharingAgreements: [agreement.id] },
      },
    };
  });
  return { agreementId: agreement.id };
}
