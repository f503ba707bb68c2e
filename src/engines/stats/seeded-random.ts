/**
 * Seeded pseudo-random numbers: a small, fast generator whose whole sequence is fixed by one
 * integer seed, so that anything built on it (a bootstrap, a simulation) gives the same answer
 * every time it runs with the same seed.
 *
 * The generator is SFC32 (Chris Doty-Humphrey's "small fast counting" generator, from the
 * PractRand suite): 128 bits of state, passes PractRand and BigCrush, period at least 2^32.
 * The four state words are filled from the seed with SplitMix32 and the first 12 outputs are
 * discarded, so that nearby seeds (1, 2, 3) give unrelated sequences. Not a cryptographic
 * generator; use `Math.random` when repeatability does not matter.
 *
 * Two ways to draw the same sequence: `createSeededRandom(seed)` returns a function giving one
 * number per call; `seededRandomState(seed)` with `fillUniform(state, target)` fills a whole
 * array per call, about twice as fast in tight loops such as a bootstrap.
 */

/** 2^−32: turns an unsigned 32-bit integer into a number in [0, 1). */
const unitScale = 1 / 4294967296;

/**
 * The generator's state for a seed: four 32-bit words, ready to draw from.
 *
 * @param seed an integer; only its low 32 bits are used
 * @throws `invalid seed: <seed>` when the seed is not an integer
 */
export function seededRandomState(seed: number): Int32Array {
  if (!Number.isSafeInteger(seed)) throw new Error(`invalid seed: ${seed}`);
  let splitMixState = seed >>> 0;
  const state = new Int32Array(4);
  for (let word = 0; word < 4; word++) {
    splitMixState = (splitMixState + 0x9e3779b9) | 0;
    let mixed = splitMixState;
    mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
    mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
    state[word] = mixed ^ (mixed >>> 16);
  }
  fillUniform(state, new Float64Array(12));
  return state;
}

/**
 * Fills `target` with the generator's next numbers in [0, 1) (32 bits of resolution) and
 * advances `state`. Runs in `O(target.length)`.
 *
 * @example
 * const state = seededRandomState(1);
 * const draws = new Float64Array(1000);
 * fillUniform(state, draws); // the same 1,000 numbers on every run
 */
export function fillUniform(state: Int32Array, target: Float64Array): void {
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  for (let index = 0; index < target.length; index++) {
    const result = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + result) | 0;
    target[index] = (result >>> 0) * unitScale;
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
}

/**
 * A seeded generator as a function: each call returns the next number in [0, 1).
 *
 * @param seed an integer; only its low 32 bits are used
 * @throws `invalid seed: <seed>` when the seed is not an integer
 * @example
 * const random = createSeededRandom(1);
 * random(); // => the same number on every run
 */
export function createSeededRandom(seed: number): () => number {
  const state = seededRandomState(seed);
  const buffer = new Float64Array(256);
  let position = buffer.length;
  return () => {
    if (position === buffer.length) {
      fillUniform(state, buffer);
      position = 0;
    }
    return buffer[position++];
  };
}

/**
 * A uniformly distributed whole number from 0 to `count − 1`, drawn from `random`.
 *
 * @param random a generator returning numbers in [0, 1), such as `createSeededRandom(seed)`
 * @param count how many outcomes (a positive integer)
 * @example
 * randomIndex(createSeededRandom(7), 6); // => a die roll from 0 to 5
 */
export function randomIndex(random: () => number, count: number): number {
  return Math.floor(random() * count);
}
