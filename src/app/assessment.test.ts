import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { dataDir } from '../../test/helpers/paths.ts';
import { openTestStore } from '../../test/helpers/test-store.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { assessFromStore, explainFromStore, parseCutPoints } from './assessment.ts';
import { importFile } from './import-file.ts';

const nofDir = path.join(dataDir, 'nhse-nof-2025-26-mh-community');
const published = parse(
  fs.readFileSync(
    path.join(nofDir, 'nhs-oversight-framework-mental-health-and-community-trust-league-table.csv'),
  ),
  {
    bom: true,
    columns: true,
  },
) as Record<string, string>[];

describe('assessment over the store (imported official NOF file)', () => {
  let store: Store;
  before(async () => {
    store = await openTestStore();
    for (const file of [
      'nhs-oversight-framework-mental-health-and-community-trust-data.csv',
      'nhs-oversight-framework-mental-health-and-community-trust-league-table.csv',
    ]) {
      assert.equal((await importFile(store.db, path.join(nofDir, file))).outcome, 'imported');
    }
  });
  after(() => store.close());

  it('reproduces the published Q4 2025/26 league table: segment and rank for all 61 trusts', async () => {
    const assessment = await assessFromStore(store.db, { framework: 'nof-2025-26', quarter: 'Q4 2025/26' });
    assert.equal(assessment.trusts.length, 61);
    const byCode = new Map(assessment.trusts.map((row) => [row.Trust_code, row]));
    for (const row of published) {
      const ours = byCode.get(row.Trust_code);
      assert.ok(ours, row.Trust_code);
      assert.equal(ours.Segment, Number(row.Segment), `${row.Trust_code} segment`);
      assert.equal(ours.Rank, Number(row.Rank), `${row.Trust_code} rank`);
      assert.equal(
        ours.Trust_in_financial_deficit,
        row.Trust_in_financial_deficit,
        `${row.Trust_code} deficit`,
      );
      assert.ok(
        Math.abs((ours.Average_score ?? Number.NaN) - Number(row.Average_score)) <= 0.005 + 1e-9,
        `${row.Trust_code} average`,
      );
      const [low, high] = row.Likely_range_of_rank.split(' to ').map(Number);
      const [ourLow, ourHigh] = String(ours.Likely_range_of_rank).split(' to ').map(Number);
      assert.ok(
        Math.abs(ourLow - low) <= 3 && Math.abs(ourHigh - high) <= 3,
        `${row.Trust_code} likely rank ${ours.Likely_range_of_rank} vs ${row.Likely_range_of_rank}`,
      );
    }
  });

  it('filters by trust type and refuses a type it does not hold, naming those it does', async () => {
    const filtered = await assessFromStore(store.db, {
      framework: 'nof-2025-26',
      quarter: 'Q4 2025/26',
      trustType: 'mental health and community trust',
    });
    assert.equal(filtered.trusts.length, 61);
    await assert.rejects(
      assessFromStore(store.db, {
        framework: 'nof-2025-26',
        quarter: 'Q4 2025/26',
        trustType: 'Acute trust',
      }),
      /types held: Mental health and community trust/,
    );
  });

  it('says which quarters it holds when asked for another', async () => {
    await assert.rejects(
      assessFromStore(store.db, { framework: 'nof-2025-26', quarter: 'Q1 2026/27' }),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'NOT_FOUND');
        assert.match(error.message, /holds Q1 2025\/26, Q2 2025\/26, Q3 2025\/26, Q4 2025\/26/);
        return true;
      },
    );
  });

  it('explains one trust in plain English, with its published rank', async () => {
    const explanation = await explainFromStore(store.db, { org: 'RYY', quarter: 'Q4 2025/26' });
    const text = explanation.sentences.join(' ');
    assert.match(
      text,
      /Kent Community Health NHS Foundation Trust \(RYY\) has an average metric score of 1\.53/,
    );
    assert.match(text, /ranks 1st of 61/);
    await assert.rejects(
      explainFromStore(store.db, { org: 'RJ1', quarter: 'Q4 2025/26' }),
      /no Oversight Framework data in the store|No organisation has the code/,
    );
  });

  it('accepts cut points only as three increasing numbers', () => {
    assert.deepEqual(parseCutPoints('1.8, 2.2,2.6'), [1.8, 2.2, 2.6]);
    assert.throws(() => parseCutPoints('2.2,1.8,2.6'), /invalid --cut-points/);
    assert.throws(() => parseCutPoints('1,2'), /invalid --cut-points/);
  });
});
