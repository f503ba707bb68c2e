import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { computeSpc } from '../spc/compute-spc.ts';
import type { ImprovementDirection } from '../spc/options.ts';
import {
  assuranceEpisode,
  dataQuestionEpisodes,
  episodeKey,
  mayHaveChartSignals,
  type SignalSeries,
  segmentChangeEpisode,
  seriesEpisodes,
  specialCauseEpisode,
} from './episodes.ts';
import { countsReadAsRates } from './rates.ts';
import { hasSettledLimits, isNewConcern, readsCurrent } from './rules.ts';

function monthStart(index: number): string {
  return new Date(Date.UTC(2023, index, 1)).toISOString().slice(0, 10);
}

/** A stored series charted the way Tend charts it, ending at the metric's latest period unless told. */
function charted(
  values: readonly (number | null)[],
  direction: ImprovementDirection,
  extra: { target?: number; latestPeriod?: string | null; bounds?: { min?: number; max?: number } } = {},
): SignalSeries {
  const points = values.map((value, index) => ({ date: monthStart(index), value }));
  const spc = computeSpc([{ facet: 'RXX', points, target: extra.target ?? null }], {
    improvementDirection: direction,
  }).series[0];
  return {
    orgCode: 'RXX',
    metricId: 'm',
    spc,
    latestPeriod: extra.latestPeriod === undefined ? monthStart(values.length - 1) : extra.latestPeriod,
    bounds: extra.bounds,
  };
}

// 20 points varying around 50 (common cause) — the baseline every case below builds on
const baseline = [50, 52, 48, 51, 49, 53, 47, 50, 52, 48, 51, 49, 50, 53, 47, 50, 51, 49, 52, 48];

test('a run of consecutive concern points is one episode starting at the run’s first point', () => {
  // higher is better; the last four points fall far below the lower limit
  const series = charted([...baseline, 20, 21, 19, 22], 'increase');
  const episode = specialCauseEpisode(series);
  assert.ok(episode);
  assert.equal(episode.kind, 'concern');
  assert.equal(episode.firstDate, monthStart(20));
  assert.equal(episode.latestDate, monthStart(23));
  assert.equal(episode.points, 4);
  assert.equal(episode.latestValue, 22);
  // the episode keeps its key as it goes on
  const longer = specialCauseEpisode(charted([...baseline, 20, 21, 19, 22, 18], 'increase'));
  assert.ok(longer);
  assert.equal(episodeKey(longer), episodeKey(episode));
  assert.equal(longer.points, 5);
});

test('a chart back to common cause at its latest point has no special-cause episode', () => {
  assert.equal(specialCauseEpisode(charted([...baseline, 20, 50], 'increase')), null);
  assert.equal(specialCauseEpisode(charted(baseline, 'increase')), null);
});

test('trial limits (fewer than 13 points) never raise a concern or improvement', () => {
  const short = charted([50, 52, 48, 51, 49, 53, 47, 50, 10], 'increase');
  assert.equal(short.spc.pointType.at(-1), 'special_cause_concern', 'the chart itself shows the point');
  assert.equal(hasSettledLimits(short.spc), false);
  assert.equal(specialCauseEpisode(short), null);
});

test('a series that has stopped reporting raises no special-cause signal', () => {
  const stale = charted([...baseline, 20], 'increase', { latestPeriod: monthStart(30) });
  assert.equal(specialCauseEpisode(stale), null);
});

test('an improvement is read from settled limits in the metric’s direction', () => {
  const episode = specialCauseEpisode(charted([...baseline, 90, 91], 'increase'));
  assert.equal(episode?.kind, 'improvement');
  assert.equal(episode?.points, 2);
});

test('all zeros never produce an improvement', () => {
  const zeros = charted(new Array(24).fill(0), 'decrease');
  assert.deepEqual(
    seriesEpisodes(zeros).filter((episode) => episode.kind === 'improvement'),
    [],
  );
});

test('a fall to zero in one step after a sustained run is a data question, never an improvement', () => {
  // lower is better: zeros would read as an improvement below the lower limit
  const values = [...baseline, 0, 0, 0];
  const series = charted(values, 'decrease');
  assert.equal(
    series.spc.pointType.at(-1),
    'special_cause_improvement',
    'the SPC rule alone would call it one',
  );
  const episodes = seriesEpisodes(series);
  assert.deepEqual(
    episodes.map((episode) => [episode.kind, episode.firstDate]),
    [['data_question', monthStart(20)]],
  );
  assert.match(episodes[0].detail, /fell to 0 in one step/);
});

test('a gradual fall that reaches zero is an improvement (no single-step drop)', () => {
  const values = [...baseline, 30, 20, 10, 5, 2, 0];
  const episodes = seriesEpisodes(charted(values, 'decrease'));
  assert.ok(episodes.some((episode) => episode.kind === 'improvement'));
  assert.ok(!episodes.some((episode) => episode.kind === 'data_question'));
});

test('values outside the metric’s bounds are data questions, one per date', () => {
  const series = charted([...baseline.slice(0, 10), 120, 50], 'increase', { bounds: { min: 0, max: 100 } });
  const questions = dataQuestionEpisodes(series);
  assert.deepEqual(
    questions.map((episode) => episode.firstDate),
    [monthStart(10)],
  );
  assert.equal(questions[0].latestValue, 120);
});

test('a target the process cannot meet is an assurance episode from the start of the latest limits', () => {
  const episode = assuranceEpisode(charted(baseline, 'increase', { target: 95 }));
  assert.ok(episode);
  assert.equal(episode.kind, 'assurance');
  assert.equal(episode.firstDate, monthStart(0));
  assert.match(episode.detail, /target of 95/);
  assert.equal(assuranceEpisode(charted(baseline, 'increase', { target: 20 })), null, 'a target always met');
});

test('a count read through its rate raises only data questions', () => {
  const series = { ...charted([...baseline, 20, 21, 19, 0], 'increase'), countWithRate: true };
  assert.equal(
    specialCauseEpisode({ ...series, countWithRate: false })?.kind,
    'concern',
    'read as itself it is one',
  );
  assert.deepEqual(
    seriesEpisodes(series).map((episode) => episode.kind),
    ['data_question'],
  );
  assert.deepEqual(
    countsReadAsRates([
      {
        id: 'falls',
        name: 'Inpatient falls',
        unit: 'count',
        numerator_definition: null,
        denominator_definition: null,
      },
      {
        id: 'falls-rate',
        name: 'Inpatient falls per 1,000 bed days',
        unit: 'per 1,000',
        numerator_definition: 'Inpatient  falls.',
        denominator_definition: 'Occupied bed days',
      },
      { id: 'beds', name: 'Beds', unit: 'count', numerator_definition: null, denominator_definition: null },
    ]),
    new Map([['falls', 'falls-rate']]),
  );
});

test('a segment change names both segments and its verdict; no change, no episode', () => {
  const change = {
    orgCode: 'RXX',
    metricId: 'nof-league-segment',
    quarterStart: '2025-10-01',
    quarter: 'Q3 2025/26',
    previousQuarter: 'Q2 2025/26',
    previousSegment: 2,
    currentSegment: 3,
    verdict: 'noise' as const,
  };
  const episode = segmentChangeEpisode(change);
  assert.match(
    episode?.detail ?? '',
    /Moved down from segment 2 in Q2 2025\/26 to segment 3 in Q3 2025\/26\. .*may be noise/,
  );
  assert.equal(segmentChangeEpisode({ ...change, currentSegment: 2 }), null);
});

test('the shared reading rules', () => {
  assert.equal(isNewConcern('special_cause_concern', 'common_cause'), true);
  assert.equal(isNewConcern('special_cause_concern', 'special_cause_concern'), false);
  assert.equal(
    readsCurrent(
      { settledLimits: true, latestValueDate: '2025-05-01', lastPointDate: '2025-05-01' },
      '2025-05-01',
    ),
    true,
  );
  assert.equal(
    readsCurrent(
      { settledLimits: true, latestValueDate: '2025-04-01', lastPointDate: '2025-05-01' },
      '2025-05-01',
    ),
    false,
  );
});

test('property: a special-cause episode always ends at the latest point and spans only points of its kind', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 13, maxLength: 40 }),
      fc.constantFrom<ImprovementDirection>('increase', 'decrease'),
      (values, direction) => {
        const series = charted(values, direction);
        const episode = specialCauseEpisode(series);
        if (!episode) return;
        const { dates, pointType } = series.spc;
        assert.equal(episode.latestDate, dates.at(-1));
        const first = dates.indexOf(episode.firstDate);
        const wanted = episode.kind === 'concern' ? 'special_cause_concern' : 'special_cause_improvement';
        for (let index = first; index < dates.length; index++) assert.equal(pointType[index], wanted);
        assert.equal(episode.points, dates.length - first);
        if (episode.kind === 'improvement') assert.ok(new Set(values).size > 1);
      },
    ),
  );
});

test('only a series at the latest period with 13 values or more is charted for signals; its special cause needs both', () => {
  const values = [...baseline, 20];
  const dates = values.map((_, index) => monthStart(index));
  assert.equal(mayHaveChartSignals({ dates, values }, monthStart(20)), true);
  assert.equal(mayHaveChartSignals({ dates, values }, monthStart(21)), false, 'stopped reporting');
  assert.equal(
    mayHaveChartSignals({ dates: dates.slice(9), values: values.slice(9) }, monthStart(20)),
    false,
    '12 values',
  );
  assert.equal(
    mayHaveChartSignals({ dates, values: [...baseline, null] }, monthStart(20)),
    false,
    'a gap at the end',
  );
  // what it leaves out never has a special-cause episode
  assert.equal(specialCauseEpisode(charted(values.slice(9), 'increase')), null);
  assert.equal(specialCauseEpisode(charted([...baseline, null], 'increase')), null);
});
