import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { bundled, openLoadedStore } from '../../../test/helpers/loaded-store.ts';
import { testBackend } from '../../../test/helpers/test-store.ts';
import type { Store } from '../../store/db.ts';
import { upsertMetrics } from '../../store/repos/metric-repo.ts';
import { importFile } from '../import-file.ts';
import { computeSignals } from './compute.ts';

/**
 * A count is read through its rate wherever the organisation holds the rate — also when an import
 * changes the count alone, so the computation after it reads only the count. Three trusts report a
 * count that rose by half after fifteen level months (a special-cause concern on its own chart);
 * two of them also report the rate, which stayed level because their activity rose with it.
 */
describe(`signals read a count through its rate, whichever of the two an import changed (${testBackend})`, () => {
  let store: Store;
  let folder: string;
  const withRate = ['RJ1', 'RGT'];
  const countOnly = 'RYJ';
  const months = Array.from({ length: 24 }, (_, index) => {
    const day = new Date(Date.UTC(2024, index, 1));
    return day.toISOString().slice(0, 7);
  });

  before(async () => {
    store = await openLoadedStore([bundled.odsTrusts, bundled.trustLookup], { computeSignals: false });
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-count-rate-'));
    const known = await store.db
      .selectFrom('organisation')
      .select('code')
      .where('code', 'in', [...withRate, countOnly])
      .execute();
    assert.equal(known.length, 3, 'the register holds the three trusts');
    const metric = {
      description: null,
      direction: 'lower_is_better' as const,
      domain: 'Test',
      subdomain: null,
      source_publication: null,
      builtin: false,
    };
    await upsertMetrics(store.db, [
      {
        ...metric,
        id: 'test-delays',
        name: 'Delayed transfers',
        unit: 'count',
        numerator_definition: null,
        denominator_definition: null,
      },
      {
        ...metric,
        id: 'test-delays-rate',
        name: 'Delayed transfers per 1,000 discharges',
        unit: 'per 1,000',
        numerator_definition: 'Delayed transfers',
        denominator_definition: 'Discharges',
      },
    ]);
  });
  after(async () => {
    await store?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  const wobble = (month: number) => (month * 7) % 5;
  const count = (month: number) => (month >= 15 ? 160 : 100) + wobble(month);
  const discharges = (month: number) => (month >= 15 ? 1600 : 1000);

  async function importLines(name: string, lines: string[]) {
    const file = path.join(folder, name);
    fs.writeFileSync(
      file,
      `${['org_code,metric_id,period,value,numerator,denominator,status,note', ...lines].join('\n')}\n`,
    );
    const result = await importFile(store, file);
    assert.equal(result.outcome, 'imported', name);
  }

  const openSignalsOf = async (metricId: string) =>
    (
      await sql<{ org_code: string; kind: string }>`
        select org_code, kind from signal where metric_id = ${metricId} and closed_at is null order by org_code, kind`.execute(
        store.db,
      )
    ).rows;

  it('raises the concern only where the organisation holds no rate, after an import of the count alone', async () => {
    await importLines(
      'rates.csv',
      withRate.flatMap((code) =>
        months.map(
          (month, at) =>
            `${code},test-delays-rate,${month},${((count(at) / discharges(at)) * 1000).toFixed(2)},,,,`,
        ),
      ),
    );
    await importLines(
      'counts.csv',
      [...withRate, countOnly].flatMap((code) =>
        months.map((month, at) => `${code},test-delays,${month},${count(at)},,,,`),
      ),
    );
    const concerns = (await openSignalsOf('test-delays')).filter((row) => row.kind === 'concern');
    assert.deepEqual(
      concerns.map((row) => row.org_code),
      [countOnly],
    );
  });

  it('finds the same signals when the whole store is computed again', async () => {
    const before = await openSignalsOf('test-delays');
    const whole = await computeSignals(store.db, () => new Date());
    assert.equal(whole.written, 0, 'nothing to open or update');
    assert.equal(whole.closed, 0, 'nothing to close');
    assert.deepEqual(await openSignalsOf('test-delays'), before);
  });
});
