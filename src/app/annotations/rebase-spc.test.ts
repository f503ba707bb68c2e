import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openLoadedStore, webTestFiles } from '../../../test/helpers/loaded-store.ts';
import { testBackend } from '../../../test/helpers/test-store.ts';
import { operator } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { latestAcrossOrganisations } from '../metric-across.ts';
import { organisationScorecard, storedSpc } from '../spc-view.ts';
import { withdrawAnnotation } from './change.ts';
import { createAnnotation } from './create.ts';

/** Mean, and limits at 2.66 average moving ranges either side, worked out plainly from the values. */
function plainXmr(values: readonly number[]): { mean: number; lower: number; upper: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const ranges = values.slice(1).map((value, index) => Math.abs(value - values[index]));
  const averageRange = ranges.reduce((sum, range) => sum + range, 0) / ranges.length;
  return { mean, lower: mean - 2.66 * averageRange, upper: mean + 2.66 * averageRange };
}

function assertClose(actual: number | null, expected: number, what: string) {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);
}

describe(`a rebase recalculates the stored chart's limits (${testBackend})`, () => {
  let store: Store;
  const clock = () => new Date('2026-11-30T10:00:00Z');
  const org = 'RJ1';
  const metric = 'ae-4hr-type1';
  const rebaseDate = '2025-03-01';
  let values: { date: string; value: number }[];

  before(async () => {
    store = await openLoadedStore(webTestFiles);
    // The raw values, read straight from the observations (each month's reported percentage).
    const rows = await sql<{ date: string; value: number }>`
      select period_start::text as date, value from observation
      where org_code = ${org} and metric_id = ${metric} and status = 'reported' order by period_start`.execute(
      store.db,
    );
    values = rows.rows;
  });
  after(async () => {
    await store.close();
  });

  it('splits the limits at the rebase, each side from its own values, and restores them when it is withdrawn', async () => {
    assert.equal(values.length, 13, "Guy's and St Thomas' has 13 months of type 1 four-hour performance");
    const split = values.findIndex((row) => row.date === rebaseDate);
    assert.ok(split > 0);
    const whole = plainXmr(values.map((row) => row.value));
    const beforeRebase = plainXmr(values.slice(0, split).map((row) => row.value));
    const afterRebase = plainXmr(values.slice(split).map((row) => row.value));

    const original = await storedSpc(store.db, org, metric);
    assert.equal(original.series.groups.length, 1);
    assertClose(original.series.groups[0].centreLine, whole.mean, 'mean');
    assertClose(original.series.groups[0].lowerProcessLimit, whole.lower, 'lower limit');
    assertClose(original.series.groups[0].upperProcessLimit, whole.upper, 'upper limit');
    const originalLatest = (await latestAcrossOrganisations(store.db, metric)).readings.find(
      (row) => row.code === org,
    );
    assert.equal(originalLatest?.settledLimits, true);

    const context = { db: store.db, actor: operator('test'), clock };
    const annotation = await createAnnotation(context, {
      org,
      metric,
      date: '2025-03-15',
      kind: 'rebase',
      text: 'New emergency floor opened',
      rebaseReason: 'The new emergency floor opened in March and the shift has held since',
    });
    assert.equal(annotation.on_date, rebaseDate);

    const rebased = await storedSpc(store.db, org, metric);
    const [first, second] = rebased.series.groups;
    assert.equal(rebased.series.groups.length, 2);
    assert.equal(second.startDate, rebaseDate);
    assert.equal(second.rebaseReason, 'The new emergency floor opened in March and the shift has held since');
    assertClose(first.centreLine, beforeRebase.mean, 'mean before the rebase');
    assertClose(first.lowerProcessLimit, beforeRebase.lower, 'lower limit before the rebase');
    assertClose(first.upperProcessLimit, beforeRebase.upper, 'upper limit before the rebase');
    assertClose(second.centreLine, afterRebase.mean, 'mean after the rebase');
    assertClose(second.lowerProcessLimit, afterRebase.lower, 'lower limit after the rebase');
    assertClose(second.upperProcessLimit, afterRebase.upper, 'upper limit after the rebase');
    assert.notEqual(Math.round(afterRebase.mean * 1e6), Math.round(whole.mean * 1e6));

    // Everything else that charts the stored series follows it: the scorecard and the cross-organisation view.
    const scorecard = (await organisationScorecard(store.db, org)).find((row) => row.metric.id === metric);
    assert.equal(scorecard?.variationIcon, rebased.series.variationIcon);
    assert.notEqual(rebased.series.variationIcon, original.series.variationIcon);
    const latest = (await latestAcrossOrganisations(store.db, metric)).readings.find(
      (row) => row.code === org,
    );
    assert.equal(latest?.variationIcon, rebased.series.variationIcon);
    assert.equal(latest?.settledLimits, false, 'four points since the rebase: trial limits');

    await withdrawAnnotation(context, annotation.id);
    const restored = await storedSpc(store.db, org, metric);
    assert.equal(restored.series.groups.length, 1);
    assertClose(restored.series.groups[0].centreLine, whole.mean, 'mean once withdrawn');
    assertClose(restored.series.groups[0].lowerProcessLimit, whole.lower, 'lower limit once withdrawn');
    assertClose(restored.series.groups[0].upperProcessLimit, whole.upper, 'upper limit once withdrawn');
    const restoredLatest = (await latestAcrossOrganisations(store.db, metric)).readings.find(
      (row) => row.code === org,
    );
    assert.equal(restoredLatest?.variationIcon, original.series.variationIcon);
    assert.equal(restoredLatest?.settledLimits, true);
  });
});
