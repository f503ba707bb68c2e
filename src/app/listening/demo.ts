import { AppError } from '../../errors.ts';
import { markListeningAsExample } from '../../store/repos/listening-repo.ts';
import { findOrganisation } from '../../store/repos/organisation-repo.ts';
import { auditedWrite, isoDay, type UseCaseContext } from '../context.ts';
import { demoTrusts } from '../demo-accounts.ts';
import { createListening, publishListening } from './write.ts';

/**
 * `createDemoListening`: the demo's example listening inquiry, convened by its home trust (RYY) and
 * published with its themes, every word marked "Example:" — who took part, four themes, two quotes
 * with consent and one without (which only the trust's writers see), raw notes only they read, what
 * will change, and a date to report back by. Written as the given context's actor (the operator),
 * then marked as an example in one audited write. Returns its id.
 */
export async function createDemoListening(context: UseCaseContext): Promise<{ inquiryId: number }> {
  const org = await findOrganisation(context.db, demoTrusts.home);
  if (!org)
    throw new AppError(
      'NOT_FOUND',
      `The demo's listening inquiry needs ${demoTrusts.home}: import the ODS trust list first.`,
    );
  const today = new Date(`${isoDay(context.clock())}T00:00:00Z`);
  const reportBackBy = isoDay(new Date(today.getTime() + 90 * 86_400_000));
  const inquiry = await createListening(context, {
    convenor: org.code,
    kind: 'inquiry',
    question: 'Example: What is working in discharge, and what is not?',
    participants: [
      { group: 'staff', count: 14, roles: 'Example: community nurses, therapists, discharge coordinators' },
      { group: 'patients', count: 9, roles: 'Example: people discharged home in the last three months' },
      { group: 'families', count: 6, roles: 'Example: carers and family members' },
      {
        group: 'community',
        count: 3,
        roles: 'Example: a carers’ centre, a befriending charity, a faith group',
      },
    ],
    themes: [
      'Example: people wait for equipment at home more than for a bed on the ward.',
      'Example: families are told the discharge date late, often the day before.',
      'Example: the community team and the ward do not share one list of who is coming home.',
      'Example: voluntary groups could help on the first night home, but are rarely asked.',
    ],
    quotes: [
      { text: 'Example: the bed came a week after I did.', speaker: 'Example: a patient', consent: true },
      {
        text: 'Example: we find out on Friday afternoon, when nothing can be arranged.',
        speaker: 'Example: a daughter caring for her father',
        consent: true,
      },
      { text: 'Example: a remark made in confidence.', speaker: 'Example: a nurse', consent: false },
    ],
    orgs: [org.code],
    metrics: [],
    whatWillChange:
      'Example: equipment is ordered on the day a discharge date is set; families hear the date at least two days ahead; one shared list of people coming home is piloted with two wards.',
    reportBackBy,
    rawNotes: 'Example: raw notes from the listening sessions, kept by the trust.',
  });
  await publishListening(context, inquiry.id, { reportBackBy });
  await auditedWrite(context, {}, async (trx) => {
    await markListeningAsExample(trx, inquiry.id);
    return {
      result: undefined,
      audit: {
        action: 'demo.mark_examples',
        entityType: 'demo',
        entityId: null,
        orgCode: org.code,
        after: { listening: [inquiry.id] },
      },
    };
  });
  return { inquiryId: inquiry.id };
}
