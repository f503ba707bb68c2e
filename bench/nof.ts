/**
 * Benchmark of the NOF engine on a national quarter: 205 trusts (134 acute, 61 mental health
 * and community, 10 ambulance), 20 ranked metrics, likely ranges from a 4,000-replicate
 * bootstrap. Prints the time of the full assessment against one plain pass (the same
 * assessment without the bootstrap) measured in the same run. Target: under 1 s, single-threaded.
 *
 * Run with `node bench/nof.ts` (Node 24) or through `bench/run.ts`.
 */
import { performance } from 'node:perf_hooks';
import { assessQuarterInput } from '../src/engines/nof/assess.ts';
import { nof202526 } from '../src/engines/nof/nof-2025-26.ts';
import type {
  FrameworkDefinition,
  MetricDefinition,
  OrganisationType,
  QuarterInput,
  TrustInput,
} from '../src/engines/nof/types.ts';
import { createSeededRandom } from '../src/engines/stats/seeded-random.ts';

const metricCount = 20;
const replicates = 4000;
const domains = nof202526.domains.map((domain) => domain.id);

function benchFramework(): FrameworkDefinition {
  const metrics: MetricDefinition[] = Array.from({ length: metricCount }, (_, index) => ({
    id: `OF0${String(900 + index)}`,
    scoreId: `OF1${String(900 + index)}`,
    name: `Benchmark metric ${index + 1}`,
    domain: domains[index % domains.length],
    subDomain: 'Benchmark',
    appliesTo: ['acute', 'mental-health-and-community', 'ambulance'],
    direction: index % 2 === 0 ? 'higher-is-better' : 'lower-is-better',
    basis: 'Quarter',
    units: '%',
    scoring:
      index % 5 === 0
        ? { kind: 'ranked', case: 'standard', standard: 80 }
        : { kind: 'ranked', case: 'no-standard' },
    weight: 1,
    rankedAgainst: index % 3 === 0 ? 'peer-group' : 'national',
    role: 'scored',
    scoringProvenance: 'verified',
    inferred: [],
    notes: '',
  }));
  return { ...nof202526, id: 'nof-2025-26-bench', metrics, publishedCutPoints: {} };
}

function nationalQuarter(seed: number): QuarterInput {
  const random = createSeededRandom(seed);
  const types: [OrganisationType, number][] = [
    ['acute', 134],
    ['mental-health-and-community', 61],
    ['ambulance', 10],
  ];
  const trusts: TrustInput[] = [];
  for (const [organisationType, count] of types) {
    for (let index = 0; index < count; index++) {
      const observations: TrustInput['observations'] = Object.fromEntries(
        Array.from({ length: metricCount }, (_, metric) => {
          const id = `OF0${String(900 + metric)}`;
          return [
            id,
            {
              metricId: id,
              value: Math.round(random() * 10000) / 100,
              publishedScore: null,
              publishedRank: null,
              details: null,
            },
          ];
        }),
      );
      trusts.push({
        code: `${organisationType.slice(0, 2).toUpperCase()}${String(index).padStart(3, '0')}`,
        name: `Benchmark trust ${index + 1}`,
        organisationType,
        organisationTypeLabel: nof202526.organisationTypeLabels[organisationType],
        subtype: null,
        region: null,
        observations,
        deficit: random() < 0.5,
        recoverySupportProgramme: null,
        published: null,
      });
    }
  }
  return { quarter: 'Q4 2025/26', trusts };
}

function time(run: () => void, repeats: number): number {
  const times: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

export async function runNofBench(): Promise<void> {
  const framework = benchFramework();
  const input = nationalQuarter(2025);
  const options = { cutPoints: 'computed' as const };
  // Warm up the JIT once, as a long-running server would be.
  assessQuarterInput(framework, input, { ...options, replicates: 200 });
  const plain = time(() => assessQuarterInput(framework, input, { ...options, replicates: 0 }), 7);
  const withBootstrap = time(() => assessQuarterInput(framework, input, { ...options, replicates }), 5);
  const cold = (() => {
    const start = performance.now();
    assessQuarterInput(framework, nationalQuarter(7), { ...options, replicates });
    return performance.now() - start;
  })();
  const verdict = withBootstrap < 1000 ? 'within' : 'OVER';
  console.log(
    `NOF national quarter: ${input.trusts.length} trusts × ${metricCount} metrics, ${replicates.toLocaleString('en-GB')} bootstrap replicates`,
  );
  console.log(`  one plain pass (scores, averages, segments, ranks):  ${plain.toFixed(1)} ms (median of 7)`);
  console.log(
    `  full assessment with likely ranges:                 ${withBootstrap.toFixed(1)} ms (median of 5; ${verdict} the 1 s target)`,
  );
  console.log(
    `  bootstrap cost:                                     ${(withBootstrap - plain).toFixed(1)} ms, ${(withBootstrap / plain).toFixed(1)} × one plain pass`,
  );
  console.log(`  a second, different quarter after warm-up:          ${cold.toFixed(1)} ms`);
}

if (import.meta.main) await runNofBench();
