import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openLoadedStore, webTestFiles } from '../../test/helpers/loaded-store.ts';
import { testBackend } from '../../test/helpers/test-store.ts';
import { importFile } from '../app/import-file.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';

/**
 * The server keeps answering while an import runs: readiness and a trust page already rendered are
 * answered before the import has finished, on the embedded store (which runs one transaction at a
 * time) as on a PostgreSQL server; once the import commits, the page is rendered again.
 */
describe(`the server answers while an import is running (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  let folder: string;
  before(async () => {
    store = await openLoadedStore(webTestFiles, { computeSignals: false });
    app = await buildApp({ store, config: { logLevel: 'silent' }, rateLimitPerMinute: 1_000_000 });
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-import-serving-'));
  });
  after(async () => {
    await app?.close();
    await store?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  /** A tidy file of `rows` new values: every trust's A&E four-hour figure for months long before the data. */
  async function bigTidyFile(rows: number): Promise<string> {
    const trusts = (
      await store.db.selectFrom('organisation').select('code').where('kind', '=', 'trust').execute()
    ).map((row) => row.code);
    const lines = ['org_code,metric_id,period,value'];
    for (let index = 0; index < rows; index++) {
      const month = Math.floor(index / trusts.length);
      const year = 1990 + Math.floor(month / 12);
      lines.push(
        `${trusts[index % trusts.length]},ae-4hr-type1,${year}-${String((month % 12) + 1).padStart(2, '0')},${50 + (index % 40)}`,
      );
    }
    const file = path.join(folder, 'many-values.csv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  it('answers /health/ready and a kept trust page before the import finishes, and the new page after it', async () => {
    const first = await app.inject({ url: '/organisations/RYY' });
    assert.equal(first.statusCode, 200);
    assert.equal((await app.inject({ url: '/health/ready' })).statusCode, 200);
    const file = await bigTidyFile(60_000);

    let progressed = false;
    let finished = false;
    const importing = importFile(store, file, {
      computeSignals: false,
      onProgress: () => {
        progressed = true;
      },
    }).finally(() => {
      finished = true;
    });
    while (!progressed && !finished) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(finished, false, 'the import is still running');

    const [ready, page] = await Promise.all([
      app.inject({ url: '/health/ready' }),
      app.inject({ url: '/organisations/RYY' }),
    ]);
    const answeredDuringImport = !finished;
    assert.equal(ready.statusCode, 200);
    assert.equal(page.statusCode, 200);
    assert.equal(page.body, first.body, 'the page as rendered before the import');
    assert.ok(answeredDuringImport, 'both were answered before the import finished');

    const result = await importing;
    assert.equal(result.outcome, 'imported');
    assert.equal(result.inserted, 60_000);
    const afterImport = await app.inject({ url: '/organisations/RYY' });
    assert.equal(afterImport.statusCode, 200);
    assert.notEqual(afterImport.body, first.body, 'rendered again once the import committed');
  });
});
