import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { dataDir } from '../../test/helpers/paths.ts';
import { openTestStore, testBackend } from '../../test/helpers/test-store.ts';
import { importFile } from '../app/import-file.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';

describe('web app and JSON API', () => {
  let store: Store;
  let app: FastifyInstance;
  before(async () => {
    store = await openTestStore();
    await importFile(store.db, path.join(dataDir, 'ods-trusts-2025', 'etr.csv'));
    await importFile(store.db, path.join(dataDir, 'ods-trusts-2025', 'trust_region_icb_lookup.csv'));
    await importFile(
      store.db,
      path.join(
        dataDir,
        'nhse-nof-2025-26-mh-community',
        'nhs-oversight-framework-mental-health-and-community-trust-data.csv',
      ),
    );
    await importFile(
      store.db,
      path.join(
        dataDir,
        'nhse-nof-2025-26-mh-community',
        'nhs-oversight-framework-mental-health-and-community-trust-league-table.csv',
      ),
    );
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-web-'));
    const tidy = path.join(scratch, 'notes.csv');
    fs.writeFileSync(
      tidy,
      'org_code,metric_id,period,value,note\nRYY,ae-dta-12hr,2024-06,3,"=HYPERLINK(""http://example.org"",""x"")"\n',
    );
    assert.equal((await importFile(store.db, tidy)).outcome, 'imported');
    app = await buildApp({ store, config: { logLevel: 'silent' } });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('reports health', async () => {
    const response = await app.inject('/health');
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok', store: testBackend });
  });

  it('lists and finds organisations, with both ICB mappings', async () => {
    const list = await app.inject('/api/v1/organisations?kind=icb');
    assert.equal(list.statusCode, 200);
    assert.ok(list.json().organisations.every((row: { kind: string }) => row.kind === 'icb'));
    const search = await app.inject('/api/v1/organisations?search=kent%20community');
    assert.deepEqual(
      search.json().organisations.map((row: { code: string }) => row.code),
      ['RYY'],
    );
    const ran = await app.inject('/api/v1/organisations/ran');
    assert.equal(ran.statusCode, 200);
    const relations = ran
      .json()
      .organisation.memberships.map(
        (row: { relation: string; parent_code: string }) => `${row.relation}:${row.parent_code}`,
      );
    assert.deepEqual(relations.sort(), ['icb_nhse:QMJ', 'icb_ods:QRV', 'region:Y56']);
  });

  it('answers an unknown organisation with a 404 that suggests what to try', async () => {
    const response = await app.inject('/api/v1/organisations/ZZ9');
    assert.equal(response.statusCode, 404);
    const body = response.json();
    assert.equal(body.error.code, 'NOT_FOUND');
    assert.match(body.error.message, /No organisation has the code "ZZ9"/);
  });

  it('refuses malformed input with a 400 listing every problem', async () => {
    const response = await app.inject('/api/v1/observations?org=R%20Y&metric=');
    assert.equal(response.statusCode, 400);
    const body = response.json();
    assert.equal(body.error.code, 'BAD_REQUEST');
    assert.equal(body.error.details.length, 2);
  });

  it('gives coverage, and says what exists when a metric has no data', async () => {
    const empty = await app.inject('/api/v1/metrics/ae-4hr-type1/coverage');
    assert.equal(empty.statusCode, 200);
    const body = empty.json();
    assert.deepEqual(body.organisations, []);
    assert.ok(body.metricsWithData.some((row: { id: string }) => row.id === 'nof-league-rank'));
    const held = await app.inject('/api/v1/metrics/nof-league-rank/coverage');
    assert.equal(held.json().organisations.length, 61);
  });

  it("ranks every organisation's latest value among its peers, as the published league table does", async () => {
    const league = parse(
      fs.readFileSync(
        path.join(
          dataDir,
          'nhse-nof-2025-26-mh-community',
          'nhs-oversight-framework-mental-health-and-community-trust-league-table.csv',
        ),
      ),
      { bom: true, columns: true },
    ) as { Quarter: string; Trust_code: string; Rank: string; Average_score: string }[];
    const response = await app.inject('/api/v1/metrics/nof-league-average-score/latest');
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.metric.id, 'nof-league-average-score');
    assert.equal(body.latestPeriod, '2026-01-01');
    assert.equal(body.readings.length, 61);
    for (const row of league.filter((entry) => entry.Quarter === 'Q4 2025/26')) {
      const reading = body.readings.find((candidate: { code: string }) => candidate.code === row.Trust_code);
      assert.equal(reading.value, Number(row.Average_score), row.Trust_code);
      assert.equal(reading.peerCount, 61);
      // The league ranks by segment first, so only the trusts' places by average are compared.
      const better = league.filter(
        (other) => other.Quarter === 'Q4 2025/26' && Number(other.Average_score) < Number(row.Average_score),
      ).length;
      assert.equal(reading.peerRank, better + 1, row.Trust_code);
    }
    const csv = await app.inject('/api/v1/metrics/nof-league-average-score/latest?format=csv');
    assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(
      csv.body,
      /^org_code,name,trust_type,period_start,value,peer_rank,peer_count,variation_icon,latest_point_type,settled_limits\r\n/,
    );
    assert.equal(csv.body.trim().split('\r\n').length, 62);
    const unknown = await app.inject('/api/v1/metrics/no-such-metric/latest');
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, 'NOT_FOUND');
    const bad = await app.inject('/api/v1/metrics/nof-league-average-score/latest?format=xml');
    assert.equal(bad.statusCode, 400);
  });

  it('serves observations as JSON and as spreadsheet-safe CSV', async () => {
    const json = await app.inject('/api/v1/observations?org=RYY&metric=ae-dta-12hr');
    assert.equal(json.json().observations[0].note, '=HYPERLINK("http://example.org","x")');
    const csv = await app.inject('/api/v1/observations?org=RYY&metric=ae-dta-12hr&format=csv');
    assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(csv.body, /"'=HYPERLINK\(""http:\/\/example.org"",""x""\)"/);
  });

  it('serves an assessment as the league-table columns, and one trust explained', async () => {
    const league = await app.inject('/api/v1/assessments/nof-2025-26/Q4%202025%2F26');
    assert.equal(league.statusCode, 200, league.body);
    const trusts = league.json().trusts;
    assert.equal(trusts.length, 61);
    assert.deepEqual(
      Object.keys(trusts[0])
        .filter((key) => /^[A-Z]/.test(key))
        .slice(0, 4),
      ['Quarter', 'Region', 'Trust_type', 'Trust_subtype'],
    );
    assert.equal(trusts.find((row: { Trust_code: string }) => row.Trust_code === 'RYY').Rank, 1);
    const csv = await app.inject('/api/v1/assessments/nof-2025-26/Q4%202025%2F26?format=csv');
    assert.match(
      csv.body,
      /^Quarter,Trust_code,Trust_name,Trust_type,Average_score,Likely_range_of_average_score,Segment,Unadjusted_segment,Trust_in_financial_deficit,Rank,Likely_range_of_rank\r\n/,
    );
    const one = await app.inject('/api/v1/assessments/nof-2025-26/Q4%202025%2F26/RYY');
    assert.equal(one.statusCode, 200);
    assert.ok(one.json().explanation.sentences.length > 3);
    const bad = await app.inject('/api/v1/assessments/nof-2025-26/2025-Q4');
    assert.equal(bad.statusCode, 400);
  });

  it('renders the home page on the NHS.UK design system with a strict Content Security Policy', async () => {
    const response = await app.inject('/');
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /<title>Tend – NHS<\/title>/);
    assert.match(response.body, /nhsuk-header/);
    assert.doesNotMatch(response.body, /<script>(?!<\/script>)/, 'no inline script');
    const csp = String(response.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    const css = await app.inject('/assets/nhsuk-frontend.min.css');
    assert.equal(css.statusCode, 200);
  });

  it('shows the design system 404 page for an unknown page', async () => {
    const response = await app.inject('/no-such-page');
    assert.equal(response.statusCode, 404);
    assert.match(response.body, /Page not found/);
  });
});
