import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { bundled, openLoadedStore } from '../../test/helpers/loaded-store.ts';
import type { Store } from '../store/db.ts';
import type { MetricRow } from '../store/tables.ts';
import {
  improvingOrganisations,
  isNewConcern,
  type MetricAcrossOrganisations,
  metricAcrossOrganisations,
  type OrganisationReading,
  peerRank,
  peerRanksOf,
} from './metric-across.ts';

function reading(
  code: string,
  value: number | null,
  group: { kind?: string; trustType?: string | null } = {},
): OrganisationReading {
  return {
    code,
    name: `Trust ${code}`,
    kind: group.kind ?? 'trust',
    trustType: group.trustType ?? null,
    points: [{ date: '2025-06-01', value }],
    latest: value === null ? null : { date: '2025-06-01', value },
    latestPointType: 'common_cause',
    previousPointType: null,
    variationIcon: null,
    settledLimits: false,
  };
}

function across(direction: string, organisations: OrganisationReading[]): MetricAcrossOrganisations {
  return {
    metric: { id: 'm', name: 'M', direction } as MetricRow,
    granularity: 'month',
    latestPeriod: '2025-06-01',
    organisations,
  };
}

describe('peerRank', () => {
  it('ranks the best value first in the metric direction, ties sharing the better rank', () => {
    const higher = across('higher_is_better', [
      reading('A', 90),
      reading('B', 80),
      reading('C', 80),
      reading('D', 70),
    ]);
    assert.deepEqual(
      ['A', 'B', 'C', 'D'].map((code) => peerRank(higher, code)?.rank),
      [1, 2, 2, 4],
    );
    assert.equal(peerRank(higher, 'D')?.peerCount, 4);
    assert.equal(peerRank(higher, 'D')?.peerMedian, 80);
    assert.equal(peerRank(higher, 'A')?.orderedBy, 'best');
    const lower = across('lower_is_better', higher.organisations);
    assert.deepEqual(
      ['A', 'B', 'C', 'D'].map((code) => peerRank(lower, code)?.rank),
      [4, 2, 2, 1],
    );
    const neutral = across('neutral', higher.organisations);
    // No better direction, no rank: the value and the peers' median still are given.
    assert.equal(peerRank(neutral, 'A')?.rank, null);
    assert.equal(peerRank(neutral, 'A')?.orderedBy, 'no-better-direction');
    assert.equal(peerRank(neutral, 'A')?.peerCount, 4);
  });

  it('compares a trust with trusts of its type, and others with their kind', () => {
    const mixed = across('higher_is_better', [
      reading('A', 10, { trustType: 'Acute trust' }),
      reading('B', 20, { trustType: 'Ambulance trust' }),
      reading('C', 30, { trustType: 'Acute trust' }),
      reading('I', 50, { kind: 'icb' }),
      reading('J', 40, { kind: 'icb' }),
    ]);
    assert.deepEqual(peerRank(mixed, 'A'), {
      rank: 2,
      peerCount: 2,
      value: 10,
      peerMedian: 20,
      period: '2025-06-01',
      peerGroup: { kind: 'trust', trustType: 'Acute trust' },
      orderedBy: 'best',
    });
    assert.equal(peerRank(mixed, 'B')?.peerCount, 1);
    assert.equal(peerRank(mixed, 'J')?.rank, 2);
    assert.equal(peerRank(mixed, 'J')?.peerCount, 2);
  });

  it('has no rank for an organisation without a value, or one not held', () => {
    const data = across('higher_is_better', [reading('A', null), reading('B', 3)]);
    assert.equal(peerRank(data, 'A'), null);
    assert.equal(peerRank(data, 'Z'), null);
    assert.equal(peerRank(data, 'B')?.peerCount, 1, 'a peer without a value is not counted');
  });

  it('lists who improved, still reporting and settled only, peers first, never the organisation itself', () => {
    const improving = (code: string, group: { trustType?: string }, settled = true): OrganisationReading => ({
      ...reading(code, 1, group),
      points: [
        { date: '2025-05-01', value: 3 },
        { date: '2025-06-01', value: 1 },
      ],
      latestPointType: 'special_cause_improvement',
      settledLimits: settled,
    });
    const data = across('higher_is_better', [
      improving('Z', { trustType: 'Ambulance trust' }),
      improving('B', { trustType: 'Acute trust' }),
      improving('A', { trustType: 'Ambulance trust' }),
      improving('T', { trustType: 'Acute trust' }, false),
      reading('C', 2, { trustType: 'Acute trust' }),
      improving('S', { trustType: 'Acute trust' }),
      { ...improving('Q', { trustType: 'Acute trust' }), latest: { date: '2019-03-01', value: 1 } },
    ]);
    assert.deepEqual(
      improvingOrganisations(data, 'S').map((row) => row.code),
      ['B', 'A', 'Z'],
    );
    assert.deepEqual(
      improvingOrganisations(data, 'nobody').map((row) => row.code),
      ['A', 'B', 'S', 'Z'],
    );
  });

  it('never lists a flat or all-zero series, or one that reached zero in one step, as having improved', () => {
    const withValues = (code: string, values: number[]): OrganisationReading => {
      const points = values.map((value, index) => ({
        date: new Date(Date.UTC(2024, 6 + index - values.length + 12, 1)).toISOString().slice(0, 10),
        value,
      }));
      return {
        ...reading(code, values.at(-1) ?? null),
        points,
        latest: { date: points.at(-1)?.date as string, value: values.at(-1) as number },
        latestPointType: 'special_cause_improvement',
        settledLimits: true,
      };
    };
    const data = across('lower_is_better', [
      withValues('F', [0, 0, 0, 0, 0, 0, 0, 0]),
      withValues('Z', [649, 445, 485, 617, 692, 503, 666, 441, 0]),
      withValues('G', [50, 48, 52, 49, 51, 30, 22, 18, 15]),
    ]);
    assert.equal(data.latestPeriod, data.organisations[0].points.at(-1)?.date);
    assert.deepEqual(
      improvingOrganisations(data, 'nobody').map((row) => row.code),
      ['G'],
    );
  });

  it('calls a concern new only when the point before was not one', () => {
    assert.equal(isNewConcern('special_cause_concern', 'common_cause'), true);
    assert.equal(isNewConcern('special_cause_concern', 'special_cause_improvement'), true);
    assert.equal(isNewConcern('special_cause_concern', null), true);
    assert.equal(isNewConcern('special_cause_concern', 'special_cause_concern'), false);
    assert.equal(isNewConcern('common_cause', 'special_cause_concern'), false);
    assert.equal(isNewConcern(null, null), false);
  });
});

describe('peer ranks against the NHS Oversight Framework data file', () => {
  let store: Store;
  before(async () => {
    store = await openLoadedStore([
      bundled.odsTrusts,
      bundled.trustLookup,
      bundled.nofData,
      bundled.nofLeagueTable,
    ]);
  });
  after(async () => store.close());

  /**
   * The published file ranks each trust on each metric among the 61 mental health and community
   * trusts. Its values are rounded for publication and its ranks come from the unrounded ones, so
   * where trusts share a published value the published rank may be any place within the tie.
   */
  it('ranks each trust on each reported metric as NHS England does, Q4 2025/26', async () => {
    const published = (
      parse(fs.readFileSync(bundled.nofData), { bom: true, columns: true }) as Record<string, string>[]
    ).filter(
      (row) =>
        row.Quarter === 'Q4 2025/26' &&
        row.Rank !== '' &&
        row.Value !== '' &&
        (['%', 'out of 10', 'percentage points'].includes(row.Units) || row.Metric_ID === 'OF5002'),
    );
    assert.ok(published.length > 600, `${published.length} ranked values`);
    let exact = 0;
    for (const row of published) {
      const charted = await metricAcrossOrganisations(store.db, row.Metric_ID);
      const peers = peerRank(charted, row.Trust_code);
      const label = `${row.Trust_code} ${row.Metric_ID}`;
      assert.ok(peers, label);
      assert.equal(peers.period, '2026-01-01', label);
      assert.ok(peers.rank !== null, `${label}: a metric NHS England ranks has a better direction`);
      const tied = charted.organisations.filter((other) => other.latest?.value === peers.value).length;
      const rank = Number(row.Rank);
      assert.ok(
        rank >= peers.rank && rank <= peers.rank + tied - 1,
        `${label}: published rank ${rank}, Tend ${peers.rank} with ${tied} sharing the value`,
      );
      if (rank === peers.rank) exact++;
    }
    // 613 of 649 are exact; the rest sit inside a tie of published values.
    assert.ok(exact / published.length > 0.9, `${exact} of ${published.length} exact`);
  });
});

describe('peer ranks of every metric an organisation holds, read in one query', () => {
  let store: Store;
  before(async () => {
    store = await openLoadedStore(
      [bundled.odsTrusts, bundled.trustLookup, bundled.nofData, ...bundled.aeMonthly],
      { computeSignals: false },
    );
  });
  after(() => store?.close());

  it('agree with ranking each metric from every organisation’s charted series', async () => {
    for (const code of ['RYY', 'RJ1', 'RGT', 'RXT']) {
      const ranks = await peerRanksOf(store.db, code);
      const metrics = await store.db
        .selectFrom('observation')
        .select('metric_id')
        .distinct()
        .where('org_code', '=', code)
        .where('status', '=', 'reported')
        .execute();
      assert.ok(metrics.length > 0, `${code} holds metrics`);
      for (const { metric_id: metricId } of metrics) {
        const expected = peerRank(await metricAcrossOrganisations(store.db, metricId), code);
        assert.deepEqual(ranks.get(metricId) ?? null, expected, `${code} ${metricId}`);
      }
    }
  });
});
