import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { openLoadedStore, webTestFiles } from '../../test/helpers/loaded-store.ts';
import { downloadTable, tableRows } from '../../test/helpers/page-tables.ts';
import { dataDir } from '../../test/helpers/paths.ts';
import { isNewConcern } from '../app/metric-across.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';

const nofDir = path.join(dataDir, 'nhse-nof-2025-26-mh-community');

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
    const row = tableRows(response.body, 'segments').find((cells) => cells[0].startsWith('Mental health'));
    assert.deepEqual(row, ['Mental health and community trust (61)', ...expected.map(String)]);
    const csv = await downloadTable(app, '/', 'segments');
    assert.deepEqual(csv, [
      {
        'Trust type': 'Mental health and community trust',
        Trusts: '61',
        'Segment 1': String(expected[0]),
        'Segment 2': String(expected[1]),
        'Segment 3': String(expected[2]),
        'Segment 4': String(expected[3]),
      },
    ]);
  });

  it('lists new special-cause concerns on every metric, each linked to its chart', async () => {
    const response = await app.inject('/');
    assert.match(response.body, /<h2>New special-cause concerns<\/h2>/);
    const concerns = await downloadTable(app, '/', 'new-concerns');
    assert.equal(concerns.length, tableRows(response.body, 'new-concerns').length);
    assert.ok(concerns.length > 0, 'the June 2025 data hold at least one new concern');
    const metrics = new Set(concerns.map((row) => row['Metric id']));
    assert.ok(
      [...metrics].some((id) => !id.startsWith('ae-4hr-')),
      `concerns come from more than the 4-hour metrics: ${[...metrics].join(', ')}`,
    );
    for (const row of concerns) {
      assert.equal(row.Period, 'June 2025', 'only organisations still reporting');
      const page = await app.inject(`/organisations/${row['ODS code']}/metrics/${row['Metric id']}`);
      assert.equal(page.statusCode, 200, row['ODS code']);
      assert.match(page.body, /special-cause concern/i, `${row['ODS code']} ${row['Metric id']}`);
    }
  });

  it("a concern's chart names who has improved the same metric, each with a chart that shows it", async () => {
    const concerns = await downloadTable(app, '/', 'new-concerns');
    let listed = 0;
    for (const concern of concerns) {
      const page = await app.inject(`/organisations/${concern['ODS code']}/metrics/${concern['Metric id']}`);
      assert.match(page.body, /<h2 id="who-improved">Who has improved this<\/h2>/);
      assert.match(page.body, /This chart shows a special-cause concern\.|No other organisation/);
      const list = /<ul[^>]*id="improving-list">([\s\S]*?)<\/ul>/.exec(page.body)?.[1] ?? '';
      const links = [...list.matchAll(/<a href="([^"]+)">/g)].map((match) => match[1]);
      assert.ok(links.length <= 10);
      for (const href of links) {
        assert.ok(!href.startsWith(`/organisations/${concern['ODS code']}/`), 'not the organisation itself');
        const chart = await app.inject(href);
        assert.match(chart.body, /special-cause improvement/i, href);
      }
      listed += links.length;
    }
    assert.ok(listed > 0, 'some concern has organisations to ask');
  });

  it('calls a concern new only when the point before was not one', () => {
    assert.equal(isNewConcern('special_cause_concern', 'common_cause'), true);
    assert.equal(isNewConcern('special_cause_concern', 'special_cause_concern'), false);
    assert.equal(isNewConcern('special_cause_concern', null), true);
    assert.equal(isNewConcern('common_cause', 'special_cause_concern'), false);
    assert.equal(isNewConcern(null, null), false);
  });
});
