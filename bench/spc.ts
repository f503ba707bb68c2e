import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { computeSpc } from '../src/engines/spc/compute-spc.ts';
import { resolveSpcOptions } from '../src/engines/spc/options.ts';
import { computeSpcColumns } from '../src/engines/spc/spc-columns.ts';
import type { SpcSeriesInput } from '../src/engines/spc/types.ts';
import { format, seededRandom, table } from './support.ts';

/**
 * SPC benchmark: points per second, single-threaded, for
 * (a) every A&E type-1 4-hour series (one per provider, monthly 2015–2024), through the object
 *     API (`computeSpc`, as the web and store use it) and the column engine (`computeSpcColumns`);
 * (b) one million generated series of 36 points through the column engine.
 * Each is compared with a plain single pass over the same numbers (sum and moving-range sum),
 * measured in the same run: the floor set by reading the data once.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const aeHistory = path.join(root, 'data', 'nhse-ae-by-provider-2015-2024', 'ae_by_provider_monthly.csv');

interface Timing {
  readonly best: number;
  readonly median: number;
}

/**
 * Runs `work` `runs` times after `warmups` unmeasured runs; milliseconds per call, best and
 * median. Each sample times `repeat` calls, so that short calls are not lost in the timer's grain.
 */
function time(work: () => unknown, runs: number, warmups = 1, repeat = 1): Timing {
  for (let index = 0; index < warmups; index++) work();
  const times: number[] = [];
  for (let index = 0; index < runs; index++) {
    const started = performance.now();
    for (let call = 0; call < repeat; call++) work();
    times.push((performance.now() - started) / repeat);
  }
  times.sort((a, b) => a - b);
  return { best: times[0], median: times[Math.floor(times.length / 2)] };
}

/**
 * Times a baseline and a workload alternately, `runs` rounds after one warm-up each, so that
 * both see the same state of the machine; milliseconds, best and median.
 */
function timePair(baseline: () => unknown, work: () => unknown, runs: number): [Timing, Timing] {
  baseline();
  work();
  const baselineTimes: number[] = [];
  const workTimes: number[] = [];
  for (let index = 0; index < runs; index++) {
    let started = performance.now();
    baseline();
    baselineTimes.push(performance.now() - started);
    started = performance.now();
    work();
    workTimes.push(performance.now() - started);
  }
  const summary = (times: number[]): Timing => {
    times.sort((a, b) => a - b);
    return { best: times[0], median: times[Math.floor(times.length / 2)] };
  };
  return [summary(baselineTimes), summary(workTimes)];
}

/**
 * The floor: one pass over the values, summing them and their moving ranges, with no check for
 * missing values (a NaN just propagates), so it is as fast as reading the numbers allows.
 */
function plainPass(values: Float64Array): number {
  let sum = 0;
  let ranges = 0;
  let previous = values[0];
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    sum += value;
    ranges += Math.abs(value - previous);
    previous = value;
  }
  return sum + ranges;
}

/** Type-1 4-hour performance (%) per provider: 100 × (1 − over 4 h / attendances); missing where not reported. */
function aeSeries(): SpcSeriesInput[] {
  const rows = parse(readFileSync(aeHistory, 'utf8'), { bom: true, columns: true }) as Record<
    string,
    string
  >[];
  const byOrg = new Map<string, { date: string; value: number | null }[]>();
  const hasTypeOne = new Set<string>();
  for (const row of rows) {
    const attendances = Number(row.att_type1);
    const over = row.over4h_type1 === '' ? Number.NaN : Number(row.over4h_type1);
    const value = attendances > 0 && Number.isFinite(over) ? 100 * (1 - over / attendances) : null;
    if (attendances > 0) hasTypeOne.add(row.org_code);
    const points = byOrg.get(row.org_code) ?? [];
    points.push({ date: row.period, value });
    byOrg.set(row.org_code, points);
  }
  return [...hasTypeOne].sort().map((org) => ({ facet: org, points: byOrg.get(org) ?? [], target: 95 }));
}

/** Columns for the engine from series of points (already in date order in the source file). */
function toColumns(series: readonly SpcSeriesInput[]): { values: Float64Array; seriesOffsets: Int32Array } {
  const count = series.reduce((total, item) => total + item.points.length, 0);
  const values = new Float64Array(count);
  const seriesOffsets = new Int32Array(series.length + 1);
  let offset = 0;
  series.forEach((item, index) => {
    seriesOffsets[index] = offset;
    const sorted = [...item.points].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    for (const point of sorted) values[offset++] = point.value ?? Number.NaN;
  });
  seriesOffsets[series.length] = offset;
  return { values, seriesOffsets };
}

/**
 * `seriesCount` series of `length` points: noisy processes, a third with a step change and a
 * third with a drift part-way (so most series signal somewhere), or, with `noiseOnly`, common-cause
 * noise alone.
 */
function generatedColumns(seriesCount: number, length: number, seed: number, noiseOnly = false) {
  const random = seededRandom(seed);
  const values = new Float64Array(seriesCount * length);
  const seriesOffsets = new Int32Array(seriesCount + 1);
  for (let series = 0; series < seriesCount; series++) {
    seriesOffsets[series] = series * length;
    const level = 50 + random() * 40;
    const spread = 1 + random() * 5;
    const kind = noiseOnly ? 0 : Math.floor(random() * 3);
    const changeAt = 12 + Math.floor(random() * (length - 12));
    for (let index = 0; index < length; index++) {
      // Sum of three uniforms: a cheap, roughly normal noise.
      const noise = (random() + random() + random() - 1.5) * spread;
      const change =
        index < changeAt ? 0 : kind === 1 ? 2 * spread : kind === 2 ? 0.4 * spread * (index - changeAt) : 0;
      values[series * length + index] = level + noise + change;
    }
  }
  seriesOffsets[seriesCount] = values.length;
  return { values, seriesOffsets };
}

function rate(points: number, milliseconds: number): string {
  return `${format(points / milliseconds / 1000, 1)} M`;
}

export async function runSpcBench(): Promise<void> {
  const options = resolveSpcOptions();
  const rows: string[][] = [];
  const add = (label: string, points: number, timing: Timing, floor: Timing) => {
    rows.push([
      label,
      format(points, 0),
      format(timing.best, 2),
      format(timing.median, 2),
      rate(points, timing.best),
      `${format(timing.best / floor.best, 1)}×`,
    ]);
  };

  // (a) Every A&E type-1 4-hour series.
  const series = aeSeries();
  const ae = toColumns(series);
  const aePoints = ae.values.length;
  const aeFloor = time(() => plainPass(ae.values), 20, 2, 1000);
  const aeObjects = time(() => computeSpc(series, options), 20, 2, 10);
  const aeColumns = time(() => computeSpcColumns(ae, options), 20, 2, 100);
  add(`A&E type-1 4-hour %, ${series.length} series: plain pass`, aePoints, aeFloor, aeFloor);
  add('  computeSpc (objects, sorting, warnings)', aePoints, aeObjects, aeFloor);
  add('  computeSpcColumns', aePoints, aeColumns, aeFloor);

  // (b) One million generated series of 36 points.
  const seriesCount = 1_000_000;
  const length = 36;
  const generated = generatedColumns(seriesCount, length, 20261121);
  const points = generated.values.length;
  const [floor, columns] = timePair(
    () => plainPass(generated.values),
    () => computeSpcColumns(generated, options),
    7,
  );
  add(`${format(seriesCount, 0)} generated series × ${length}: plain pass`, points, floor, floor);
  add('  computeSpcColumns', points, columns, floor);
  const noise = generatedColumns(seriesCount, length, 20261122, true);
  const [noiseFloor, noiseColumns] = timePair(
    () => plainPass(noise.values),
    () => computeSpcColumns(noise, options),
    7,
  );
  add('  the same, common-cause noise only: plain pass', points, noiseFloor, noiseFloor);
  add('  computeSpcColumns', points, noiseColumns, noiseFloor);

  console.log(`SPC (XmR, NHSRplotthedots defaults), single thread, Node ${process.versions.node}`);
  console.log(
    table(['workload', 'points', 'best ms', 'median ms', 'points/s (best)', 'vs plain pass'], rows),
  );
  console.log(
    'Ratios compare best times measured in this run; the plain pass sums the values and their moving ranges once.',
  );
}

if (import.meta.main) await runSpcBench();
