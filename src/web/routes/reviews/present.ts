import type { UseCaseContext } from '../../../app/context.ts';
import { reviewsPath } from '../../../app/reviews/read.ts';
import { canReadReview } from '../../../policies/review.ts';
import { organisationContext } from '../../../store/repos/organisation-repo.ts';

/** The kinds of organisation that have quarterly reviews: providers. */
const reviewedKinds = ['trust', 'independent_provider', 'other_provider'];

/**
 * The organisation page's link to its reviews (`organisationReviewLink`), for those who read them:
 * the organisation's people and those who oversee it. Providers only; nobody else sees the link.
 */
export async function organisationReviewLink(
  context: UseCaseContext,
  organisation: { code: string; kind: string },
): Promise<{ reviewsHref: string | null }> {
  if (!reviewedKinds.includes(organisation.kind) || context.actor.kind === 'anonymous')
    return { reviewsHref: null };
  const org = await organisationContext(context.db, organisation.code);
  const readable = !!org && canReadReview(context.actor, { org, overseer: { code: '', kind: 'region' } });
  return { reviewsHref: readable ? reviewsPath(organisation.code) : null };
}
