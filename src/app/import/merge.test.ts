import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { seedTrusts } from '../../../test/helpers/import-steps.ts';
import { openTestStore, resetTestStore } from '../../../test/helpers/test-store.ts';
import type { ObservationRecord } from '../../ingest/types.ts';
import { operator } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { createObservationStage, insertStageRows, StageBuffer } from '../../store/repos/stage-repo.ts';
import { readDataPartVersions, readStoreVersion } from '../../store/repos/version-repo.ts';
import { openBatch } from './batch.ts';
import { mergeBatch } from './merge.ts';
import { createReport } from './report.ts';

const observation = (rowNumber: number, period: string, value: number): ObservationRecord => ({
  orgCode: 'RGT',
  metricId: 'ae-dta-12hr',
  periodStart: `${period}-01`,
  periodEnd: `${period}-28`,
  granularity: 'month',
  value,
  numerator: null,
  denominator: null,
  status: 'reported',
  note: null,
  detail: null,
  rowNumber,
});

describe('import step: merge', () => {
  let store: Store;
  before(async () => {
    store = await openTestStore();
  });
  after(() => store?.close());
  beforeEach(async () => {
    await resetTestStore(store);
    await seedTrusts(store);
  });

  /** Stages the rows and merges them as one batch of file `file`, committed. */
  async function merge(file: string, rows: ObservationRecord[], repeats = false) {
    const report = createReport(file, 1000);
    report.result.observations = rows.length;
    const at = new Date('2026-01-05T10:00:00Z');
    return store.db.transaction().execute(async (trx) => {
      const identity = { file, hash: `hash-of-${file}`, startedAt: at, actor: operator('cli') };
      const batchId = await openBatch(trx, identity);
      await createObservationStage(trx);
      const buffer = new StageBuffer();
      for (const row of rows) buffer.push(row);
      await insertStageRows(trx, buffer);
      const counts = await mergeBatch(
        trx,
        { ...identity, batchId, format: undefined, finishedAt: () => at },
        report.result,
        { repeats },
      );
      return { batchId, counts };
    });
  }

  it('inserts new keys, completes the batch, writes its audit entry and bumps the data version', async () => {
    const version = await readStoreVersion(store.db);
    const { batchId, counts } = await merge('v1.csv', [
      observation(2, '2024-06', 10),
      observation(3, '2024-07', 12),
    ]);
    assert.deepEqual(counts, { inserted: 2, updated: 0, unchanged: 0, changedMetricIds: ['ae-dta-12hr'] });
    const batch = await store.db
      .selectFrom('import_batch')
      .selectAll()
      .where('id', '=', batchId)
      .executeTakeFirstOrThrow();
    assert.equal(batch.inserted_count, 2);
    assert.equal(batch.observation_count, 2);
    const audit = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', String(batchId))
      .execute();
    assert.deepEqual(
      audit.map((entry) => entry.action),
      ['import.file'],
    );
    assert.equal((await readStoreVersion(store.db)).data, version.data + 1);
  });

  it('moves a changed value to the history and leaves an identical one alone', async () => {
    const partBefore = (await readDataPartVersions(store.db)).get('metric:ae-dta-12hr') ?? 0;
    const first = await merge('v1.csv', [observation(2, '2024-06', 10), observation(3, '2024-07', 12)]);
    const second = await merge('v2.csv', [observation(2, '2024-06', 10), observation(3, '2024-07', 14)]);
    assert.deepEqual(second.counts, {
      inserted: 0,
      updated: 1,
      unchanged: 1,
      changedMetricIds: ['ae-dta-12hr'],
    });
    const parts = await readDataPartVersions(store.db);
    assert.equal(
      parts.get('metric:ae-dta-12hr'),
      partBefore + 2,
      'each merge that changed the metric bumped its part',
    );
    const third = await merge('v3.csv', [observation(2, '2024-06', 10), observation(3, '2024-07', 14)]);
    assert.deepEqual(third.counts.changedMetricIds, [], 'nothing changed');
    assert.equal((await readDataPartVersions(store.db)).get('metric:ae-dta-12hr'), partBefore + 2);
    const history = await store.db.selectFrom('observation_history').selectAll().execute();
    assert.deepEqual(
      history.map((row) => [row.value, row.batch_id, row.superseded_by_batch]),
      [[12, first.batchId, second.batchId]],
    );
  });

  it('drops exact repeats before merging when the check found them', async () => {
    const { counts } = await merge(
      'v1.csv',
      [observation(2, '2024-06', 10), observation(3, '2024-06', 10)],
      true,
    );
    assert.deepEqual(counts, { inserted: 1, updated: 0, unchanged: 0, changedMetricIds: ['ae-dta-12hr'] });
  });
});
