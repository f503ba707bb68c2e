import type { Kysely } from 'kysely';
import { financialQuarterLabel } from '../domain/period.ts';
import { previousQuarterLabel } from '../domain/quarter.ts';
import {
  explainAssessedTrust,
  frameworkForQuarter,
  type QuarterAssessment,
  type TrustExplanation,
} from '../engines/nof/index.ts';
import { nofQuarterStarts } from '../store/repos/observation-repo.ts';
import { readStoreVersion } from '../store/repos/version-repo.ts';
import type { Database } from '../store/tables.ts';
import { type AssessmentRequest, assessFromStore, explainFromStore } from './assessment.ts';

/*
 * In-process memos of results that depend only on the stored data: assessments and explanations
 * (an assessment runs a 4,000-replicate bootstrap, about half a second) and shared page view models.
 * Each entry is keyed by its request and the store's data version, which every transaction that
 * changes what the engines compute (an import, a rebase) increments — so a commit is seen by the next
 * request whatever order concurrent transactions commit in. Narratives and annotations do not
 * change the data version, so writing one never throws away an assessment.
 */

/** The store's data version: changes with every import or rebase. */
export async function dataVersion(db: Kysely<Database>): Promise<number> {
  return (await readStoreVersion(db)).data;
}

/**
 * A memo whose entries last until the data change: each is keyed by its key and the store's data
 * version, held per database handle, at most `maxEntries`, the least recently used dropped
 * first. A failed computation is forgotten, so the next call tries again.
 */
export function untilNextImportMemo(maxEntries: number) {
  const caches = new WeakMap<object, Map<string, Promise<unknown>>>();
  return async function remember<T>(
    db: Kysely<Database>,
    key: string,
    compute: () => Promise<T>,
  ): Promise<T> {
    let cache = caches.get(db);
    if (!cache) {
      cache = new Map();
      caches.set(db, cache);
    }
    const fullKey = `${await dataVersion(db)}|${key}`;
    const held = cache.get(fullKey);
    if (held) {
      cache.delete(fullKey);
      cache.set(fullKey, held);
      return held as Promise<T>;
    }
    const pending = compute();
    cache.set(fullKey, pending);
    pending.catch(() => cache.delete(fullKey));
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
    return pending;
  };
}

const memo = untilNextImportMemo(512);

/**
 * Remembers `compute()`'s result under `key` until the next import (any page view model or result
 * that depends only on the stored data).
 */
export function rememberUntilNextImport<T>(
  db: Kysely<Database>,
  key: string,
  compute: () => Promise<T>,
): Promise<T> {
  return memo(db, key, compute);
}

/** `assessFromStore`, remembered while the store's data are unchanged. */
export function cachedAssessment(
  db: Kysely<Database>,
  request: AssessmentRequest,
): Promise<QuarterAssessment> {
  const key = JSON.stringify([
    'assess',
    request.framework,
    request.quarter,
    request.trustType ?? null,
    request.cutPoints ?? null,
  ]);
  return memo(db, key, () => assessFromStore(db, request));
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
  const key = JSON.stringify(['explain', framework, request.quarter, request.org.toUpperCase()]);
  return memo(db, key, async () => {
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
  });
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
