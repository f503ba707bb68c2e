import type { UseCaseContext } from '../../../app/context.ts';
import { nearnessLabels, offersOfHelp } from '../../../app/directory/offers.ts';

/**
 * "Who has improved this" on every chart page and metric page, per reader: published directory
 * entries on the metric first (nearest to the chart's organisation first), then computed candidates
 * marked "candidate – not yet confirmed", never the chart's own organisation. Contacts' emails
 * follow their consent for this reader.
 */
export async function directorySection(
  context: UseCaseContext,
  metricId: string,
  orgCode: string | null,
): Promise<{
  directory: { entries: unknown[]; candidates: unknown[]; searchHref: string; candidatesHref: string };
}> {
  const offers = await offersOfHelp(context, { orgCode: orgCode ?? '', metricId, limit: 8 });
  const shaped = offers.map((offer) => ({ ...offer, nearnessLabel: nearnessLabels[offer.nearness] }));
  return {
    directory: {
      entries: shaped.filter((offer) => offer.kind === 'entry'),
      candidates: shaped.filter((offer) => offer.kind === 'candidate'),
      searchHref: `/improvement?metric=${encodeURIComponent(metricId)}`,
      candidatesHref: `/improvement/candidates?metric=${encodeURIComponent(metricId)}`,
    },
  };
}
