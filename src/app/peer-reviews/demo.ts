import { addDaysTo } from '../../domain/peer-review.ts';
import { AppError } from '../../errors.ts';
import { findOrganisation } from '../../store/repos/organisation-repo.ts';
import { markPeerReviewsAsExamples } from '../../store/repos/peer-review-repo.ts';
import { findUserByEmail } from '../../store/repos/user-repo.ts';
import { loadUserActor } from '../accounts/actor.ts';
import { auditedWrite, isoDay, type UseCaseContext } from '../context.ts';
import { demoTrusts } from '../demo-accounts.ts';
import {
  addPeerTeamMember,
  answerPeerInvitation,
  confirmOnSiteDays,
  createPeerReview,
  recordPeerFinding,
} from './write.ts';

/** The second peer organisation of the demo's example (Oxford University Hospitals). */
export const demoSecondPeer = 'RTH';

/**
 * `createDemoPeerReviews`: the demo's example peer review of its home trust (RYY), at its findings
 * stage, every name and word marked "Example:" — peers from two other trusts (the demo member of
 * RJ1, who accepted, and a named clinician of RTH), a lay member without an account, on-site days a
 * week ago, and findings and a recommendation on the culture themes. Written as the given context's
 * actor (the operator) and as the RJ1 member where they accept and record; then marked as an example.
 */
export async function createDemoPeerReviews(context: UseCaseContext): Promise<{ peerReviewId: number }> {
  const host = await findOrganisation(context.db, demoTrusts.home);
  if (!host)
    throw new AppError(
      'NOT_FOUND',
      `The demo's peer review needs ${demoTrusts.home}: import the ODS trust list first.`,
    );
  const today = isoDay(context.clock());
  const onSiteFrom = addDaysTo(today, -8);
  const review = await createPeerReview(context, {
    org: host.code,
    title: 'Example: how we speak up and listen',
    focus: 'culture',
    questions:
      'Example: Do staff feel safe to speak up, and what happens when they do?\nExample: How well do our teams work with the GP practices around them?',
    scopingBy: addDaysTo(today, -40),
    onSiteFrom,
    onSiteTo: addDaysTo(onSiteFrom, 1),
  });
  const peerEmail = `member.${demoTrusts.other.toLowerCase()}@tend-demo.example`;
  const peer = await findUserByEmail(context.db, peerEmail);
  await addPeerTeamMember(context, review.id, {
    name: peer ? peer.display_name : 'Example: a peer reviewer',
    role: 'lead',
    email: peer ? peerEmail : undefined,
    memberOrg: demoTrusts.other,
  });
  if ((await findOrganisation(context.db, demoSecondPeer)) !== undefined)
    await addPeerTeamMember(context, review.id, {
      name: 'Example: Dr Priya Natarajan',
      role: 'clinician',
      memberOrg: demoSecondPeer,
    });
  await addPeerTeamMember(context, review.id, { name: 'Example: Joan Okafor', role: 'lay' });
  const peerActor = peer ? await loadUserActor(context.db, peer.id, context.clock(), 'session') : undefined;
  const peerContext = peerActor ? { ...context, actor: peerActor } : context;
  if (peerActor) await answerPeerInvitation(peerContext, review.id, { decision: 'accept' });
  await confirmOnSiteDays(context, review.id, {});
  for (const finding of [
    {
      theme: 'culture',
      kind: 'finding',
      body: 'Example: staff on every ward we visited knew how to raise a concern, and most had seen one acted on.',
    },
    {
      theme: 'relationships',
      kind: 'finding',
      body: 'Example: GP practices told us discharge letters often arrive after the patient has been to see them.',
    },
    {
      theme: 'integrity',
      kind: 'recommendation',
      body: 'Example: tell staff what changed after each concern they raise, in the team brief within a month.',
    },
  ])
    await recordPeerFinding(peerContext, review.id, finding);
  await auditedWrite(context, {}, async (trx) => {
    await markPeerReviewsAsExamples(trx, [review.id]);
    return {
      result: undefined,
      audit: {
        action: 'demo.mark_examples',
        entityType: 'demo',
        entityId: null,
        orgCode: host.code,
        after: { peerReviews: [review.id] },
      },
    };
  });
  return { peerReviewId: review.id };
}
