import type { Kysely } from 'kysely';
import { countsReadAsRates } from '../engines/signals/rates.ts';
import { listMetrics } from '../store/repos/metric-repo.ts';
import type { Database, MetricRow } from '../store/tables.ts';
import { rememberUntilNextImport } from './assessment-cache.ts';

/**
 * The rate a count is read through, where the catalogue holds one (a metric whose numerator is the
 * count, with a denominator): "who has improved" reads the rate, since a count rises and falls with
 * activity. Null for anything else.
 */
export function rateReadInsteadOf(db: Kysely<Database>, metricId: string): Promise<MetricRow | null> {
  return rememberUntilNextImport(db, `rate-read-instead|${metricId}`, async () => {
    // National metrics only: a team's own indicator never names a rate on a national page.
    const metrics = await listMetrics(db);
    const rateId = countsReadAsRates(metrics).get(metricId);
    return metrics.find((metric) => metric.id === rateId) ?? null;
  });
}
