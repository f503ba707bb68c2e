import type { Actor } from '../policies/actor.ts';
import { readStoreVersion } from '../store/repos/version-repo.ts';
import { isoDay, type UseCaseContext } from './context.ts';

/*
 * Results that depend on who reads them — the parts of a page filtered by the read policies — kept
 * per reader until the store changes. Each entry is keyed by the store's data and dialogue versions
 * (every commit of an import, a rebase or any audited write increments one of them), the day (grants
 * and follow-up dates are read by day), everything about the reader the policies look at (their id
 * and grants in force), and the caller's key. A result is therefore only ever reused for the same
 * reader, on the same day, over the same store; anything else reads it again.
 */

const maxEntries = 500;
const caches = new WeakMap<object, Map<string, Promise<unknown>>>();

/** Everything about an actor the read policies depend on, as a key. */
export function readerKey(actor: Actor): string {
  if (actor.kind === 'anonymous') return 'anonymous';
  if (actor.kind === 'operator') return `operator:${actor.label}`;
  const grants = actor.grants
    .map((grant) => `${grant.role}@${grant.scopeKind}:${grant.scopeCode ?? ''}`)
    .sort()
    .join(',');
  return `user:${actor.userId}:${grants}`;
}

/**
 * `compute()`'s result for this reader and this state of the store (`rememberForReader`): computed
 * once, then reused by the same reader's requests until any commit. At most 500 entries per store,
 * the least recently used dropped first; a failed computation is forgotten.
 */
export async function rememberForReader<T>(
  context: UseCaseContext,
  key: string,
  compute: () => Promise<T>,
): Promise<T> {
  let cache = caches.get(context.db);
  if (!cache) {
    cache = new Map();
    caches.set(context.db, cache);
  }
  const version = await readStoreVersion(context.db);
  const fullKey = `${version.data}|${version.dialogue}|${isoDay(context.clock())}|${readerKey(context.actor)}|${key}`;
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
}
