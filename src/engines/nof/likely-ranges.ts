import { roundHalfUp } from '../stats/round-half-up.ts';
import { fillUniform, seededRandomState } from '../stats/seeded-random.ts';
import { quantileLinearUnsorted } from '../stats/select-kth.ts';
import type { CutPoints, Segment } from './types.ts';

/** One trust, as the bootstrap sees it. */
export interface BootstrapTrust {
  /** The scores that enter the average, unrounded. */
  readonly scores: readonly number[];
  readonly weights: readonly number[];
  readonly deficit: boolean | null;
  /** The league table the trust is ranked in (its organisation type). */
  readonly group: string;
  readonly cutPoints: CutPoints;
}

export interface LikelyRangeSettings {
  readonly replicates: number;
  readonly seed: number;
  /** 0.95 gives the 2.5th to 97.5th percentiles. */
  readonly coverage: number;
  readonly onCutPoint: 'better-segment' | 'worse-segment';
  /** The financial override's segment. */
  readonly cap: Segment;
}

export interface LikelyRange {
  /** Average metric score, 2 d.p. */
  readonly average: readonly [number, number];
  readonly rank: readonly [number, number];
}

/**
 * Step 6, likely ranges of average score and league rank, by bootstrap. NHS England publishes
 * both ranges but not their method; this reproduces them (inferred, strong evidence: half-widths
 * about 1.96 standard errors and asymmetric, as a percentile bootstrap gives):
 *
 * 1. In each replicate, each trust's scores are resampled with replacement, as many as it has,
 *    and averaged (weighted) and rounded to 2 d.p.
 * 2. The replicate average is segmented with the quarter's cut points (held fixed), the
 *    financial override re-applied, and every trust in the league table re-ranked on
 *    (adjusted segment, average) with competition ranking.
 * 3. The likely ranges are the percentiles at (1 − coverage)/2 and (1 + coverage)/2 of each
 *    trust's unrounded replicate averages and of its replicate ranks (R type 7), rounded.
 *
 * Random numbers come from a seeded SFC32 generator, drawn replicate by replicate and trust by
 * trust in input order, so the same input and seed always give the same ranges. Runs in
 * `O(replicates × (total scores + trusts × log trusts))`.
 *
 * @param trusts one per trust, in a fixed order (by trust code); not changed
 * @returns one range per trust, in input order; null for a trust with no scores
 * @throws `invalid replicates: <n>` when there are fewer than 2 replicates, and
 *   `invalid league table size: <n>` beyond 65,535 trusts in one league table
 */
export function likelyRanges(
  trusts: readonly BootstrapTrust[],
  settings: LikelyRangeSettings,
): (LikelyRange | null)[] {
  const replicates = settings.replicates;
  if (!Number.isInteger(replicates) || replicates < 2) throw new Error(`invalid replicates: ${replicates}`);
  const count = trusts.length;
  const randomState = seededRandomState(settings.seed);

  let totalScores = 0;
  for (const trust of trusts) totalScores += trust.scores.length;
  const scores = new Float64Array(totalScores);
  const weights = new Float64Array(totalScores);
  const offsets = new Int32Array(count + 1);
  const unitWeights = new Uint8Array(count);
  const cutPoints = new Float64Array(count * 3);
  const inDeficit = new Uint8Array(count);
  for (let index = 0, offset = 0; index < count; index++) {
    const trust = trusts[index];
    offsets[index] = offset;
    let allOne = 1;
    for (let position = 0; position < trust.scores.length; position++) {
      scores[offset + position] = trust.scores[position];
      weights[offset + position] = trust.weights[position];
      if (trust.weights[position] !== 1) allOne = 0;
    }
    unitWeights[index] = allOne;
    cutPoints.set(trust.cutPoints, index * 3);
    inDeficit[index] = trust.deficit === true ? 1 : 0;
    offset += trust.scores.length;
    offsets[index + 1] = offset;
  }

  const groups = new Map<string, number[]>();
  for (let index = 0; index < count; index++) {
    if (trusts[index].scores.length === 0) continue;
    const members = groups.get(trusts[index].group) ?? [];
    members.push(index);
    groups.set(trusts[index].group, members);
  }
  const groupMembers = [...groups.values()].map((members) => Int32Array.from(members));
  // Ranking packs (segment, average) and a member's position into one 32-bit key.
  for (const members of groupMembers) {
    if (members.length > 0xffff) throw new Error(`invalid league table size: ${members.length}`);
  }
  const packed = groupMembers.map((members) => new Int32Array(members.length));

  // Trust-major storage, so each trust's replicates are contiguous for the percentiles.
  const averages = new Float64Array(count * replicates);
  const ranks = new Float64Array(count * replicates);
  const keys = new Int32Array(count);
  const uniforms = new Float64Array(totalScores);
  const betterOnCut = settings.onCutPoint === 'better-segment';
  const cap = settings.cap;

  for (let replicate = 0; replicate < replicates; replicate++) {
    fillUniform(randomState, uniforms);
    for (let index = 0; index < count; index++) {
      const start = offsets[index];
      const size = offsets[index + 1] - start;
      if (size === 0) continue;
      let average: number;
      if (unitWeights[index] === 1) {
        let sum = 0;
        for (let draw = start; draw < start + size; draw++)
          sum += scores[start + Math.floor(uniforms[draw] * size)];
        average = sum / size;
      } else {
        let sum = 0;
        let weightSum = 0;
        for (let draw = start; draw < start + size; draw++) {
          const picked = start + Math.floor(uniforms[draw] * size);
          sum += scores[picked] * weights[picked];
          weightSum += weights[picked];
        }
        average = sum / weightSum;
      }
      averages[index * replicates + replicate] = average;
      const cents = Math.floor(average * 100 + 0.5 + 1e-9);
      const rounded = cents / 100;
      let segment = 1;
      for (let cut = index * 3; cut < index * 3 + 3; cut++) {
        if (betterOnCut ? rounded > cutPoints[cut] : rounded >= cutPoints[cut]) segment++;
      }
      if (inDeficit[index] === 1 && segment < cap) segment = cap;
      keys[index] = segment * 1024 + cents;
    }
    for (let group = 0; group < groupMembers.length; group++) {
      const members = groupMembers[group];
      const order = packed[group];
      for (let local = 0; local < members.length; local++)
        order[local] = keys[members[local]] * 65536 + local;
      order.sort();
      let previousKey = -1;
      let rank = 0;
      for (let position = 0; position < order.length; position++) {
        const key = order[position] >>> 16;
        if (key !== previousKey) {
          rank = position + 1;
          previousKey = key;
        }
        ranks[members[order[position] & 0xffff] * replicates + replicate] = rank;
      }
    }
  }

  const lowerProbability = (1 - settings.coverage) / 2;
  const upperProbability = 1 - lowerProbability;
  const results: (LikelyRange | null)[] = [];
  for (let index = 0; index < count; index++) {
    if (trusts[index].scores.length === 0) {
      results.push(null);
      continue;
    }
    const averageSample = averages.subarray(index * replicates, (index + 1) * replicates);
    const rankSample = ranks.subarray(index * replicates, (index + 1) * replicates);
    results.push({
      average: [
        roundHalfUp(quantileLinearUnsorted(averageSample, lowerProbability), 2),
        roundHalfUp(quantileLinearUnsorted(averageSample, upperProbability), 2),
      ],
      rank: [
        roundHalfUp(quantileLinearUnsorted(rankSample, lowerProbability), 0),
        roundHalfUp(quantileLinearUnsorted(rankSample, upperProbability), 0),
      ],
    });
  }
  return results;
}
