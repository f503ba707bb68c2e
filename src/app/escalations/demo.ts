import { AppError } from '../../errors.ts';
import { markEscalationsAsExamples } from '../../store/repos/escalation-repo.ts';
import { findOrganisation, organisationContext } from '../../store/repos/organisation-repo.ts';
import { findUserByEmail } from '../../store/repos/user-repo.ts';
import { loadUserActor } from '../accounts/actor.ts';
import { auditedWrite, type UseCaseContext } from '../context.ts';
import { demoAuthorEmail, demoTrusts } from '../demo-accounts.ts';
import { acknowledgeEscalation, raiseEscalation } from './write.ts';

const dayMs = 86_400_000;

/**
 * `createDemoEscalations`: the demo's example escalations from its home trust (RYY), each titled
 * "Example: …" — one raised with its NHS England region nine days before the clock's now and
 * acknowledged two days later, so the region's ageing view shows a clock running; and one raised
 * with its ICB just now, waiting to be acknowledged. Written as the demo's contributor and regional
 * oversight accounts when they exist (else as the operator), then marked as examples in one audited
 * write. Returns their ids.
 */
export async function createDemoEscalations(context: UseCaseContext): Promise<{ ids: number[] }> {
  const org = await organisationContext(context.db, demoTrusts.home);
  // The same region and ICB as the demo's regional oversight and system lead accounts.
  const firstOfKind = async (codes: readonly string[], kind: 'icb' | 'region') => {
    for (const code of codes) if ((await findOrganisation(context.db, code))?.kind === kind) return code;
    return undefined;
  };
  const region = org && (await firstOfKind(org.regionCodes, 'region'));
  const icb = org && (await firstOfKind(org.icbCodes, 'icb'));
  if (!org || !region || !icb)
    throw new AppError(
      'NOT_FOUND',
      `The demo's escalations need ${demoTrusts.home} with its ICB and region: import the ODS trust list first.`,
    );
  const domain = demoAuthorEmail.split('@')[1];
  const as = async (email: string, clock: () => Date): Promise<UseCaseContext> => {
    const user = await findUserByEmail(context.db, email);
    const actor = user && (await loadUserActor(context.db, user.id, context.clock(), 'session'));
    return { ...context, actor: actor || context.actor, clock };
  };
  const now = context.clock().getTime();
  const at = (daysAgo: number) => () => new Date(now - daysAgo * dayMs);
  const toRegion = await raiseEscalation(await as(demoAuthorEmail, at(9)), {
    org: org.code,
    recipient: region,
    topic: 'performance',
    title: 'Example: delayed discharges are holding our community beds',
    body: 'Example: this concern is invented for the demo. A third of our community hospital beds are held by people medically fit to leave who are waiting for a package of care. We have raised it with the system twice; we are asking the region to help convene the county council and the ICB.',
  });
  await acknowledgeEscalation(
    await as(`oversight.${region.toLowerCase()}@${domain}`, at(7)),
    toRegion.escalation.id,
    {
      note: 'Example: thank you — the regional urgent care lead will be in touch this week.',
    },
  );
  const toIcb = await raiseEscalation(await as(demoAuthorEmail, context.clock), {
    org: org.code,
    recipient: icb,
    topic: 'finance',
    title: 'Example: the cost of agency cover for community nursing',
    body: 'Example: this concern is invented for the demo. Vacancies in district nursing mean agency shifts cost us well over plan; we would like to agree a shared approach with the other providers in the system.',
  });
  const ids = [toRegion.escalation.id, toIcb.escalation.id];
  await auditedWrite(context, {}, async (trx) => {
    await markEscalationsAsExamples(trx, ids);
    return {
      result: undefined,
      audit: {
        action: 'demo.mark_examples',
        entityType: 'demo',
        entityId: null,
        orgCode: org.code,
        after: { escalations: ids },
      },
    };
  });
  return { ids };
}
