import { scope } from '../../policies/scope.ts';
import {
  countSignals,
  listSignals,
  type SignalFilter,
  type SignalListRow,
} from '../../store/repos/signal-repo.ts';
import { readStoreVersion } from '../../store/repos/version-repo.ts';
import type { UseCaseContext } from '../context.ts';
import { toCsv } from '../csv.ts';

export type { SignalFilter, SignalListRow };

/** The most signals one list returns. */
export const SIGNAL_LIST_LIMIT = 5000;

/** A list of signals with how many there are and how many concerns nobody has started talking about. */
export interface SignalList {
  rows: SignalListRow[];
  total: number;
  /** Concerns still new or only acknowledged: no inquiry opened, not understood. */
  unstartedConcerns: number;
  /** Whether `rows` stops short of `total`. */
  truncated: boolean;
}

/** Lists remembered per database handle, each under the store's versions, its filter and the reader's scope. */
const remembered = new WeakMap<object, Map<string, Promise<SignalList>>>();
const REMEMBERED_LISTS = 200;

/**
 * The signals the actor may read that match the filter: every list, count, feed, download and API
 * response of signals comes through here, filtered by the team-indicator read policy (signals on a
 * team's organisation-only indicator only for those who read the indicator).
 *
 * Remembered until the store changes: each list is keyed by the store's data and dialogue versions —
 * which every import, every computation that changed a signal and every person's write increments, in
 * the same transaction — with its filter, page and the reader's scope, so a signed-in reader's page
 * costs one small query until something changes.
 */
export async function readSignals(
  context: Pick<UseCaseContext, 'db' | 'actor'>,
  filter: SignalFilter,
  limit = SIGNAL_LIST_LIMIT,
  offset = 0,
): Promise<SignalList> {
  const readable = scope(context.actor, 'read', 'team_indicator');
  const version = await readStoreVersion(context.db);
  const key = JSON.stringify([version.data, version.dialogue, filter, limit, offset, readable]);
  let cache = remembered.get(context.db);
  if (!cache) {
    cache = new Map();
    remembered.set(context.db, cache);
  }
  const held = cache.get(key);
  if (held) {
    cache.delete(key);
    cache.set(key, held);
    return held;
  }
  const pending = (async () => {
    const rows = await listSignals(context.db, readable, filter, limit, offset);
    const counts = await countSignals(context.db, readable, filter);
    return { rows, ...counts, truncated: offset + rows.length < counts.total };
  })();
  cache.set(key, pending);
  pending.catch(() => cache.delete(key));
  while (cache.size > REMEMBERED_LISTS) cache.delete(cache.keys().next().value as string);
  return pending;
}

/** A signal as the API and the command line give it. */
export function signalView(row: SignalListRow) {
  return {
    id: row.id,
    org: row.org_code,
    orgName: row.org_name,
    metric: row.metric_id,
    metricName: row.metric_name,
    kind: row.kind,
    status: row.status,
    statusNote: row.status_note,
    conversationOpen: row.status === 'inquiry_opened',
    detail: row.detail,
    firstDate: row.first_date,
    latestDate: row.latest_date,
    points: row.points,
    latestValue: row.latest_value,
    openedAt: row.opened_at instanceof Date ? row.opened_at.toISOString() : row.opened_at,
    closedAt: row.closed_at instanceof Date ? row.closed_at.toISOString() : row.closed_at,
    closedReason: row.closed_reason,
  };
}

const csvColumns = [
  'id',
  'org_code',
  'org_name',
  'metric_id',
  'metric_name',
  'kind',
  'status',
  'status_note',
  'conversation_open',
  'first_date',
  'latest_date',
  'points',
  'latest_value',
  'detail',
] as const;

/** Signals as spreadsheet-safe CSV, one line each. */
export function signalsCsv(rows: readonly SignalListRow[]): string {
  return toCsv(
    [...csvColumns],
    rows.map((row) => [
      row.id,
      row.org_code,
      row.org_name,
      row.metric_id,
      row.metric_name,
      row.kind,
      row.status,
      row.status_note,
      row.status === 'inquiry_opened' ? 'yes' : 'no',
      row.first_date,
      row.latest_date,
      row.points,
      row.latest_value,
      row.detail,
    ]),
  );
}
