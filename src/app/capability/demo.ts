import { AppError } from '../../errors.ts';
import { markCapabilityAsExample } from '../../store/repos/capability-repo.ts';
import { findOrganisation } from '../../store/repos/organisation-repo.ts';
import { auditedWrite, isoDay, type UseCaseContext } from '../context.ts';
import { demoTrusts } from '../demo-accounts.ts';
import { recordCapabilityAssessment } from './capability.ts';

/**
 * `createDemoCapability`: the demo's example NHS IMPACT capability self-assessment of its home trust
 * (RYY), every word marked "Example:", with the support it asks for. Written as the given context's
 * actor (the operator), then marked as an example in one audited write. Returns its id.
 */
export async function createDemoCapability(context: UseCaseContext): Promise<{ assessmentId: number }> {
  const org = await findOrganisation(context.db, demoTrusts.home);
  if (!org)
    throw new AppError('NOT_FOUND', `The demo's capability self-assessment needs ${demoTrusts.home}.`);
  const assessment = await recordCapabilityAssessment(context, org.code, {
    assessedOn: isoDay(context.clock()),
    shared_purpose_level: 3,
    shared_purpose_evidence:
      'Example: the board agreed three improvement priorities with staff and patients this year.',
    people_and_culture_level: 2,
    people_and_culture_evidence:
      'Example: the staff survey shows fewer than half feel able to make improvements.',
    people_and_culture_support: 'Example: help to run a staff listening programme.',
    leadership_level: 3,
    leadership_evidence: 'Example: executives run monthly improvement walkrounds.',
    capability_and_capacity_level: 2,
    capability_and_capacity_evidence: 'Example: 40 staff trained in quality improvement; no coaches yet.',
    capability_and_capacity_support: 'Example: improvement coaches from a trust further along.',
    management_systems_level: 1,
    management_systems_evidence: 'Example: improvement is not yet part of the performance meetings.',
    management_systems_support: 'Example: an example of a management system that uses SPC charts.',
  });
  await auditedWrite(context, {}, async (trx) => {
    await markCapabilityAsExample(trx, assessment.id);
    return {
      result: undefined,
      audit: {
        action: 'demo.mark_examples',
        entityType: 'demo',
        entityId: null,
        orgCode: org.code,
        after: { capability: [assessment.id] },
      },
    };
  });
  return { assessmentId: assessment.id };
}
