import type { Kysely } from 'kysely';
import { listMetrics } from '../store/repos/metric-repo.ts';
import type { Database } from '../store/tables.ts';
import { metricCoverage } from './catalogue.ts';
import { candidatesReadOn, computeMetricCandidates } from './directory/candidates.ts';
import { metricReadings } from './metric-across.ts';

/** What `keepMetricResults` kept. */
export interface KeptMetricResults {
  /** Metrics whose coverage and readings across organisations were computed and kept. */
  readings: number;
  /** Metrics whose directory candidates were computed and kept. */
  candidates: number;
  milliseconds: number;
}

/**
 * What an import keeps up to date for the metrics it changed (`keepMetricResults`): each changed
 * national metric's coverage (`metricCoverage`: who holds it, over which periods) and its chart for
 * every organisation (`metricReadings`: a metric page's distribution, values and variation), and
 * the improvement directory's candidates of every metric read on a changed one
 * (`computeMetricCandidates`: a chart page's offers of help). Each is computed once, after the
 * import has committed, and kept in the store under the versions of the data it read, so the first
 * page to ask for it afterwards — in this process or the next — reads it instead of charting every
 * organisation: at the national scale of GP practices, seconds. Results of metrics the import did not
 * change are left as they are. Runs its queries one after another, on the import's own connection.
 */
export async function keepMetricResults(
  db: Kysely<Database>,
  changedMetricIds: readonly string[],
): Promise<KeptMetricResults> {
  const started = performance.now();
  const changed = new Set(changedMetricIds);
  const metrics = await listMetrics(db);
  let readings = 0;
  let candidates = 0;
  for (const metric of metrics) {
    if (changed.has(metric.id)) {
      await metricCoverage(db, metric.id);
      await metricReadings(db, metric.id);
      readings += 1;
    }
    // read on its rate where it is a count with one, as the candidates themselves are
    if (changed.has((await candidatesReadOn(db, metric.id)).readOn.id)) {
      await computeMetricCandidates(db, metric.id);
      candidates += 1;
    }
  }
  return { readings, candidates, milliseconds: performance.now() - started };
}
