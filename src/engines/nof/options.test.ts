import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getFramework } from './frameworks.ts';
import { resolveNofOptions } from './options.ts';

const framework = getFramework('nof-2025-26');

test('defaults fill every option', () => {
  const options = resolveNofOptions(framework, {}, ['mental-health-and-community']);
  assert.equal(options.cutPoints, 'framework');
  assert.equal(options.replicates, 4000);
  assert.equal(options.seed, 1);
  assert.equal(options.onCutPoint, 'better-segment');
  assert.equal(options.financeScoring, 'combined');
  assert.deepEqual(options.heldOrganisationTypes, ['mental-health-and-community']);
});

test('bad options are programmer errors, named in the message', () => {
  assert.throws(
    () => resolveNofOptions(framework, { onCutPoint: 'sideways' as never }),
    /invalid onCutPoint: sideways/,
  );
  assert.throws(() => resolveNofOptions(framework, { replicates: -1 }), /invalid replicates: -1/);
  assert.throws(
    () => resolveNofOptions(framework, { cutPoints: [2.3, 2.1, 2.6] }),
    /invalid cutPoints: 2.3, 2.1, 2.6/,
  );
  assert.throws(
    () => resolveNofOptions(framework, { likelyRangeCoverage: 1 }),
    /invalid likelyRangeCoverage: 1/,
  );
  assert.throws(
    () => resolveNofOptions(framework, { rankedAgainst: { OF0082: 'region' as never } }),
    /invalid rankedAgainst: OF0082=region/,
  );
  assert.throws(
    () => resolveNofOptions(framework, { heldOrganisationTypes: ['hospice' as never] }),
    /invalid heldOrganisationTypes: hospice/,
  );
});
