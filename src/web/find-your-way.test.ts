import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { openLoadedStore, webTestFiles } from '../../test/helpers/loaded-store.ts';
import { assertSafePage, downloadTable, tableRows, titleOf } from '../../test/helpers/page-tables.ts';
import { explainFromStore } from '../app/assessment.ts';
import { cachedExplanation, nofQuarters } from '../app/assessment-cache.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';

const titleSuffix = ' – Tend – NHS';

/** Regions, the "what changed" page, organisation pages by quarter, and search that forgives. */
describe('finding your way', () => {
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

  it('the regions page lists NHS England’s seven regions, and Wales apart', async () => {
    const response = await app.inject('/regions');
    assert.equal(response.statusCode, 200);
    assertSafePage(response.body);
    assert.equal(titleOf(response.body), `Regions${titleSuffix}`);
    const rows = tableRows(response.body, 'regions');
    assert.deepEqual(
      rows.map((row) => row[1]),
      ['Y61', 'Y56', 'Y60', 'Y63', 'Y62', 'Y59', 'Y58'],
    );
    const london = rows.find((row) => row[1] === 'Y56');
    assert.ok(london && Number(london[2]) > 20, 'London holds its trusts');
    assert.deepEqual(
      tableRows(response.body, 'regions-outside').map((row) => row[1]),
      ['W00'],
    );
  });

  it('a region page counts its trusts by segment and links its ICBs’ system pages', async () => {
    const response = await app.inject('/regions/Y59');
    assert.equal(response.statusCode, 200);
    assertSafePage(response.body);
    assert.equal(titleOf(response.body), `South East${titleSuffix}`);
    const trusts = tableRows(response.body, 'trusts');
    assert.ok(
      trusts.some((row) => row[0].includes('(RYY)')),
      'Kent Community Health is in the South East',
    );
    // The segment counts add up to the trusts listed, and match the league table's segments.
    const segments = tableRows(response.body, 'segments');
    assert.equal(
      segments.reduce((sum, row) => sum + Number(row[1]), 0),
      trusts.length,
    );
    const assessed = trusts.filter((row) => row[3].startsWith('Segment')).length;
    assert.equal(
      segments.filter((row) => row[0].startsWith('Segment')).reduce((sum, row) => sum + Number(row[1]), 0),
      assessed,
    );
    const league = await app.inject('/league-tables/mental-health-and-community-trust');
    const ryy = tableRows(league.body, 'league-mental-health-and-community-trust').find((row) =>
      row[1].includes('Kent Community Health'),
    );
    const ryyHere = trusts.find((row) => row[0].includes('(RYY)'));
    assert.ok(ryy && ryyHere);
    assert.equal(ryyHere[3], `Segment ${ryy[2]}`);
    assert.match(response.body, /<a href="\/systems\/QKS">NHS Kent [Aa]nd Medway Integrated Care Board<\/a>/);
    const csv = await downloadTable(app, '/regions/Y59', 'trusts');
    assert.equal(csv.length, trusts.length);
    assert.ok(csv.some((row) => row['ODS code'] === 'RYY'));
  });

  it('an unknown region is a not-found page; Wales says it is outside England', async () => {
    assert.equal((await app.inject('/regions/Y99')).statusCode, 404);
    assert.equal((await app.inject('/regions/not!a-code')).statusCode, 404);
    const wales = await app.inject('/regions/W00');
    assert.equal(wales.statusCode, 200);
    assert.match(wales.body, /id="outside-england"/);
  });

  it('organisation pages link their region, and an ICB’s page links its system page', async () => {
    const trust = await app.inject('/organisations/RYY');
    assert.match(trust.body, /<a href="\/regions\/Y59">South East<\/a>/);
    const icb = await app.inject('/organisations/QKS');
    assert.equal(icb.statusCode, 200);
    assert.match(icb.body, /id="system-link"><a href="\/systems\/QKS">/);
    const region = await app.inject('/organisations/Y59');
    assert.match(region.body, /id="region-link"><a href="\/regions\/Y59">/);
  });

  it('what changed: every segment change, with the organisation page’s signal-or-noise test', async () => {
    const quarters = await nofQuarters(store.db);
    const response = await app.inject('/changes');
    assert.equal(response.statusCode, 200);
    assertSafePage(response.body);
    assert.equal(titleOf(response.body), `What changed in ${quarters[0]}${titleSuffix}`);
    for (const quarter of quarters.slice(0, -1)) {
      const url = `/changes?quarter=${encodeURIComponent(quarter)}`;
      const rows = await downloadTable(app, url, 'segment-changes');
      const page = await app.inject(url);
      const summary = /id="changes-summary">([^<]*)/.exec(page.body)?.[1] ?? '';
      assert.match(summary, new RegExp(`^${rows.length} trusts? moved segment`));
      assert.ok(rows.length > 0, `${quarter} has segment changes`);
      // A few rows against the organisation page's own explanation, computed from the store afresh.
      for (const row of rows.slice(0, 4)) {
        const explanation = await explainFromStore(store.db, { quarter, org: row['ODS code'] });
        const change = explanation.change;
        assert.ok(change, `${row['ODS code']} has a change from the quarter before`);
        assert.notEqual(change.previousSegment, change.currentSegment);
        assert.equal(Number(row[`Segment in ${change.previousQuarter}`]), change.previousSegment);
        assert.equal(Number(row[`Segment in ${quarter}`]), change.currentSegment);
        assert.equal(row['Signal or noise'], change.verdict);
      }
      // Every trust whose league-table segment differs between the two quarters is listed, and no other.
      const segmentsIn = async (label: string) => {
        const csv = await app.inject(
          `/api/v1/assessments/nof-2025-26/${encodeURIComponent(label)}?format=csv`,
        );
        assert.equal(csv.statusCode, 200);
        const table = parse(csv.body, { columns: true }) as Record<string, string>[];
        return new Map(table.map((row) => [row.Trust_code, row.Segment]));
      };
      const before = await segmentsIn(quarters[quarters.indexOf(quarter) + 1]);
      const now = await segmentsIn(quarter);
      const moved = [...now]
        .filter(
          ([code, segment]) =>
            before.has(code) && segment !== '' && before.get(code) !== '' && before.get(code) !== segment,
        )
        .map(([code]) => code)
        .sort();
      assert.deepEqual(rows.map((row) => row['ODS code']).sort(), moved);
    }
    const earliest = quarters.at(-1) ?? '';
    assert.equal((await app.inject(`/changes?quarter=${encodeURIComponent(earliest)}`)).statusCode, 404);
    assert.equal((await app.inject(`/changes?quarter=${'Q'.repeat(41)}`)).statusCode, 400);
  });

  it('organisation pages honour ?quarter= like the league tables', async () => {
    const quarters = await nofQuarters(store.db, 'RYY');
    assert.ok(quarters.length > 1);
    const earlier = quarters[quarters.length - 1];
    const page = await app.inject(`/organisations/RYY?quarter=${encodeURIComponent(earlier)}`);
    assert.equal(page.statusCode, 200);
    const explanation = await explainFromStore(store.db, { quarter: earlier, org: 'RYY' });
    assert.match(page.body, new RegExp(`NHS England's published data for ${earlier.replace('/', '\\/')}`));
    assert.match(page.body, new RegExp(`id="nof-segment">Segment ${explanation.adjustedSegment}`));
    assert.match(page.body, new RegExp(`<option value="${earlier.replace('/', '\\/')}" selected>`));
    const latest = await app.inject('/organisations/RYY');
    assert.match(latest.body, new RegExp(`<option value="${quarters[0].replace('/', '\\/')}" selected>`));
    const bad = await app.inject('/organisations/RYY?quarter=2025');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /quarter: must be a quarter such as &quot;Q2 2025\/26&quot;/);
    const notHeld = await app.inject('/organisations/RYY?quarter=Q1%202019%2F20');
    assert.equal(notHeld.statusCode, 200);
    assert.match(
      notHeld.body,
      /id="nof-none">Tend holds no NHS Oversight Framework data for .* in Q1 2019\/20; it holds/,
    );
  });

  it('an explanation from the remembered assessments equals one computed afresh', async () => {
    for (const quarter of await nofQuarters(store.db))
      for (const org of ['RYY', 'RNK'])
        assert.deepEqual(
          await cachedExplanation(store.db, { quarter, org }),
          await explainFromStore(store.db, { quarter, org }),
          `${org} ${quarter}`,
        );
    await assert.rejects(
      cachedExplanation(store.db, { quarter: 'Q4 2025/26', org: 'RJ1' }),
      /has no Oversight Framework data/,
    );
  });

  it('search knows the names people use, forgives typos, finds metrics and offers the system', async () => {
    const search = async (text: string) => {
      const response = await app.inject(`/organisations?search=${encodeURIComponent(text)}`);
      assert.equal(response.statusCode, 200, text);
      return response.body;
    };
    const codesOf = (body: string) => tableRows(body, 'organisations').map((row) => row[0]);
    assert.deepEqual(codesOf(await search('GSTT')), ['RJ1']);
    assert.deepEqual(codesOf(await search('Guys')), ['RJ1']);
    assert.deepEqual(codesOf(await search("Addenbrooke's")), ['RGT']);
    assert.deepEqual(codesOf(await search('Adenbrookes')), ['RGT']);
    assert.equal(codesOf(await search('Tavistok and Portman'))[0], 'RNK');
    const icb = await search('Kent and Medway');
    assert.ok(codesOf(icb).includes('QKS'));
    assert.match(
      icb,
      /id="places-offered">[\s\S]*<a href="\/systems\/QKS">See the system: NHS Kent [Aa]nd Medway Integrated Care Board<\/a>/,
    );
    assert.match(await search('QKS'), /<a href="\/systems\/QKS">See the system/);
    assert.match(await search('South East'), /<a href="\/regions\/Y59">See the region: South East<\/a>/);
    const metrics = await search('4-hour type 1');
    assert.ok(tableRows(metrics, 'metrics-found').some((row) => row[1] === 'ae-4hr-type1'));
    assert.doesNotMatch(await search('Kent'), /id="metrics-found"/);
  });

  it('refuses an over-long search on the server, on the page and in the API', async () => {
    const long = 'k'.repeat(101);
    const page = await app.inject(`/organisations?search=${long}`);
    assert.equal(page.statusCode, 400);
    assert.match(page.body, /search: must be 100 characters or fewer/);
    assert.equal((await app.inject(`/organisations?search=${'k'.repeat(100)}`)).statusCode, 200);
    const api = await app.inject(`/api/v1/search?q=${long}`);
    assert.equal(api.statusCode, 400);
    const gstt = (await app.inject('/api/v1/search?q=gstt')).json() as { organisations: { code: string }[] };
    assert.deepEqual(
      gstt.organisations.map((row) => row.code),
      ['RJ1'],
    );
    const icb = (await app.inject('/api/v1/search?q=QKS')).json() as {
      organisations: { code: string; systemUrl?: string }[];
    };
    assert.equal(icb.organisations[0].systemUrl, '/systems/QKS');
  });
});
