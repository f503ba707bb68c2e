import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testMetric } from '../../../test/helpers/page-tables.ts';
import { openTestStore, testBackend } from '../../../test/helpers/test-store.ts';
import type { Store } from '../db.ts';
import { insertBatch } from './batch-repo.ts';
import { upsertMetrics } from './metric-repo.ts';
import { upsertOrganisations } from './organisation-repo.ts';
import { organisationSeriesRows } from './series-repo.ts';

describe(`an organisation's series for its scorecard (${testBackend})`, () => {
  let store: Store;
  before(async () => {
    store = await openTestStore();
    const db = store.db;
    await upsertOrganisations(
      db,
      [{ code: 'TST', name: 'Test trust', kind: 'trust', authority: 'replace' }],
      'test',
    );
    await upsertMetrics(db, [
      testMetric({ id: 'm-a', name: 'A' }),
      testMetric({ id: 'm-b', name: 'B' }),
      testMetric({ id: 'm-c', name: 'C' }),
    ]);
    const batch = await insertBatch(db, {
      file_name: 'test.csv',
      content_hash: 'series-repo-test',
      format: null,
      publication: null,
      edition: null,
      row_count: 0,
      observation_count: 0,
      inserted_count: 0,
      updated_count: 0,
      unchanged_count: 0,
      issues: [],
      outcome: 'imported',
      started_at: new Date(),
      finished_at: new Date(),
    });
    const row = (
      metric: string,
      granularity: 'month' | 'quarter',
      start: string,
      end: string,
      value: number,
    ) => ({
      org_code: 'TST',
      metric_id: metric,
      period_start: start,
      period_end: end,
      granularity,
      value,
      numerator: null,
      denominator: null,
      status: 'reported' as const,
      note: null,
      detail: null,
      batch_id: batch,
      publication: 'test',
      edition: null,
    });
    await db
      .insertInto('observation')
      .values([
        // m-a: three months and one quarter: the months are its series.
        row('m-a', 'quarter', '2025-04-01', '2025-06-30', 9),
        row('m-a', 'month', '2025-06-01', '2025-06-30', 3),
        row('m-a', 'month', '2025-04-01', '2025-04-30', 1),
        row('m-a', 'month', '2025-05-01', '2025-05-31', 2),
        // m-b: one quarter only.
        row('m-b', 'quarter', '2025-07-01', '2025-09-30', 5),
        // m-c: as many months as quarters: the tie goes to the granularity first in order (month).
        row('m-c', 'quarter', '2025-04-01', '2025-06-30', 7),
        row('m-c', 'month', '2025-04-01', '2025-04-30', 6),
      ])
      .execute();
  });
  after(async () => {
    await store.close();
  });

  it('gives each metric at its most common granularity, in metric and date order', async () => {
    const rows = await organisationSeriesRows(store.db, 'TST');
    assert.deepEqual(
      rows.map((row) => [row.metric_id, row.granularity, row.period_start, row.value]),
      [
        ['m-a', 'month', '2025-04-01', 1],
        ['m-a', 'month', '2025-05-01', 2],
        ['m-a', 'month', '2025-06-01', 3],
        ['m-b', 'quarter', '2025-07-01', 5],
        ['m-c', 'month', '2025-04-01', 6],
      ],
    );
    assert.deepEqual(await organisationSeriesRows(store.db, 'NONE'), []);
  });
});
