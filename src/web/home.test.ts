import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { openLoadedStore, webTestFiles } from '../../test/helpers/loaded-store.ts';
import { dataDir } from '../../test/helpers/paths.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';
import { isNewConcern } from './routes/home/present.ts';

const nofDir = path.join(dataDir, 'nhse-nof-2025-26-mh-community');
const _monthlyDir = path.join(dataDir, 'nhse-ae-monthly-csv-2024-25');

describe('home page', () => {
  let store: Store;
  let app: FastifyInstance;
  before(async () => {
    store = await openLoadedStore(webTestFiles);
    app = await buildApp({ store, config: { logLevel: 'silent' } });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('counts trusts by segment for the latest quarter, as the published league table does', async () => {
    const published = parse(
      fs.readFileSync(
        path.join(nofDir, 'nhs-oversight-framework-mental-health-and-community-trust-league-table.csv'),
      ),
      {
        bom: true,
        columns: true,
      },
    ) as { Segment: string }[];
    const expected = [1, 2, 3, 4].map(
      (segment) => published.filter((row) => Number(row.Segment) === segment).length,
    );
    const response = await app.inject('/');
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /NHS Oversight Framework, Q4 2025\/26/);
    const row = /Mental health and community trust<\/a> \(61\)<\/th>([\s\S]*?)<\/tr>/.exec(response.body);
    assert.ok(row, 'a row for mental health and community trusts');
    const cells = [...row[1].matchAll(/<td[^>]*>(\d+)<\/td>/g)].map((match) => Number(match[1]));
    assert.deepEqual(cells, expected);
  });

  it('lists new special-cause concerns, each linked to its chart', async () => {
    const response = await app.inject('/');
    assert.match(response.body, /<h2>New special-cause concerns<\/h2>/);
    const links = [
      ...response.body.matchAll(/<li><a href="(\/organisations\/[^"]+\/metrics\/ae-4hr-[a-z0-9]+)">/g),
    ];
    assert.ok(links.length > 0, 'the June 2025 data hold at least one new concern');
    for (const [, href] of links) {
      const page = await app.inject(href);
      assert.equal(page.statusCode, 200, href);
      assert.match(page.body, /special-cause concern/i, href);
    }
  });

  it('calls a concern new only when the point before was not one', () => {
    assert.equal(isNewConcern(['common_cause', 'common_cause', 'special_cause_concern']), true);
    assert.equal(isNewConcern(['special_cause_concern', 'special_cause_concern']), false);
    assert.equal(isNewConcern(['special_cause_concern']), true);
    assert.equal(isNewConcern(['special_cause_concern', 'common_cause']), false);
    assert.equal(isNewConcern([]), false);
  });
});
