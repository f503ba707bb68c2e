import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { bundled, openLoadedStore, webTestFiles } from '../../test/helpers/loaded-store.ts';
import { assertSafePage, downloadTable, titleOf } from '../../test/helpers/page-tables.ts';
import { assessFromStore } from '../app/assessment.ts';
import { cachedAssessment } from '../app/assessment-cache.ts';
import { importFile } from '../app/import-file.ts';
import type { Store } from '../store/db.ts';
import { upsertMemberships, upsertOrganisations } from '../store/repos/organisation-repo.ts';
import { buildApp } from './app.ts';

const titleSuffix = ' – Tend – NHS';
const quarter = 'Q4 2025/26';

describe('web pages', () => {
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

  it('home page has a search form and links to the league tables', async () => {
    const response = await app.inject('/');
    assert.equal(response.statusCode, 200);
    assertSafePage(response.body);
    assert.equal(titleOf(response.body), 'Tend – NHS');
    assert.match(response.body, /<form action="\/organisations" method="get"/);
    assert.match(response.body, /name="search"/);
    assert.match(response.body, /href="\/league-tables"/);
  });

  it('organisations page lists search results, and escapes the search text', async () => {
    const response = await app.inject('/organisations?search=Kent%20Community');
    assert.equal(response.statusCode, 200);
    assertSafePage(response.body);
    assert.equal(titleOf(response.body), `Organisations matching “Kent Community”${titleSuffix}`);
    assert.match(
      response.body,
      /<a href="\/organisations\/RYY">Kent Community Health NHS Foundation Trust<\/a>/,
    );
    assert.match(response.body, /1 organisation matching/);

    const hostile = await app.inject(
      `/organisations?search=${encodeURIComponent('<script>alert(1)</script>')}`,
    );
    assert.equal(hostile.statusCode, 200);
    assertSafePage(hostile.body);
    assert.doesNotMatch(hostile.body, /<script>alert/);
    assert.match(hostile.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(
      hostile.body,
      /No organisation&#39;s name, code or usual name is like|No organisation's name, code or usual name is like/,
    );

    const all = await app.inject('/organisations');
    assert.equal(all.statusCode, 200);
    assert.equal(titleOf(all.body), `Organisations${titleSuffix}`);
    assert.match(all.body, /href="\/organisations\/RJ1"/);
  });

  it('organisation page shows the assessment, its explanation and a scorecard', async () => {
    const response = await app.inject('/organisations/ryy');
    assert.equal(response.statusCode, 200);
    const body = response.body;
    assertSafePage(body);
    assert.equal(titleOf(body), `Kent Community Health NHS Foundation Trust${titleSuffix}`);
    assert.match(body, /NHS Kent and Medway Integrated Care Board \(QKS\)/);
    assert.match(body, /<a href="\/regions\/Y59">South East<\/a> \(Y59\)/);
    assert.match(body, /id="nof-segment">Segment 1</);
    assert.match(body, /Segment before the financial override<\/dt><dd[^>]*>Segment 1/);
    // NHS England's published likely ranges beside Tend's own estimate, each labelled.
    assert.match(
      body,
      /1\.53 \(1 is best, 4 worst\)\. Likely range: 1\.20 to 1\.89 as NHS England published it; 1\.20 to 1\.91 by Tend's own estimate/,
    );
    assert.match(
      body,
      /1 of 61\. Likely range: 1 to 11 as NHS England published it; 1 to 11 by Tend's own estimate/,
    );
    assert.match(body, /The trust is not in financial deficit, so the financial override does not apply\./);
    assert.match(body, /It ranks 1st of 61 mental health and community trusts/);
    assert.match(body, /href="\/league-tables\/mental-health-and-community-trust\?quarter=Q4%202025%2F26"/);
    assert.match(body, /<a href="\/organisations\/RYY\/metrics\/OF5002">Average metric score<\/a>/);
    assert.match(body, /Q4 2025\/26/);
    assert.match(body, /role="img" aria-label="Common-cause variation"/);
  });

  it('organisation page tables each metric score and its pull, which add up to the published average', async () => {
    const league = (
      parse(fs.readFileSync(bundled.nofLeagueTable), { bom: true, columns: true }) as Record<string, string>[]
    ).filter((row) => row.Quarter === quarter);
    for (const code of ['RYY', 'RNK', 'RX4']) {
      const scores = await downloadTable(app, `/organisations/${code}`, 'metric-scores');
      const entering = scores.filter((row) => row['Pull on the average'] !== '');
      assert.ok(entering.length >= 5, `${code}: ${entering.length} scores enter the average`);
      const values = entering.map((row) => Number(row.Score));
      const average = values.reduce((sum, value) => sum + value, 0) / values.length;
      const published = Number(league.find((row) => row.Trust_code === code)?.Average_score);
      assert.ok(
        Math.abs(average - published) <= 0.005 + 1e-9,
        `${code}: mean of scores ${average} vs published ${published}`,
      );
      for (const [index, row] of entering.entries()) {
        const others = values.filter((_, other) => other !== index);
        const without = others.reduce((sum, value) => sum + value, 0) / others.length;
        // Scores are shown to 2 d.p.; the pull uses unrounded scores.
        assert.ok(
          Math.abs(Number(row['Pull on the average']) - (average - without)) < 0.002,
          `${code} ${row['Metric id']}`,
        );
      }
      const boundaries = await downloadTable(app, `/organisations/${code}`, 'segment-boundaries');
      assert.deepEqual(
        boundaries.map((row) => row.Boundary),
        ['Segments 1 and 2', 'Segments 2 and 3', 'Segments 3 and 4'],
      );
      for (const row of boundaries)
        assert.ok(
          Math.abs(Number(row.Distance) - (average - Number(row['Cut point']))) < 0.006,
          `${code} ${row.Boundary}`,
        );
    }
  });

  it('organisation scorecard ranks each metric among peers as the published data file does', async () => {
    const published = (
      parse(fs.readFileSync(bundled.nofData), { bom: true, columns: true }) as Record<string, string>[]
    ).filter(
      (row) =>
        row.Quarter === quarter &&
        row.Rank !== '' &&
        row.Value !== '' &&
        (['%', 'out of 10', 'percentage points'].includes(row.Units) || row.Metric_ID === 'OF5002'),
    );
    const scorecard = await downloadTable(app, '/organisations/RYY', 'scorecard');
    let compared = 0;
    for (const row of published.filter((entry) => entry.Trust_code === 'RYY')) {
      const sameValue = published.filter(
        (other) => other.Metric_ID === row.Metric_ID && other.Value === row.Value,
      ).length;
      if (sameValue > 1) continue; // A tie in the rounded published values: the order is not in the file.
      const shown = scorecard.find((entry) => entry['Metric id'] === row.Metric_ID);
      assert.ok(shown, row.Metric_ID);
      assert.equal(shown['Rank among peers'], String(Number(row.Rank)), row.Metric_ID);
      assert.equal(
        shown['Peers with a value'],
        String(published.filter((other) => other.Metric_ID === row.Metric_ID).length),
        row.Metric_ID,
      );
      compared++;
    }
    assert.ok(compared >= 7, `${compared} metrics compared (RYY has 7 with untied published values)`);
  });

  it('organisation page names its group when the store holds one, and says so when not', async () => {
    const before = await app.inject('/organisations/RYY');
    assert.match(before.body, /id="group">Not part of a group Tend holds</);
    await upsertOrganisations(
      store.db,
      [{ code: 'ZG1', name: 'Example <Group>', kind: 'group', authority: 'replace' }],
      'test',
    );
    await upsertMemberships(
      store.db,
      [{ memberCode: 'RV3', parentCode: 'ZG1', relation: 'group', validFrom: '2025-04-01', validTo: null }],
      'test',
    );
    const grouped = await app.inject('/organisations/RV3');
    assert.match(grouped.body, /id="group">Example &lt;Group&gt; \(ZG1\)</);
  });

  it('organisation page shows both ICB mappings where they differ, and says when there is no NOF data', async () => {
    const response = await app.inject('/organisations/RAN');
    assert.equal(response.statusCode, 200);
    assertSafePage(response.body);
    assert.match(
      response.body,
      /ICB \(ODS geography\)<\/dt><dd[^>]*>NHS North West London Integrated Care Board \(QRV\)/,
    );
    assert.match(
      response.body,
      /ICB \(NHS England performance reporting\)<\/dt><dd[^>]*>NHS North Central London Integrated Care Board \(QMJ\)/,
    );
    assert.match(
      response.body,
      /id="nof-none">Tend holds no NHS Oversight Framework data for Royal National/,
    );
    assert.match(response.body, /href="\/organisations\/RAN\/metrics\/ae-attendances-type1"/);
  });

  it('an unknown organisation is a 404 on the design system page that says what to try', async () => {
    const response = await app.inject('/organisations/ZZ9');
    assert.equal(response.statusCode, 404);
    assertSafePage(response.body);
    assert.equal(titleOf(response.body), `Page not found${titleSuffix}`);
    assert.match(
      response.body,
      /No organisation has the code &quot;ZZ9&quot;|No organisation has the code "ZZ9"/,
    );
    assert.match(response.body, /href="\/organisations\?search=ZZ9"/);
    assert.match(response.body, /href="\/organisations">browse the list of organisations/);

    const hostile = await app.inject(`/organisations/${encodeURIComponent('<b>x</b>')}`);
    assert.equal(hostile.statusCode, 404);
    assert.doesNotMatch(hostile.body, /<b>x<\/b>/);
    assert.match(hostile.body, /&lt;b&gt;x&lt;\/b&gt;/);
  });

  it('metric page shows the chart, its reading, icons, data table and a CSV link that answers', async () => {
    const response = await app.inject('/organisations/RYY/metrics/OF5002');
    assert.equal(response.statusCode, 200);
    const body = response.body;
    assertSafePage(body);
    assert.equal(
      titleOf(body),
      `Average metric score – Kent Community Health NHS Foundation Trust${titleSuffix}`,
    );
    assert.match(body, /<svg[^>]*role="img"/);
    assert.match(body, /id="reading">[^<]*(variation|point)/i);
    assert.match(body, /<table class="nhsuk-table spc-table">/);
    const csvHref = /href="([^"]+)" id="csv-download"/.exec(body)?.[1];
    assert.equal(csvHref, '/api/v1/observations?org=RYY&amp;metric=OF5002&amp;format=csv');
    const csv = await app.inject(csvHref.replaceAll('&amp;', '&'));
    assert.equal(csv.statusCode, 200);
    assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');

    const monthly = await app.inject('/organisations/RJ1/metrics/ae-4hr-type1');
    assert.equal(monthly.statusCode, 200);
    assertSafePage(monthly.body);
    assert.match(monthly.body, /aria-label="(Common-cause variation|Special-cause[^"]*)"/);

    const unknown = await app.inject('/organisations/RYY/metrics/no-such-metric');
    assert.equal(unknown.statusCode, 404);
    assertSafePage(unknown.body);
    assert.match(unknown.body, /Page not found/);
  });

  it('metric page ranks the organisation among its peers as the published data file does', async () => {
    const published = (
      parse(fs.readFileSync(bundled.nofData), { bom: true, columns: true }) as Record<string, string>[]
    ).filter((row) => row.Quarter === quarter && row.Metric_ID === 'OF5002');
    assert.equal(published.length, 61);
    for (const code of ['RYY', 'RNK', 'RX4']) {
      const row = published.find((candidate) => candidate.Trust_code === code);
      assert.ok(row, code);
      const page = await app.inject(`/organisations/${code}/metrics/OF5002`);
      const sentence = /<p id="peer-rank">([^<]*)<\/p>/.exec(page.body)?.[1] ?? '';
      const rank = Number(row.Rank);
      const suffix =
        rank % 10 === 1 && rank !== 11
          ? 'st'
          : rank % 10 === 2 && rank !== 12
            ? 'nd'
            : rank % 10 === 3 && rank !== 13
              ? 'rd'
              : 'th';
      assert.match(
        sentence,
        new RegExp(
          `^Its value for Q4 2025/26, ${row.Value}, ranks ${rank}${suffix} of the 61 mental health and community trusts`,
        ),
        code,
      );
    }
    const monthly = await app.inject('/organisations/RJ1/metrics/ae-4hr-type1');
    assert.match(
      monthly.body,
      /<p id="peer-rank">Its value for June 2025, [\d.]+%, ranks \d+(st|nd|rd|th) of the \d+ NHS trusts with a value for that period \(1 is the best/,
    );
  });

  it('league tables show every trust type for a quarter, ranked as the assessment ranks them', async () => {
    const expected = await assessFromStore(store.db, { framework: 'nof-2025-26', quarter });
    const response = await app.inject('/league-tables');
    assert.equal(response.statusCode, 200);
    const body = response.body;
    assertSafePage(body);
    assert.equal(titleOf(body), `League tables, ${quarter}${titleSuffix}`);
    assert.match(body, /What league tables do not show/);
    const rows = [
      ...body.matchAll(/<tr class="nhsuk-table__row" data-key="([A-Z0-9]+)">\s*<td[^>]*>([^<]*)<\/td>/g),
    ];
    assert.equal(rows.length, expected.trusts.length);
    for (const row of expected.trusts) {
      const shown = rows.find((match) => match[1] === row.Trust_code);
      assert.equal(shown?.[2], String(row.Rank ?? 'Not ranked'), row.Trust_code);
    }
    assert.match(body, /<svg[^>]*class="tend-interval"[^>]*aria-hidden="true"/);
    const csvHref =
      /<a href="([^"]+)" download>Download the mental health and community trust league table as CSV/.exec(
        body,
      )?.[1];
    assert.ok(csvHref);
    const csv = await app.inject(csvHref.replaceAll('&amp;', '&'));
    assert.equal(csv.statusCode, 200, csv.body);
    assert.match(csv.body, /^Quarter,Trust_code,Trust_name/);
  });

  it('one trust type has its own league table, and any quarter held can be chosen', async () => {
    const response = await app.inject(
      '/league-tables/mental-health-and-community-trust?quarter=Q3%202025%2F26',
    );
    assert.equal(response.statusCode, 200);
    assertSafePage(response.body);
    assert.equal(
      titleOf(response.body),
      `Mental health and community trust league table, Q3 2025/26${titleSuffix}`,
    );
    assert.match(response.body, /<option value="Q3 2025\/26" selected>/);

    const quarterMissing = await app.inject('/league-tables?quarter=Q1%202019%2F20');
    assert.equal(quarterMissing.statusCode, 404);
    assertSafePage(quarterMissing.body);
    assert.match(quarterMissing.body, /It holds Q4 2025\/26/);

    const typeMissing = await app.inject('/league-tables/%3Cacute%3E');
    assert.equal(typeMissing.statusCode, 404);
    assert.doesNotMatch(typeMissing.body, /<acute>/);
  });

  it('remembers an assessment and a rendered page until the data change', async () => {
    const request = { framework: 'nof-2025-26', quarter };
    const first = await cachedAssessment(store.db, request);
    const second = await cachedAssessment(store.db, request);
    assert.equal(second, first, 'the same assessment object, not a new bootstrap');
    const other = await cachedAssessment(store.db, { ...request, quarter: 'Q3 2025/26' });
    assert.notEqual(other, first);
    const batchesShown = (body: string) =>
      Number(/Import batches<\/dt><dd class="nhsuk-summary-list__value">(\d+)</.exec(body)?.[1]);
    const homeBefore = (await app.inject('/')).body;
    assert.equal((await app.inject('/')).body, homeBefore, 'the same page while nothing changes');
    const scratch = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'tend-pages-'));
    const tidy = path.join(scratch, 'note.csv');
    fs.writeFileSync(tidy, 'org_code,metric_id,period,value\nRYY,ae-dta-12hr,2024-06,3\n');
    assert.equal((await importFile(store.db, tidy)).outcome, 'imported');
    fs.rmSync(scratch, { recursive: true, force: true });
    // The assessment reads only the Oversight Framework's metrics: an A&E import keeps it (an
    // import of those metrics makes a fresh one: src/app/assessment-cache.test.ts).
    const third = await cachedAssessment(store.db, request);
    assert.equal(third, first, 'an import of another metric keeps the assessment');
    const homeAfter = (await app.inject('/')).body;
    assert.equal(
      batchesShown(homeAfter),
      batchesShown(homeBefore) + 1,
      'an import refreshes the rendered page',
    );
  });
});
