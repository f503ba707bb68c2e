import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inRolledBackTransaction, records, seedTrusts } from '../../../test/helpers/import-steps.ts';
import { openTestStore, resetTestStore } from '../../../test/helpers/test-store.ts';
import type { IngestIssue } from '../../ingest/types.ts';
import type { Store } from '../../store/db.ts';
import { createReport } from './report.ts';
import { stageFile, writeReferences } from './stage.ts';

const knownMetricIds = new Set(['ae-dta-12hr', 'ae-4hr-type1']);

describe('import step: stage', () => {
  let store: Store;
  before(async () => {
    store = await openTestStore();
  });
  after(() => store?.close());
  beforeEach(async () => {
    await resetTestStore(store);
    await seedTrusts(store);
  });

  it('stages every parsed observation with its row, and reports a bad row without staging it', async () => {
    const report = createReport('t.csv', 1000);
    const { staged, rows } = await inRolledBackTransaction(store, async (trx) => {
      const staged = await stageFile(
        trx,
        async () =>
          records(
            'org_code,metric_id,period,value',
            'RGT,ae-dta-12hr,2024-06,3',
            'RGT,ae-dta-12hr,2024-13,4',
            'RJ1,ae-dta-12hr,2024-06,5',
          ),
        { context: { file: 't.csv', knownMetricIds }, batchSize: 1 },
        report,
      );
      const rows = await sql<{ row_number: number; org_code: string; value: number }>`
        select row_number, org_code, value from stage_observation order by row_number`.execute(trx);
      return { staged, rows: rows.rows };
    });
    assert.equal(staged.format?.id, 'tend-tidy');
    assert.equal(staged.dataRows, 3);
    assert.equal(staged.observations, 2);
    assert.equal(staged.readFailed, false);
    assert.deepEqual(rows, [
      { row_number: 2, org_code: 'RGT', value: 3 },
      { row_number: 4, org_code: 'RJ1', value: 5 },
    ]);
    assert.deepEqual(
      report.result.issues.map((issue) => [issue.code, issue.row, issue.column]),
      [['BAD_PERIOD', 3, 'C']],
    );
  });

  it('marks a file that could not be read to its end, and drops "no data rows" after it', async () => {
    const report = createReport('t.csv', 1000);
    const staged = await inRolledBackTransaction(store, (trx) =>
      stageFile(
        trx,
        async (onIssue) => {
          onIssue(report.issue('UNREADABLE_CSV', 2, null, 'the CSV could not be read: a quote'));
          return records('org_code,metric_id,period,value');
        },
        { context: { file: 't.csv', knownMetricIds }, batchSize: 100 },
        report,
      ),
    );
    assert.equal(staged.readFailed, true);
    assert.deepEqual(
      report.result.issues.map((issue: IngestIssue) => issue.code),
      ['UNREADABLE_CSV'],
    );
  });

  it('gathers the organisations and memberships a file defines, and writes them when asked', async () => {
    const report = createReport('etr.csv', 1000);
    const line = (code: string) =>
      `${code},NEW TRUST ${code.slice(-1)},Y56,QKK,,,,,,SE1 9RT,20240401,,,,,,,,,,,0,,J,,,`;
    const { staged, written, names } = await inRolledBackTransaction(store, async (trx) => {
      const staged = await stageFile(
        trx,
        async () => records(line('RZ1'), line('RZ2')),
        { context: { file: 'etr.csv', knownMetricIds }, batchSize: 100 },
        report,
      );
      const written = await writeReferences(trx, staged.references, 'ods-etr');
      const again = await writeReferences(trx, staged.references, 'ods-etr');
      assert.equal(again.changed, false, 'the same references a second time change nothing');
      const names = await trx
        .selectFrom('organisation')
        .select(['code', 'name'])
        .where('code', 'in', ['RZ1', 'RZ2'])
        .orderBy('code')
        .execute();
      return { staged, written, names };
    });
    assert.equal(staged.format?.id, 'ods-etr');
    assert.equal(staged.observations, 0);
    assert.equal(staged.references.memberships.size, 4);
    assert.equal(written.organisations, 4); // RZ1, RZ2, the region Y56 and the ICB QKK
    assert.equal(written.changed, true);
    assert.deepEqual(names, [
      { code: 'RZ1', name: 'New Trust 1' },
      { code: 'RZ2', name: 'New Trust 2' },
    ]);
  });
});
