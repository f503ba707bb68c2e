import { AppError } from '../../errors.ts';
import { markGroupAsExample } from '../../store/repos/group-repo.ts';
import { findOrganisation } from '../../store/repos/organisation-repo.ts';
import { auditedWrite, type UseCaseContext } from '../context.ts';
import { demoTrusts } from '../demo-accounts.ts';
import { createGroup } from './write.ts';

/** The second trust of the demo's example group (Kent and Medway's mental health trust, in the same region as RYY). */
export const demoGroupPartner = 'RXY';

/**
 * `createDemoGroups`: the demo's example group of two real trusts from the bundled data — its home
 * trust (RYY) and RXY — invented for the demonstration and marked so: its name and description say
 * "Example – invented", and it is marked `is_example` in one audited write. Tend holds no record of
 * these trusts sharing a board; the example only shows how a group is shown. Written as the given
 * context's actor (the operator). Returns the group's id.
 */
export async function createDemoGroups(context: UseCaseContext): Promise<{ groupId: number }> {
  for (const code of [demoTrusts.home, demoGroupPartner])
    if (!(await findOrganisation(context.db, code)))
      throw new AppError('NOT_FOUND', `The demo's group needs ${code}: import the ODS trust list first.`);
  const { group } = await createGroup(context, {
    name: 'Example – invented: Kent community and mental health group',
    description:
      'Example – invented for the demonstration: no such group exists. It shows how Tend would show two trusts under one board and chief executive since April 2024.',
    members: [demoTrusts.home, demoGroupPartner],
    fromDate: '2024-04-01',
  });
  await auditedWrite(context, {}, async (trx) => {
    await markGroupAsExample(trx, group.id);
    return {
      result: undefined,
      audit: {
        action: 'demo.mark_examples',
        entityType: 'demo',
        entityId: null,
        orgCode: demoTrusts.home,
        after: { groups: [group.id] },
      },
    };
  });
  return { groupId: group.id };
}
