import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findMetric, frameworkForQuarter, frameworks, getFramework } from './frameworks.ts';

test('every framework year is reachable by id and by quarter', () => {
  assert.equal(getFramework('nof-2025-26').year, '2025/26');
  assert.equal(getFramework('nof-2026-27').year, '2026/27');
  assert.equal(frameworkForQuarter('Q3 2025/26')?.id, 'nof-2025-26');
  assert.equal(frameworkForQuarter('Q1 2026/27')?.id, 'nof-2026-27');
  assert.equal(frameworkForQuarter('Q1 2024/25'), undefined);
  assert.throws(() => getFramework('nof-1999-00'), /invalid framework: nof-1999-00/);
});

test('metric definitions are well formed', () => {
  for (const framework of Object.values(frameworks)) {
    const ids = framework.metrics.map((metric) => metric.id);
    assert.equal(new Set(ids).size, ids.length, `${framework.id}: duplicate metric ids`);
    for (const metric of framework.metrics) {
      assert.match(metric.id, /^OF0\d{3}$/);
      assert.equal(metric.scoreId, `OF1${metric.id.slice(3)}`);
      assert.ok(
        framework.domains.some((domain) => domain.id === metric.domain),
        `${metric.id}: unknown domain`,
      );
      assert.ok(metric.appliesTo.length > 0);
      if (metric.scoring.kind === 'ranked' || metric.scoring.kind === 'thresholds')
        assert.ok(metric.direction, `${metric.id}: needs a direction`);
      if (metric.scoringProvenance === 'inferred')
        assert.ok(metric.inferred.length > 0, `${metric.id}: say what is inferred`);
      assert.equal(findMetric(framework, metric.scoreId), metric);
    }
  }
});

test('the three infection metrics weigh one third each (documented), everything else one', () => {
  const framework = getFramework('nof-2025-26');
  const partial = framework.metrics.filter((metric) => metric.weight !== 1);
  assert.deepEqual(
    partial.map((metric) => metric.id),
    ['OF0020', 'OF0048', 'OF0088'],
  );
  assert.ok(Math.abs(partial.reduce((sum, metric) => sum + metric.weight, 0) - 1) < 1e-12);
});

test('combined finance: the observed cells follow the stated rule', () => {
  const combined = getFramework('nof-2025-26').combinedFinance;
  for (let planned = 1; planned <= 4; planned++) {
    for (let variance = 1; variance <= 4; variance++) {
      const rule = planned === 1 ? Math.max(1, variance - 1) : Math.min(4, variance + 1);
      assert.equal(combined.matrix[planned - 1][variance - 1], rule);
    }
  }
  assert.equal(combined.observedCells.length, 11);
});

test('each published quarter carries cut points inside the intervals of its published segments', () => {
  const framework = getFramework('nof-2025-26');
  assert.deepEqual(Object.keys(framework.publishedCutPoints), [
    'Q1 2025/26',
    'Q2 2025/26',
    'Q3 2025/26',
    'Q4 2025/26',
  ]);
  for (const [quarter, cutPoints] of Object.entries(framework.publishedCutPoints)) {
    cutPoints.values.forEach((value, index) => {
      const [highestBetter, lowestWorse] = cutPoints.intervals[index];
      assert.ok(highestBetter < value && value < lowestWorse, `${quarter} boundary ${index + 1}: ${value}`);
    });
  }
});

test('2026/27 is provisional: ICBs segmented, fixed thresholds marked provisional', () => {
  const framework = getFramework('nof-2026-27');
  assert.equal(framework.status, 'provisional');
  assert.ok(framework.segmentedOrganisationTypes.includes('icb'));
  assert.deepEqual(framework.segmentation, {
    method: 'fixed-thresholds',
    thresholds: [1.5, 2.5, 3.5],
    provenance: 'provisional',
  });
  assert.equal(framework.financialOverride.provenance, 'provisional');
  assert.ok(!getFramework('nof-2025-26').segmentedOrganisationTypes.includes('icb'));
});
