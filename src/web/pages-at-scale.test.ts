import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bundled, openLoadedStore, webTestFiles } from '../../test/helpers/loaded-store.ts';
import { computationsOf } from '../app/assessment-cache.ts';
import { importFile } from '../app/import-file.ts';
import {
  improvingOrganisations,
  improvingOrganisationsOn,
  latestValuesOf,
  metricAcrossOrganisations,
  metricIdsWithData,
  metricReadings,
  peerRankOn,
  peerRanksOf,
  valuesAt,
} from '../app/metric-across.ts';
import { rateReadInsteadOf } from '../app/who-has-improved.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';

/**
 * A practice's chart page and a metric page read only what they show: the chart page its peer rank
 * from the one query the organisation page also reads and who is improving from the kept signals,
 * never every organisation's series charted; the metric page every series charted once and kept
 * without their points. Counted with `computationsOf`, the memo's own count of computations.
 */
describe('pages read what they show, not every organisation’s series', () => {
  let store: Store;
  let app: FastifyInstance;
  before(async () => {
    store = await openLoadedStore(webTestFiles);
    app = await buildApp({ store, config: { logLevel: 'silent' } });
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });

  const counts = () => ({
    across: computationsOf('metric-across|'),
    readings: computationsOf('metric-readings|'),
    peerRanks: computationsOf('peer-ranks|RJ1'),
  });

  it('an organisation page and its chart pages read its peer ranks in one query and chart no one else', async () => {
    const before = counts();
    for (const url of [
      '/organisations/RJ1',
      '/organisations/RJ1/metrics/ae-4hr-type1',
      '/organisations/RJ1/metrics/ae-4hr-all',
    ])
      assert.equal((await app.inject(url)).statusCode, 200, url);
    assert.deepEqual(counts(), { ...before, peerRanks: before.peerRanks + 1 });
  });

  it('a metric page charts its metric once, and no page keeps every organisation’s points', async () => {
    const before = counts();
    assert.equal((await app.inject('/metrics/ae-4hr-type1')).statusCode, 200);
    assert.equal((await app.inject('/organisations/RGT/metrics/ae-4hr-type1')).statusCode, 200);
    assert.deepEqual(counts(), { ...before, readings: before.readings + 1 });
    const kept = await metricReadings(store.db, 'ae-4hr-type1');
    assert.ok(kept.organisations.length > 100, `${kept.organisations.length} organisations`);
    for (const reading of kept.organisations) assert.equal('points' in reading, false, reading.code);
  });

  it('who is improving, read from the kept signals, is who charting every series finds', async () => {
    let compared = 0;
    for (const metricId of await metricIdsWithData(store.db)) {
      // a count read through its rate lists no improvers on its pages
      if (await rateReadInsteadOf(store.db, metricId)) continue;
      const across = await metricAcrossOrganisations(store.db, metricId);
      for (const self of ['', 'RJ1', 'RXT']) {
        const reading = across.organisations.find((row) => row.code === self);
        const charted = improvingOrganisations(across, self).map(
          (row) => `${row.code} ${row.latest?.date} ${row.latest?.value}`,
        );
        const kept = (
          await improvingOrganisationsOn(
            store.db,
            metricId,
            reading ? { code: self, kind: reading.kind, trustType: reading.trustType } : null,
          )
        ).map((row) => `${row.code} ${row.latest?.date} ${row.latest?.value}`);
        assert.deepEqual(kept, charted, `${metricId} seen from ${self || 'nobody'}`);
        compared += charted.length;
      }
    }
    assert.ok(compared > 0, 'some organisation is improving on some metric');
  });

  it('a metric’s kept readings give the values, variation and trial limits of every series charted', async () => {
    for (const metricId of ['ae-4hr-type1', 'ae-dta-12hr', 'OF0082', 'nof-league-financial-deficit']) {
      const across = await metricAcrossOrganisations(store.db, metricId);
      const kept = await metricReadings(store.db, metricId);
      assert.equal(kept.latestPeriod, across.latestPeriod, metricId);
      assert.deepEqual(
        latestValuesOf(kept).map((row) => [row.code, row.value, row.reading.variationIcon]),
        valuesAt(across, across.latestPeriod).map((row) => [row.code, row.value, row.reading.variationIcon]),
        metricId,
      );
      assert.deepEqual(
        kept.organisations.map((row) => [row.code, row.settledLimits]),
        across.organisations.map((row) => [row.code, row.settledLimits]),
        metricId,
      );
    }
  });
});

/** Peer ranks from the one aggregate query, against values written out by hand. */
describe('peer ranks from the peers’ counts and middle values', () => {
  let store: Store;
  let folder: string;
  before(async () => {
    store = await openLoadedStore([bundled.odsTrusts, bundled.trustLookup], { computeSignals: false });
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-peer-figures-'));
    const file = path.join(folder, 'values.csv');
    // June 2024: R0B 90 best, R0A and R0D 80 tied second, R1A 60 fourth; median (80 + 80) / 2.
    // R1C's latest is May 2024, when only R0A (70) and R1C (75) report: R1C first of two, median 72.5.
    fs.writeFileSync(
      file,
      [
        'org_code,metric_id,period,value,numerator,denominator,status,note',
        'R0A,ae-4hr-type1,2024-05,70,70,100,,',
        'R1C,ae-4hr-type1,2024-05,75,75,100,,',
        'R0A,ae-4hr-type1,2024-06,80,80,100,,',
        'R0B,ae-4hr-type1,2024-06,90,90,100,,',
        'R0D,ae-4hr-type1,2024-06,80,80,100,,',
        'R1A,ae-4hr-type1,2024-06,60,60,100,,',
        'R0A,ae-dta-12hr,2024-06,3,,,,',
        'R0B,ae-dta-12hr,2024-06,1,,,,',
        'R0D,ae-dta-12hr,2024-06,2,,,,',
      ].join('\n'),
    );
    assert.equal((await importFile(store, file, { computeSignals: false })).outcome, 'imported');
  });
  after(async () => {
    await store?.close();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  it('ranks in the metric’s direction, ties sharing the better rank, each in its own latest period', async () => {
    const ranks = async (metricId: string, codes: string[]) =>
      Promise.all(
        codes.map(async (code) => {
          const peers = (await peerRanksOf(store.db, code)).get(metricId);
          return peers && [peers.rank, peers.peerCount, peers.peerMedian, peers.period];
        }),
      );
    assert.deepEqual(await ranks('ae-4hr-type1', ['R0A', 'R0B', 'R0D', 'R1A', 'R1C']), [
      [2, 4, 80, '2024-06-01'],
      [1, 4, 80, '2024-06-01'],
      [2, 4, 80, '2024-06-01'],
      [4, 4, 80, '2024-06-01'],
      [1, 2, 72.5, '2024-05-01'],
    ]);
    // lower is better: 1 first, 2 second, 3 third; median 2
    assert.deepEqual(await ranks('ae-dta-12hr', ['R0A', 'R0B', 'R0D']), [
      [3, 3, 2, '2024-06-01'],
      [1, 3, 2, '2024-06-01'],
      [2, 3, 2, '2024-06-01'],
    ]);
    assert.deepEqual(await peerRankOn(store.db, 'R1C', 'ae-4hr-type1'), {
      peers: {
        rank: 1,
        peerCount: 2,
        value: 75,
        peerMedian: 72.5,
        period: '2024-05-01',
        peerGroup: { kind: 'trust', trustType: null },
        orderedBy: 'best',
      },
      granularity: 'month',
    });
    assert.equal(await peerRankOn(store.db, 'R1C', 'ae-dta-12hr'), null);
  });
});
