import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { inRolledBackTransaction, seedTrusts } from '../../../test/helpers/import-steps.ts';
import { openTestStore, resetTestStore } from '../../../test/helpers/test-store.ts';
import type { ObservationRecord } from '../../ingest/types.ts';
import type { Store } from '../../store/db.ts';
import { createObservationStage, insertStageRows, StageBuffer } from '../../store/repos/stage-repo.ts';
import { checkStage } from './check.ts';
import { createReport } from './report.ts';

const observation = (
  rowNumber: number,
  orgCode: string,
  metricId: string,
  value: number,
): ObservationRecord => ({
  orgCode,
  metricId,
  periodStart: '2024-06-01',
  periodEnd: '2024-06-30',
  granularity: 'month',
  value,
  numerator: null,
  denominator: null,
  status: 'reported',
  note: null,
  detail: null,
  rowNumber,
});

describe('import step: check', () => {
  let store: Store;
  before(async () => {
    store = await openTestStore();
  });
  after(() => store?.close());
  beforeEach(async () => {
    await resetTestStore(store);
    await seedTrusts(store);
  });

  async function check(...staged: ObservationRecord[]) {
    const report = createReport('t.csv', 1000);
    const checked = await inRolledBackTransaction(store, async (trx) => {
      await createObservationStage(trx);
      const buffer = new StageBuffer();
      for (const record of staged) buffer.push(record);
      await insertStageRows(trx, buffer);
      return checkStage(trx, report);
    });
    return { checked, issues: report.result.issues, errors: report.result.errorCount };
  }

  it('finds nothing in rows the store can take', async () => {
    const { checked, issues } = await check(
      observation(2, 'RGT', 'ae-dta-12hr', 1),
      observation(3, 'RJ1', 'ae-dta-12hr', 2),
    );
    assert.deepEqual(checked, { repeats: false });
    assert.deepEqual(issues, []);
  });

  it('names unknown organisations and metrics at the first row naming each', async () => {
    const { issues, errors } = await check(
      observation(2, 'RGT', 'ae-dta-12hr', 1),
      observation(3, 'RXX', 'ae-dta-12hr', 2),
      observation(4, 'RXX', 'ae-dta-4hr', 2),
      observation(5, 'RGT', 'no-such-metric', 2),
    );
    assert.equal(errors, 2);
    assert.deepEqual(
      issues.map((issue) => [issue.code, issue.row, issue.message]),
      [
        [
          'UNKNOWN_ORGANISATION',
          3,
          'organisation "RXX" is not known to Tend (2 rows); import the ODS trust list first, or check the code',
        ],
        [
          'UNKNOWN_METRIC',
          5,
          'metric "no-such-metric" is not in the catalogue; list metrics with `tend metrics`',
        ],
      ],
    );
  });

  it('refuses a repeated key with different figures, and only warns of an exact repeat', async () => {
    const conflicting = await check(
      observation(2, 'RGT', 'ae-dta-12hr', 1),
      observation(3, 'RGT', 'ae-dta-12hr', 2),
    );
    assert.equal(conflicting.errors, 1);
    assert.equal(conflicting.issues[0].row, 3);
    const exact = await check(
      observation(2, 'RGT', 'ae-dta-12hr', 1),
      observation(3, 'RGT', 'ae-dta-12hr', 1),
    );
    assert.deepEqual(exact.checked, { repeats: true });
    assert.equal(exact.errors, 0);
    assert.equal(exact.issues[0].severity, 'warning');
  });
});
