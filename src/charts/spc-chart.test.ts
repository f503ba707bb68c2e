import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assuranceIcons, variationIcons } from '../engines/spc/codes.ts';
import { computeSpc } from '../engines/spc/compute-spc.ts';
import type { SpcOptions } from '../engines/spc/options.ts';
import type { SpcRebase, SpcSeriesResult } from '../engines/spc/types.ts';
import { renderSpcChart, type SpcChartOptions } from './spc-chart.ts';
import { renderAssuranceIcon, renderIconSvg, renderVariationIcon } from './spc-icons.ts';

/**
 * Snapshot tests: each chart is compared with its golden file in test/golden/spc, after rounding
 * every number to 3 decimal places. Run with UPDATE_SNAPSHOTS=1 to write the golden files again,
 * then review the change before committing it.
 */

const goldenFolder = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'golden', 'spc');

function normalise(svg: string): string {
  return svg
    .replace(/-?\d+\.\d{4,}/g, (number) => String(Math.round(Number(number) * 1000) / 1000))
    .replace(/></g, '>\n<');
}

function assertSnapshot(name: string, svg: string): void {
  const file = join(goldenFolder, `${name}.svg`);
  const actual = `${normalise(svg)}\n`;
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(goldenFolder, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(
    existsSync(file),
    `no golden file ${name}.svg; run the tests with UPDATE_SNAPSHOTS=1 to create it`,
  );
  assert.equal(actual, readFileSync(file, 'utf8'), `${name}.svg differs from its golden file`);
}

function monthly(values: readonly (number | null)[]): { date: string; value: number | null }[] {
  return values.map((value, index) => ({
    date: new Date(Date.UTC(2022, index, 1)).toISOString().slice(0, 10),
    value,
  }));
}

function chart(
  values: readonly (number | null)[],
  spcOptions: SpcOptions,
  extra: { target?: number; rebase?: SpcRebase[]; trajectory?: number[] } = {},
): SpcSeriesResult {
  const points = monthly(values).map((point, index) => ({
    ...point,
    trajectory: extra.trajectory?.[index] ?? null,
  }));
  return computeSpc(
    [{ facet: 'RXX', points, target: extra.target ?? null, rebase: extra.rebase }],
    spcOptions,
  ).series[0];
}

const baseline = [92, 94, 91, 93, 95, 92, 90, 93, 94, 92, 91, 93, 92, 94, 91];
const chartOptions: SpcChartOptions = { metricName: 'Patients seen within 4 hours', unit: '%' };

const fixtures: {
  name: string;
  series: SpcSeriesResult;
  variation: string;
  assurance: string | null;
  pointTypes: string[];
}[] = [
  {
    name: 'common-cause-inconsistent',
    series: chart(baseline, {}, { target: 92 }),
    variation: 'common_cause',
    assurance: 'inconsistent',
    pointTypes: ['common_cause'],
  },
  {
    name: 'improvement-high-pass',
    series: chart([...baseline, 93, 94, 95, 94, 95, 96, 97], { fixAfterPoints: 15 }, { target: 86 }),
    variation: 'improvement_high',
    assurance: 'pass',
    pointTypes: ['common_cause', 'special_cause_improvement'],
  },
  {
    name: 'concern-low-fail',
    series: chart([...baseline, 91, 90, 89, 91, 90, 89, 85], { fixAfterPoints: 15 }, { target: 99 }),
    variation: 'concern_low',
    assurance: 'fail',
    pointTypes: ['common_cause', 'special_cause_concern'],
  },
  {
    name: 'improvement-low',
    series: chart([...baseline, 93, 92.5, 92, 91.5, 91, 90.5, 90], {
      improvementDirection: 'decrease',
      fixAfterPoints: 15,
    }),
    variation: 'improvement_low',
    assurance: null,
    pointTypes: ['common_cause', 'special_cause_improvement'],
  },
  {
    name: 'concern-high-pass',
    series: chart(
      [...baseline, 92, 100],
      { improvementDirection: 'decrease', fixAfterPoints: 15 },
      { target: 99 },
    ),
    variation: 'concern_high',
    assurance: 'pass',
    pointTypes: ['common_cause', 'special_cause_concern'],
  },
  {
    name: 'neutral-high',
    series: chart(
      [...baseline, 96.5, 93, 97],
      { improvementDirection: 'neutral', fixAfterPoints: 15 },
      { target: 90 },
    ),
    variation: 'neutral_high',
    assurance: null,
    pointTypes: ['common_cause', 'special_cause_neutral_high'],
  },
  {
    name: 'neutral-low',
    series: chart([...baseline, 80], { improvementDirection: 'neutral', fixAfterPoints: 15 }),
    variation: 'neutral_low',
    assurance: null,
    pointTypes: ['common_cause', 'special_cause_neutral_low'],
  },
  {
    name: 'rebase-trajectory-missing',
    series: chart(
      [...baseline, 84, 86, 85, null, 87, 85, 86, 84, 86, 85, 87, 86],
      {},
      {
        target: 95,
        rebase: [{ date: '2023-04-01', reason: 'Ambulance handover process changed' }],
        trajectory: Array.from({ length: 27 }, (_, index) => 85 + index * 0.4),
      },
    ),
    variation: 'common_cause',
    assurance: 'fail',
    pointTypes: ['common_cause'],
  },
  {
    name: 'run-chart-too-few-points',
    series: chart([92, 94, 91, 93, 95], { minimumPoints: 12 }, { target: 95 }),
    variation: '',
    assurance: null,
    pointTypes: ['common_cause'],
  },
];

for (const fixture of fixtures) {
  test(`chart snapshot: ${fixture.name}`, () => {
    const { series } = fixture;
    // The fixture shows what its name says.
    assert.equal(series.variationIcon ?? '', fixture.variation);
    assert.equal(series.assuranceIcon, fixture.assurance);
    assert.deepEqual([...new Set(series.pointType)].sort(), [...fixture.pointTypes].sort());
    const annotations =
      fixture.name === 'rebase-trajectory-missing'
        ? [{ date: '2022-12-01', label: 'Winter escalation <A&E>' }]
        : [];
    const svg = renderSpcChart(series, { ...chartOptions, id: fixture.name, annotations });
    assertSnapshot(fixture.name, svg);
  });
}

test('icon snapshot: every variation and assurance icon', () => {
  const icons = [
    ...variationIcons.map((icon, index) => renderVariationIcon(icon, { x: 10 + index * 50, y: 10 })),
    ...assuranceIcons.map((icon, index) => renderAssuranceIcon(icon, { x: 10 + index * 50, y: 70 })),
  ];
  assertSnapshot(
    'icons',
    `<svg xmlns="http://www.w3.org/2000/svg" width="370" height="120" viewBox="0 0 370 120" role="img" aria-label="Making Data Count icons">${icons.join('')}</svg>`,
  );
});

test('the chart is accessible and deterministic', () => {
  const series = fixtures[1].series;
  const svg = renderSpcChart(series, { ...chartOptions, id: 'trust 1' });
  assert.equal(renderSpcChart(series, { ...chartOptions, id: 'trust 1' }), svg);
  assert.match(svg, /^<svg [^>]*role="img" aria-labelledby="trust-1-title trust-1-desc"/);
  assert.match(svg, /<title id="trust-1-title">Patients seen within 4 hours \(RXX\)<\/title>/);
  assert.match(
    svg,
    /<desc id="trust-1-desc">For Patients seen within 4 hours, the latest point shows special-cause improvement: 7 points in a row above the mean\./,
  );
  assert.match(svg, />Patients seen within 4 hours \(%\)<\/text>/);
  assert.match(svg, />Date<\/text>/);
});

test('text is escaped and rebases break the lines into one segment per group', () => {
  const series = chart(
    [...baseline, 80, 81, 82, 80, 81],
    {},
    { rebase: [{ date: '2023-04-01', reason: 'Merger <A & B>' }] },
  );
  const svg = renderSpcChart(series, { title: 'Waits & "breaches" <4h>' });
  assert.match(svg, /<title id="spc-chart-title">Waits &amp; &quot;breaches&quot; &lt;4h&gt;<\/title>/);
  assert.match(svg, /\(Merger &lt;A &amp; B&gt;\)/);
  const centre = /<g class="spc-centre">(.*?)<\/g>/.exec(svg)?.[1] ?? '';
  assert.equal(centre.match(/<line /g)?.length, 2);
  const line = /<g class="spc-line"><path d="([^"]*)"/.exec(svg)?.[1] ?? '';
  assert.equal(line.match(/M/g)?.length, 2);
});

test('a standalone icon is an accessible SVG', () => {
  const svg = renderIconSvg({ type: 'assurance', icon: 'pass' });
  assert.match(svg, /role="img" aria-label="The target will be met consistently"/);
});

test('an empty series renders without failing', () => {
  const series = computeSpc([{ points: [] }]).series[0];
  const svg = renderSpcChart(series);
  assert.match(svg, /There is no data to chart\./);
});

test('invalid sizes are programmer errors', () => {
  const series = fixtures[0].series;
  assert.throws(() => renderSpcChart(series, { width: 10 }), { message: 'invalid width: 10' });
});

test('numbered annotations are small numbered markers on the x-axis, each with a title', () => {
  const series = chart([92, 94, 91, 93, 95, 92, 94, 93], {});
  const svg = renderSpcChart(series, {
    ...chartOptions,
    id: 'notes',
    annotations: [
      { number: 1, date: '2022-03-01', kind: 'Event', label: 'Winter <plan>' },
      { number: 2, date: '2022-03-02', kind: 'Data issue', label: 'Late return' },
      { number: 3, date: '2030-01-01', kind: 'Event', label: 'Off the chart' },
    ],
  });
  const markers = [
    ...svg.matchAll(
      /<g class="spc-annotation-marker" data-annotation="(\d+)"><title>([^<]*)<\/title><circle cx="([\d.]+)" cy="([\d.]+)"[^>]*\/><text[^>]*>(\d+)<\/text><\/g>/g,
    ),
  ].map((match) => ({
    number: match[1],
    title: match[2],
    cx: Number(match[3]),
    cy: Number(match[4]),
    text: match[5],
  }));
  assert.deepEqual(
    markers.map(({ number, title, text }) => [number, title, text]),
    [
      ['1', '1. Event, 2022-03-01: Winter &lt;plan&gt;', '1'],
      ['2', '2. Data issue, 2022-03-02: Late return', '2'],
    ],
  );
  const axis = /<g class="spc-axis spc-axis-x"><line x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)"/.exec(svg);
  assert.equal(markers[0].cy, Number(axis?.[1]), 'the first marker sits on the x-axis');
  assert.ok(markers[1].cy < markers[0].cy, 'a marker next to another stacks above it');
  assert.ok(Math.abs(markers[1].cx - markers[0].cx) < 16);
  assert.match(svg, /Note 1 \(Event\) on 2022-03-01: Winter &lt;plan&gt;\./);
  assert.doesNotMatch(svg, /Off the chart<\/title>/);
  // Markers are drawn over the points, and an unnumbered note keeps its labelled rule.
  assert.ok(svg.indexOf('spc-annotation-markers') > svg.indexOf('spc-points'));
  const plain = renderSpcChart(series, {
    ...chartOptions,
    annotations: [{ date: '2022-03-01', label: 'Plain' }],
  });
  assert.doesNotMatch(plain, /spc-annotation-marker/);
  assert.match(plain, />Plain<\/text>/);
});
