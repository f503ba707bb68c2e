import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nofCoverage, whyNoSegment } from './coverage.ts';
import { nof202526 } from './nof-2025-26.ts';
import { describeSegment } from './segment-descriptions.ts';

test('coverage names the trust types held and those missing, with the quarters', () => {
  const coverage = nofCoverage(nof202526, ['mental-health-and-community'], ['Q4 2025/26', 'Q3 2025/26']);
  assert.deepEqual(coverage.held, ['Mental health and community trust']);
  assert.deepEqual(coverage.missing, ['Acute trust', 'Ambulance trust']);
  assert.equal(
    coverage.statement,
    "Tend holds NHS England's official Oversight Framework data for mental health and community trusts for Q3 2025/26 and Q4 2025/26. It holds no data for acute trusts and ambulance trusts, so they have no segment or rank here: NHS England publishes theirs.",
  );
  assert.match(coverage.publicationHref, /^https:\/\/www\.england\.nhs\.uk\//);
});

test('with every segmented type held, nothing is said to be missing; ICBs are never listed as missing in 2025/26', () => {
  const coverage = nofCoverage(
    nof202526,
    ['acute', 'mental-health-and-community', 'ambulance'],
    ['Q1 2025/26'],
  );
  assert.deepEqual(coverage.missing, []);
  assert.doesNotMatch(coverage.statement, /no data/);
});

test('why an organisation has no segment: an acute trust, an ICB, something that is not a trust', () => {
  const coverage = nofCoverage(nof202526, ['mental-health-and-community'], ['Q4 2025/26']);
  const acute = whyNoSegment(
    nof202526,
    { name: 'Royal Free London NHS Foundation Trust', kind: 'trust', type: null },
    coverage,
  );
  assert.match(
    acute,
    /only, and none for Royal Free London NHS Foundation Trust; NHS England also segments acute trusts and ambulance trusts\. Rather than show a segment or rank it cannot reproduce, Tend shows none/,
  );
  assert.match(
    whyNoSegment(nof202526, { name: 'NHS Kent and Medway ICB', kind: 'icb', type: null }, coverage),
    /does not segment integrated care boards in 2025\/26/,
  );
  assert.match(
    whyNoSegment(nof202526, { name: 'A UTC', kind: 'other_provider', type: null }, coverage),
    /is not one/,
  );
});

test('every segment has a plain-English meaning, and nothing else has one', () => {
  for (const segment of [1, 2, 3, 4, 5]) assert.ok((describeSegment(segment) ?? '').length > 20);
  assert.match(describeSegment(3) ?? '', /deficit/);
  assert.equal(describeSegment(0), null);
  assert.equal(describeSegment(null), null);
  assert.equal(describeSegment(2.5), null);
});
