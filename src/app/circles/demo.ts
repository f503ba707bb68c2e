import { AppError } from '../../errors.ts';
import { circleScope } from '../../policies/circle.ts';
import { markCircleAsExample } from '../../store/repos/circle-repo.ts';
import { findUserByEmail } from '../../store/repos/user-repo.ts';
import { loadUserActor } from '../accounts/actor.ts';
import { auditedWrite, isoDay, type UseCaseContext } from '../context.ts';
import { demoAuthorEmail, demoTrusts } from '../demo-accounts.ts';
import { createCircle, recordCircleMeeting } from './write.ts';

/**
 * `createDemoCircle`: the demo's example confidential peer circle, started by the home trust's demo
 * contributor with the demo member of the other trust, keeping notes, with one invented meeting whose
 * themes and note say "Example:". Only its two members read it; the demo's administrators, system
 * lead and oversight accounts show that they cannot. Written as the contributor (circles are people's,
 * never the operator's), then marked as an example in one audited write. Returns the circle's id.
 */
export async function createDemoCircle(context: UseCaseContext): Promise<{ circleId: number }> {
  const founder = await findUserByEmail(context.db, demoAuthorEmail);
  const actor = founder && (await loadUserActor(context.db, founder.id, context.clock(), 'session'));
  if (!actor)
    throw new AppError(
      'NOT_FOUND',
      `The demo's circle needs ${demoAuthorEmail}: create the demo accounts first.`,
    );
  const asFounder = { ...context, actor };
  const other = demoAuthorEmail.replace(/^contributor\.[^@]+@/, `member.${demoTrusts.other.toLowerCase()}@`);
  const circle = await createCircle(asFounder, {
    name: 'Example: community nurses’ peer circle',
    whatIsKept: 'notes',
    members: other,
  });
  await recordCircleMeeting(asFounder, circle.id, {
    metOn: isoDay(context.clock()),
    themes: 'Example: winter pressures; looking after ourselves',
    notes:
      'Example: this note is invented for the demo. We shared what helped on the hardest shifts this month and agreed to meet again in four weeks.',
  });
  await auditedWrite(asFounder, {}, async (trx) => {
    await markCircleAsExample(trx, circleScope(actor), circle.id);
    return {
      result: undefined,
      audit: {
        action: 'demo.mark_examples',
        entityType: 'circle',
        entityId: circle.id,
        orgCode: null,
      },
    };
  });
  return { circleId: circle.id };
}
