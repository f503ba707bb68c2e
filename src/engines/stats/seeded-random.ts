/**
 * Seeded pseudo-random numbers: a small, fast generator whose whole sequence is fixed by one
 * integer seed, so that anything built on it (a bootstrap, a simulation) gives the same answer
 * every time it runs with the same seed.
 *
 * The generator is SFC32 (Chris Doty-Humphrey's "small fast counting" generator, from the
 * PractRand suite): 128 bits of state, passes PractRand and BigCrush, period at least 2^32.
 * The four state words are filled from the seed with SplitMix32, and the first 12 outputs
 * are discarded, so that nearby seeds (1, 2, 3) give unrelated sequences. Use `Math.random`
 * when repeatability does not matter; this is not a cryptographic generator.
 *
 * @param seed an integer; only its low 32 bits are used
 * @returns a function returning the next number in [0, 1), with 32 bits of resolution
 * @throws `invalid seed: <seed>` when the seed is not an integer
 * @example
 * const random = createSeededRandom(1);
 * random(); // => the same number on every run
 */
export function createSeededRandom(seed: number): () => number {
  if (!Number.isSafeInteger(seed)) throw new Error(`invalid seed: ${seed}`);
  let splitMixState = seed >>> 0;
  const splitMix32 = (): number => {
    splitMixState = (splitMixState + 0x9e3779b9) | 0;
    let mixed = splitMixState;
    mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
    mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
    return (mixed ^ (mixed >>> 16)) | 0;
  };
  let a = splitMix32();
  let b = splitMix32();
  let c = splitMix32();
  let d = splitMix32();
  const next = (): number => {
    const result = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + result) | 0;
    return (result >>> 0) / 4294967296;
  };
  for (let warmUp = 0; warmUp < 12; warmUp++) next();
  return next;
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
