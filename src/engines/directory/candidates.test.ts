import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { bestOfPeers, type CandidateSeries, findCandidates, type PeerSeries } from './candidates.ts';

/** Monthly dates from April 2023. */
function months(count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const day = new Date(Date.UTC(2023, 3 + index, 1));
    return day.toISOString().slice(0, 10);
  });
}

/** A reproducible wobble around a level (no randomness: the same series every run). */
function wobble(level: number, index: number, size = 2): number {
  return level + size * Math.sin(index * 2.3) + (size / 2) * Math.cos(index * 5.1);
}

function series(
  code: string,
  values: readonly (number | null)[],
  extra: Partial<CandidateSeries> = {},
): CandidateSeries {
  const dates = months(values.length);
  return {
    code,
    name: `Trust ${code}`,
    kind: 'trust',
    trustType: 'Acute',
    points: values.map((value, index) => ({ date: dates[index], value })),
    ...extra,
  };
}

const length = 24;
const latestPeriod = months(length).at(-1) ?? '';
const steady = (level: number) => Array.from({ length }, (_, index) => wobble(level, index));
/** Steady at 60 for 16 months, then a sustained shift up to about 70. */
const shifted = Array.from({ length }, (_, index) => wobble(index < 16 ? 60 : 70, index));

describe('findCandidates', () => {
  test('a sustained shift on the improvement side is a candidate, measured against its own baseline', () => {
    const result = findCandidates({
      direction: 'increase',
      latestPeriod,
      series: [series('AAA', shifted), series('BBB', steady(60))],
    });
    const found = result.candidates.find((candidate) => candidate.code === 'AAA');
    assert.ok(found, 'the shifted series is a candidate');
    assert.ok(found.reasons.includes('sustained_improvement'));
    assert.ok(
      found.rule === 'shift_above' || found.rule === 'above_upper_limit' || found.rule === 'trend_increasing',
    );
    assert.ok(found.from.value > 57 && found.from.value < 63, `baseline near 60, got ${found.from.value}`);
    assert.ok(found.to.value > 66 && found.to.value < 74, `recent level near 70, got ${found.to.value}`);
    assert.ok(found.improvement > 5);
    assert.equal(
      result.candidates.some((candidate) => candidate.code === 'BBB'),
      false,
      'a steady series is not a candidate',
    );
  });

  test('the same shift on the concern side is never a candidate', () => {
    const result = findCandidates({ direction: 'decrease', latestPeriod, series: [series('AAA', shifted)] });
    assert.deepEqual(result.candidates, []);
  });

  test('a flat, an all-zero and a one-step drop to zero are never candidates', () => {
    const dropToZero = [...steady(40).slice(0, length - 1), 0];
    const result = findCandidates({
      direction: 'decrease',
      latestPeriod,
      series: [
        series('FLT', Array(length).fill(5)),
        series('ZER', Array(length).fill(0)),
        series('DRP', dropToZero),
      ],
    });
    assert.deepEqual(result.candidates, []);
    const reasons = Object.fromEntries(result.excluded.map((row) => [row.code, row.reason]));
    assert.deepEqual(reasons, { FLT: 'flat_or_all_zero', ZER: 'flat_or_all_zero', DRP: 'drop_to_zero' });
  });

  test('trial limits only, or an organisation that no longer reports, is never a candidate', () => {
    const short = shifted.slice(-10);
    const stopped = [...shifted.slice(0, length - 2), null, null];
    const result = findCandidates({
      direction: 'increase',
      latestPeriod,
      series: [
        {
          ...series('SHT', short),
          points: series('SHT', short).points.map((point, index) => ({
            ...point,
            date: months(length)[length - 10 + index],
          })),
        },
        series('STP', stopped),
        series('AAA', shifted),
      ],
    });
    assert.deepEqual(
      result.candidates.map((candidate) => candidate.code),
      ['AAA'],
    );
    const reasons = Object.fromEntries(result.excluded.map((row) => [row.code, row.reason]));
    assert.equal(reasons.SHT, 'trial_limits');
    assert.equal(reasons.STP, 'no_longer_reports');
  });

  test('a metric with no better direction has no candidates', () => {
    const result = findCandidates({ direction: 'neutral', latestPeriod, series: [series('AAA', shifted)] });
    assert.deepEqual(result.candidates, []);
    assert.equal(result.excluded[0].reason, 'no_better_direction');
  });

  test('consistently in the best quartile of its peers over the last year is a candidate; once is not', () => {
    const peers = Array.from({ length: 11 }, (_, index) =>
      series(`P${String(index).padStart(2, '0')}`, steady(50 + index)),
    );
    const best = series('BST', steady(90));
    // Best only in the latest month, ordinary before.
    const once = series('ONC', [...steady(52).slice(0, length - 1), 89]);
    const otherType = series('OTH', steady(95), { trustType: 'Specialist' });
    const result = findCandidates({
      direction: 'increase',
      latestPeriod,
      series: [...peers, best, once, otherType],
    });
    const bestFound = result.candidates.find((candidate) => candidate.code === 'BST');
    assert.ok(bestFound?.reasons.includes('best_of_peers'));
    const onceFound = result.candidates.find((candidate) => candidate.code === 'ONC');
    assert.equal(onceFound?.reasons.includes('best_of_peers') ?? false, false);
    // Too few peers of its own type for a quartile to mean anything.
    assert.equal(
      result.candidates.some((candidate) => candidate.code === 'OTH'),
      false,
    );
  });

  test('sustained improvers come first, the larger improvement against their own baseline first', () => {
    const small = Array.from({ length }, (_, index) => wobble(index < 16 ? 60 : 66, index, 1));
    const large = Array.from({ length }, (_, index) => wobble(index < 16 ? 60 : 80, index, 1));
    const result = findCandidates({
      direction: 'increase',
      latestPeriod,
      series: [series('SML', small), series('LRG', large)],
    });
    assert.deepEqual(
      result.candidates.map((candidate) => candidate.code),
      ['LRG', 'SML'],
    );
    const [first, second] = result.candidates;
    assert.ok((first.relativeImprovement ?? 0) > (second.relativeImprovement ?? 0));
  });

  test('property: scaling a series by a positive factor never changes whether it is a candidate', () => {
    for (const factor of [0.5, 3, 1000]) {
      const scaled = shifted.map((value) => value * factor);
      const result = findCandidates({ direction: 'increase', latestPeriod, series: [series('AAA', scaled)] });
      assert.equal(result.candidates.length, 1, `factor ${factor}`);
    }
  });

  test('property: no series whose latest values are zero after a sustained non-zero run is ever a candidate', () => {
    for (let level = 15; level <= 400; level += 35) {
      for (const direction of ['increase', 'decrease'] as const) {
        const values = [
          ...Array.from({ length: length - 1 }, (_, index) => wobble(level, index, level / 20)),
          0,
        ];
        const result = findCandidates({ direction, latestPeriod, series: [series('DRP', values)] });
        assert.deepEqual(result.candidates, [], `level ${level} ${direction}`);
      }
    }
  });
  test('a series mostly of zeros is never a candidate, however its last values fall', () => {
    const rare = Array.from({ length }, (_, index) =>
      index < 4 ? [1, 2, 1, 3][index] : index % 5 === 0 ? 1 : 0,
    );
    const result = findCandidates({ direction: 'decrease', latestPeriod, series: [series('RAR', rare)] });
    assert.deepEqual(result.candidates, []);
    assert.equal(result.excluded[0].reason, 'mostly_zero');
  });

  test('an improvement that has slipped back past its baseline is not sustained', () => {
    const slipped = [...shifted.slice(0, length - 1), 57];
    const result = findCandidates({ direction: 'increase', latestPeriod, series: [series('SLP', slipped)] });
    assert.equal(
      result.candidates.some((candidate) => candidate.reasons.includes('sustained_improvement')),
      false,
    );
  });
});

describe('bestOfPeers', () => {
  /** The rule as written, each organisation against every other in every period: the oracle. */
  function bestOfPeersByHand(
    read: readonly PeerSeries[],
    direction: 'increase' | 'decrease',
    since: string,
    latest: string,
    minimumPeers: number,
  ): string[] {
    const periods = [
      ...new Set(
        read.flatMap((series) =>
          series.dates.filter(
            (date, index) => date >= since && date <= latest && series.values[index] !== null,
          ),
        ),
      ),
    ];
    const valueAt = (series: PeerSeries, date: string) => {
      const index = series.dates.findIndex((each, at) => each === date && series.values[at] !== null);
      return index < 0 ? null : (series.values[index] as number);
    };
    return read
      .filter(
        (series) =>
          periods.length > 0 &&
          periods.every((date) => {
            const own = valueAt(series, date);
            const peers = read.filter((other) =>
              series.input.trustType
                ? other.input.trustType === series.input.trustType
                : other.input.kind === series.input.kind,
            );
            const values = peers.flatMap((other) => {
              const value = valueAt(other, date);
              return value === null ? [] : [value];
            });
            if (own === null || values.length < minimumPeers) return false;
            const better = values.filter((value) =>
              direction === 'increase' ? value > own : value < own,
            ).length;
            return better + 1 <= Math.ceil(values.length / 4);
          }),
      )
      .map((series) => series.input.code);
  }

  test('finds exactly whom the rule finds, comparing each organisation with every other', () => {
    const dates = months(18);
    const latest = dates.at(-1) ?? '';
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            kind: fc.constantFrom('trust', 'team', null),
            trustType: fc.constantFrom('Acute', 'Mental health', null, ''),
            // few distinct values, so that ties are common
            values: fc.array(fc.option(fc.integer({ min: 0, max: 6 }), { nil: null, freq: 6 }), {
              minLength: 18,
              maxLength: 18,
            }),
            from: fc.integer({ min: 0, max: 8 }),
          }),
          { maxLength: 40 },
        ),
        fc.constantFrom('increase' as const, 'decrease' as const),
        fc.integer({ min: 1, max: 6 }),
        (rows, direction, minimumPeers) => {
          const read: PeerSeries[] = rows.map((row, index) => ({
            input: { code: `O${index}`, kind: row.kind, trustType: row.trustType },
            dates: dates.slice(row.from),
            values: row.values.slice(row.from),
          }));
          const found = bestOfPeers(read, direction, latest, 12, minimumPeers);
          assert.deepEqual(
            [...found].sort(),
            bestOfPeersByHand(read, direction, dates[dates.length - 12], latest, minimumPeers).sort(),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
