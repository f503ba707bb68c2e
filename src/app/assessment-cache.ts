import { deserialize, serialize } from 'node:v8';
import type { Kysely } from 'kysely';
import { financialQuarterLabel } from '../domain/period.ts';
import { previousQuarterLabel } from '../domain/quarter.ts';
import {
  explainAssessedTrust,
  frameworkForQuarter,
  type QuarterAssessment,
  type TrustExplanation,
} from '../engines/nof/index.ts';
import { readKeptResult, writeKeptResult } from '../store/repos/kept-result-repo.ts';
import { nofQuarterStarts } from '../store/repos/observation-repo.ts';
import { metricPart, readDataPartVersions, readStoreVersion } from '../store/repos/version-repo.ts';
import type { Database } from '../store/tables.ts';
import { type AssessmentRequest, assessFromStore, explainFromStore } from './assessment.ts';
import { engineFingerprint } from './engine-fingerprint.ts';

/*
 * In-process memos of results that depend only on the stored data: assessments and explanations
 * (an assessment runs a 4,000-replicate bootstrap, about half a second) and shared page view models.
 * Each entry is keyed by its request and by the versions of the data it reads: by default the
 * store's data version, which every transaction that changes what the engines compute (an import, a
 * rebase) increments — so a commit is seen by the next request whatever order concurrent
 * transactions commit in. A result that says which metrics it reads (`DataDependency`) is keyed
 * instead on those metrics' part versions, the reference data's and `all`'s
 * (store/repos/version-repo.ts): an import of other metrics leaves it as it is. Narratives and
 * annotations do not change the data, so writing one never throws away an assessment.
 */

/** The store's data version: changes with every import or rebase. */
export async function dataVersion(db: Kysely<Database>): Promise<number> {
  return (await readStoreVersion(db)).data;
}

/**
 * What a kept result reads of the stored data besides the reference data (organisations,
 * memberships, the metric catalogue), which every result is taken to read.
 */
export interface DataDependency {
  /** The metrics whose observations or series settings it reads. */
  readonly metrics?: readonly string[];
  /** Every metric whose id starts with this (the Oversight Framework's metrics start `OF`). */
  readonly metricPrefix?: string;
}

/** Every data part's version, read again only when the store's data version has moved. */
const partVersionsByDb = new WeakMap<object, Promise<{ version: number; parts: Map<string, number> }>>();

async function partVersions(db: Kysely<Database>, version: number): Promise<Map<string, number>> {
  const held = partVersionsByDb.get(db);
  if (held) {
    const { version: heldVersion, parts } = await held;
    if (heldVersion === version) return parts;
  }
  const reading = readDataPartVersions(db).then((parts) => ({ version, parts }));
  partVersionsByDb.set(db, reading);
  reading.catch(() => partVersionsByDb.delete(db));
  return (await reading).parts;
}

/**
 * The versions a result with this dependency is keyed on: `all`'s, the reference data's, and the sum
 * of its metrics' part versions (each only ever grows, so the sum changes whenever one does).
 */
async function dependencyToken(
  db: Kysely<Database>,
  version: number,
  depends: DataDependency,
): Promise<string> {
  const parts = await partVersions(db, version);
  let metrics = 0;
  for (const metricId of depends.metrics ?? []) metrics += parts.get(metricPart(metricId)) ?? 0;
  if (depends.metricPrefix !== undefined) {
    const prefix = metricPart(depends.metricPrefix);
    for (const [part, partVersion] of parts) if (part.startsWith(prefix)) metrics += partVersion;
  }
  return `p${parts.get('all') ?? 0}.${parts.get('reference') ?? 0}.${metrics}`;
}

/** How many times each kept result has been computed in this process, by key (for tests and benches). */
const computations = new Map<string, number>();

/** How many times results whose keys start with `prefix` have been computed in this process. */
export function computationsOf(prefix: string): number {
  let count = 0;
  for (const [key, times] of computations) if (key.startsWith(prefix)) count += times;
  return count;
}

/**
 * A memo whose entries last until the data they read change: each is keyed by its key and the
 * store's data version — or, for a result that names its `DataDependency`, the versions of the
 * parts it reads — held per database handle, at most `maxEntries`, the least recently used dropped
 * first. A failed computation is forgotten, so the next call tries again. A result asked to be
 * `kept` is also kept in the store (`keptInStore`), so that the next process finds it there.
 */
export function untilDataChangeMemo(maxEntries: number) {
  const caches = new WeakMap<object, Map<string, Promise<unknown>>>();
  return async function remember<T>(
    db: Kysely<Database>,
    key: string,
    compute: () => Promise<T>,
    depends?: DataDependency,
    options: { kept?: boolean } = {},
  ): Promise<T> {
    let cache = caches.get(db);
    if (!cache) {
      cache = new Map();
      caches.set(db, cache);
    }
    const version = await dataVersion(db);
    const token = depends ? await dependencyToken(db, version, depends) : `v${version}`;
    const fullKey = `${token}|${key}`;
    const held = cache.get(fullKey);
    if (held) {
      cache.delete(fullKey);
      cache.set(fullKey, held);
      return held as Promise<T>;
    }
    const pending = options.kept
      ? keptInStore(db, key, token, () => counted(key, compute))
      : counted(key, compute);
    cache.set(fullKey, pending);
    pending.catch(() => cache.delete(fullKey));
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
    return pending;
  };
}

/** Runs `compute`, counting it under `key` (`computationsOf`). */
function counted<T>(key: string, compute: () => Promise<T>): Promise<T> {
  computations.set(key, (computations.get(key) ?? 0) + 1);
  return compute();
}

/**
 * A result kept in the store across restarts (`keptInStore`): read from `kept_result` when it was
 * computed from the same data (`token`) by the same code (`engineFingerprint`), else computed and
 * written there, replacing the one before. It is derived data, like the memo itself, so keeping it
 * is not an audited write; a store that refuses the write (read-only) just recomputes next time.
 */
async function keptInStore<T>(
  db: Kysely<Database>,
  key: string,
  token: string,
  compute: () => Promise<T>,
): Promise<T> {
  const engine = await engineFingerprint();
  const held = await readKeptResult(db, key, token, engine);
  if (held) return deserialize(held) as T;
  const result = await compute();
  await writeKeptResult(db, { key, token, engine, value: serialize(result), computedAt: new Date() }).catch(
    () => {},
  );
  return result;
}

const memo = untilDataChangeMemo(512);

/**
 * Remembers `compute()`'s result under `key` until the data it reads change: until the next import
 * of anything, or — when `depends` names the metrics it reads — until an import or rebase changes
 * one of them, or the reference data.
 */
export function rememberUntilNextImport<T>(
  db: Kysely<Database>,
  key: string,
  compute: () => Promise<T>,
  depends?: DataDependency,
): Promise<T> {
  return memo(db, key, compute, depends);
}

/**
 * `rememberUntilNextImport`, and the result also kept in the store (`kept_result`) under `key`, so
 * that the next process reads it rather than computing it again while the data it read are unchanged:
 * for results that take seconds at national scale (a metric charted for every organisation).
 */
export function rememberAndKeep<T>(
  db: Kysely<Database>,
  key: string,
  compute: () => Promise<T>,
  depends: DataDependency,
): Promise<T> {
  return memo(db, key, compute, depends, { kept: true });
}

/** What an Oversight Framework assessment reads: the framework's metrics (`OF…`) and the reference data. */
export const nofDependency: DataDependency = Object.freeze({ metricPrefix: 'OF' });

/** `assessFromStore`, remembered while the store's data are unchanged. */
export function cachedAssessment(
  db: Kysely<Database>,
  request: AssessmentRequest,
): Promise<QuarterAssessment> {
  const key = `assess|${JSON.stringify([
    request.framework,
    request.quarter,
    request.trustType ?? null,
    request.cutPoints ?? null,
  ])}`;
  return memo(db, key, () => assessFromStore(db, request), nofDependency, { kept: true });
}

/**
 * `explainFromStore`'s result, remembered while the store's data are unchanged, and computed from
 * the remembered assessments of the quarter and the one before (`cachedAssessment`) rather than
 * assessing both again for each organisation: an organisation page then costs milliseconds once
 * the quarter is assessed. Where the organisation is not in the quarter, `explainFromStore` says why.
 */
export function cachedExplanation(
  db: Kysely<Database>,
  request: { framework?: string; quarter: string; org: string },
): Promise<TrustExplanation> {
  const framework = request.framework ?? 'nof-2025-26';
  const key = `explain|${JSON.stringify([framework, request.quarter, request.org.toUpperCase()])}`;
  return memo(
    db,
    key,
    async () => {
      const held = await nofQuarters(db);
      if (!held.includes(request.quarter)) return explainFromStore(db, request);
      const current = await cachedAssessment(db, { framework, quarter: request.quarter });
      const previousQuarter = previousQuarterLabel(request.quarter);
      const previousFramework = frameworkForQuarter(previousQuarter)?.id;
      const previous =
        held.includes(previousQuarter) && previousFramework
          ? await cachedAssessment(db, { framework: previousFramework, quarter: previousQuarter })
          : null;
      return explainAssessedTrust(current, request.org, previous) ?? explainFromStore(db, request);
    },
    nofDependency,
  );
}

/**
 * Prepares what the assessment pages compute from the store: every held quarter assessed, so that
 * a first visit to any organisation, league table or "what changed" page only looks its trust up.
 */
export async function warmAssessments(db: Kysely<Database>): Promise<void> {
  for (const quarter of await nofQuarters(db)) {
    const framework = frameworkForQuarter(quarter)?.id;
    if (framework) await cachedAssessment(db, { framework, quarter });
  }
}

/** The quarters of Oversight Framework data the store holds, latest first (labels like "Q4 2025/26"). */
export async function nofQuarters(db: Kysely<Database>, orgCode?: string): Promise<string[]> {
  return (await nofQuarterStarts(db, orgCode)).map((start) => financialQuarterLabel(start));
}
