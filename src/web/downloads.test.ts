import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { openLoadedStore, webTestFiles } from '../../test/helpers/loaded-store.ts';
import { tableRows, testMetric } from '../../test/helpers/page-tables.ts';
import type { Store } from '../store/db.ts';
import { upsertMetrics } from '../store/repos/metric-repo.ts';
import { buildApp } from './app.ts';

/** One page of each type, and the variants whose tables differ. */
const pages = [
  '/',
  '/organisations',
  '/organisations?search=Kent',
  '/organisations/RYY',
  '/organisations/RAN',
  '/organisations/RYY/metrics/OF5002',
  '/metrics',
  '/metrics/ae-4hr-type1',
  '/metrics/OF5002',
  '/systems',
  '/systems/QMJ',
  '/league-tables',
  '/league-tables/mental-health-and-community-trust?quarter=Q3%202025%2F26',
  '/api/docs',
];

const decodeEntities = (text: string) =>
  text.replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"');

describe('table downloads', () => {
  let store: Store;
  let app: FastifyInstance;
  before(async () => {
    store = await openLoadedStore(webTestFiles);
    // A metric whose name and source would run as formulas in a spreadsheet. Written before any page
    // is rendered: pages are kept until the next import, and this write is not one.
    await upsertMetrics(store.db, [
      testMetric({
        id: 'test-formula',
        name: '=HYPERLINK("http://example.invalid","click")',
        domain: 'Formula test',
        source_publication: '@SUM(1+1)',
      }),
    ]);
    app = await buildApp({ store, config: { logLevel: 'silent' } });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  for (const page of pages) {
    it(`every table on ${page} has a CSV download holding its rows`, async () => {
      const response = await app.inject(page);
      assert.equal(response.statusCode, 200);
      const body = response.body;
      const tables = [...body.matchAll(/<table class="nhsuk-table[^"]*"(?: id="([^"]+)")?/g)];
      const links = [...body.matchAll(/<a href="([^"]+)"[^>]*\sdownload[\s>]/g)].map((match) =>
        decodeEntities(match[1]),
      );
      assert.ok(tables.length > 0, 'the page has a table');
      assert.equal(links.length, tables.length, 'one download link per table');
      for (const [, id] of tables) {
        if (!id) continue;
        const link = links.find((href) => href.endsWith(`download=${id}`));
        if (!link) continue; // A table whose download is elsewhere (league table, chart data): checked below.
        const csv = await app.inject(link);
        assert.equal(csv.statusCode, 200, link);
        assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8', link);
        assert.match(
          String(csv.headers['content-disposition']),
          /^attachment; filename="tend-[A-Za-z0-9._-]+\.csv"$/,
        );
        const [header, ...rows] = parse(csv.body) as string[][];
        assert.equal(rows.length, tableRows(body, id).length, `${link}: one CSV line per table row`);
        const start = body.search(new RegExp(`<table[^>]*\\sid="${id}"`));
        const head = body.slice(start, body.indexOf('</thead>', start));
        const shown = [...head.matchAll(/<th scope="col"[^>]*>([^<]*)/g)].map((match) =>
          decodeEntities(match[1]).trim(),
        );
        let position = 0;
        for (const label of shown) {
          const found = header.findIndex((name, index) => index >= position && name.startsWith(label));
          assert.ok(found >= 0, `${link}: column "${label}" is in the CSV, in order (${header.join(' | ')})`);
          position = found + 1;
        }
      }
      for (const link of links.filter((href) => !href.includes('download='))) {
        const csv = await app.inject(link);
        assert.equal(csv.statusCode, 200, link);
        assert.match(String(csv.headers['content-type']), /^text\/csv/, link);
      }
    });
  }

  it('the league table download has one line per trust shown', async () => {
    const page = await app.inject('/league-tables/mental-health-and-community-trust');
    const link = /<a href="([^"]+)" download>Download the mental health/.exec(page.body)?.[1];
    assert.ok(link);
    const rows = parse((await app.inject(decodeEntities(link))).body, { columns: true }) as {
      Trust_code: string;
    }[];
    const shown = [...page.body.matchAll(/<tr class="nhsuk-table__row" data-key="([A-Z0-9]+)"/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(rows.map((row) => row.Trust_code).sort(), shown.sort());
  });

  it('neutralises formula-like text in a download', async () => {
    const list = await app.inject('/metrics');
    const id = /<h2 id="(domain-\d+)">Formula test<\/h2>/.exec(list.body)?.[1];
    assert.ok(id, 'the new domain is listed');
    const csv = await app.inject(`/metrics?download=metrics-${id.slice('domain-'.length)}`);
    assert.equal(csv.statusCode, 200);
    assert.match(csv.body, /^Metric,Id,Unit,Direction,Description,Source publication\r\n/);
    assert.ok(csv.body.includes(`"'=HYPERLINK(""http://example.invalid"",""click"")"`), csv.body);
    assert.ok(csv.body.includes("'@SUM(1+1)"), csv.body);
  });

  it('says which tables a page has when asked for one it does not', async () => {
    const response = await app.inject('/systems?download=%3Cnope%3E');
    assert.equal(response.statusCode, 404);
    assert.match(
      response.body,
      /This page has no table called &quot;&lt;nope&gt;&quot; to download\. Its tables are: systems\./,
    );
    assert.doesNotMatch(response.body, /<nope>/);
  });
});
