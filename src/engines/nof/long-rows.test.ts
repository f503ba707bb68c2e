import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRow, deepFreeze } from '../../../test/helpers/nof-fixtures.ts';
import { loadOfficialNofRows, quarters2025 } from '../../../test/helpers/nof-official.ts';
import { getFramework } from './frameworks.ts';
import { longRowsToQuarterInput, organisationTypeFromLabel } from './long-rows.ts';

const framework = getFramework('nof-2025-26');

test('organisation types from the labels NHS England uses', () => {
  assert.equal(
    organisationTypeFromLabel(framework, 'Mental health and community trust'),
    'mental-health-and-community',
  );
  assert.equal(organisationTypeFromLabel(framework, 'Non-acute'), 'mental-health-and-community');
  assert.equal(organisationTypeFromLabel(framework, 'Acute trust'), 'acute');
  assert.equal(organisationTypeFromLabel(framework, 'Ambulance Trust'), 'ambulance');
  assert.equal(organisationTypeFromLabel(framework, 'Hospice'), undefined);
});

test('values, scores, flags and published results land in the right places', () => {
  const rows = deepFreeze([
    buildRow('RYY', 'OF0061', 7.23, { rank: 3, median: 6.7, units: 'out of 10', reportingDate: '2025' }),
    buildRow('RYY', 'OF1061', 1.1),
    buildRow('RYY', 'OF1035', 2),
    buildRow('RYY', 'OF5004', 1),
    buildRow('RYY', 'OF5007', 0),
    buildRow('RYY', 'OF5002', 1.53),
    buildRow('RYY', 'OF5000', 1, { rank: 1 }),
    buildRow('RYY', 'OF4004', 1.4),
    buildRow('RYY', 'OF0061', 9.99, { quarter: 'Q3 2025/26' }),
  ]);
  const { input, issues } = longRowsToQuarterInput(framework, 'Q4 2025/26', rows);
  assert.deepEqual(issues, []);
  assert.equal(input.trusts.length, 1);
  const trust = input.trusts[0];
  assert.equal(trust.organisationType, 'mental-health-and-community');
  assert.deepEqual(trust.observations.OF0061, {
    metricId: 'OF0061',
    value: 7.23,
    publishedScore: 1.1,
    publishedRank: 3,
    details: {
      median: 6.7,
      lowerQuartile: null,
      upperQuartile: null,
      units: 'out of 10',
      reportingDate: '2025',
    },
  });
  assert.equal(trust.observations.OF0035.publishedScore, 2);
  assert.equal(trust.observations.OF0035.value, null);
  assert.equal(trust.deficit, true);
  assert.equal(trust.recoverySupportProgramme, false);
  assert.equal(trust.published?.averageMetricScore, 1.53);
  assert.equal(trust.published?.rank, 1);
  assert.equal(trust.published?.domainScores['people-and-workforce'], 1.4);
});

test('problems come back as issues, and the rest is still read', () => {
  const rows = deepFreeze([
    buildRow('RYY', 'OF0061', 7.2),
    buildRow('RYY', 'OF0061', 7.3),
    buildRow('RYY', 'OF1999', 2.5),
    buildRow('RYY', 'OF9000', 1),
    buildRow('XX1', 'OF0061', 7, { trustType: 'Hospice' }),
  ]);
  const { input, issues } = longRowsToQuarterInput(framework, 'Q4 2025/26', rows);
  assert.deepEqual(
    issues.map((issue) => issue.code),
    ['duplicate-row', 'unlisted-metric', 'unknown-metric-id', 'unknown-organisation-type'],
  );
  assert.equal(input.trusts.length, 1);
  assert.equal(input.trusts[0].observations.OF0061.value, 7.2);
  assert.equal(input.trusts[0].observations.OF0999.publishedScore, 2.5);
  assert.throws(() => longRowsToQuarterInput(framework, 'Quarter 4', rows), /invalid quarter: Quarter 4/);
});

test('official file: 61 mental health and community trusts in each quarter, with flags', () => {
  const rows = loadOfficialNofRows();
  for (const quarter of quarters2025) {
    const { input, issues } = longRowsToQuarterInput(framework, quarter, rows);
    assert.equal(input.trusts.length, 61, quarter);
    assert.deepEqual(issues, []);
    assert.ok(input.trusts.every((trust) => trust.organisationType === 'mental-health-and-community'));
    assert.ok(input.trusts.every((trust) => trust.deficit !== null));
    const inProgramme = input.trusts
      .filter((trust) => trust.recoverySupportProgramme === true)
      .map((trust) => trust.code);
    // Published: RHA, RW1 and RXV in the Recovery Support Programme in Q1; RHA and RW1 in Q2; not published after.
    if (quarter === 'Q1 2025/26') assert.deepEqual(inProgramme, ['RHA', 'RW1', 'RXV']);
    if (quarter === 'Q2 2025/26') assert.deepEqual(inProgramme, ['RHA', 'RW1']);
    if (quarter === 'Q3 2025/26')
      assert.ok(input.trusts.every((trust) => trust.recoverySupportProgramme === null));
  }
});
