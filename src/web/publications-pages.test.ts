import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { bundled, openLoadedStore } from '../../test/helpers/loaded-store.ts';
import { assertSafePage } from '../../test/helpers/page-tables.ts';
import { dataDir } from '../../test/helpers/paths.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';

/**
 * The bundled publications beyond A&E on the pages: an acute trust's and an ambulance trust's
 * scorecards cover cancer, diagnostics, ambulance response, workforce and capacity; the system page
 * shows its members' key metrics and the ICB's population and need.
 */
const at = (folder: string, name: string) => path.join(dataDir, folder, name);
const practices = at(
  'nhse-icb-allocations-2025-26',
  'icb_allocation_tool_practice_weighted_populations_2025_26.csv',
);
const files = [
  bundled.odsTrusts,
  bundled.trustLookup,
  at('nhse-dm01-diagnostics-provider-2024-26', 'dm01_provider_monthly.csv'),
  at('nhse-ambsys-ambulance-2017-2025', 'ambsys_raw_2017-08_to_2025-08.csv'),
  at('nhs-staff-survey-2024-by-org', 'nss24_themes_by_org.csv'),
  practices,
  at('nhse-cancer-waiting-times-provider-2024-25', 'cwt_provider_headline_monthly.csv'),
  at('nhse-kh03-beds-quarterly', 'kh03_beds_by_trust_sector_2024-09_to_2025-06_from_xlsx.csv'),
];

/** The metric ids a page's scorecard links to. */
function scorecardMetrics(body: string, code: string): Set<string> {
  return new Set(
    [...body.matchAll(new RegExp(`href="/organisations/${code}/metrics/([a-z0-9-]+)"`, 'g'))].map(
      (match) => match[1],
    ),
  );
}

describe('pages over the other NHS England publications', () => {
  let store: Store;
  let app: FastifyInstance;
  before(async () => {
    store = await openLoadedStore(files);
    app = await buildApp({ store, config: { logLevel: 'silent' } });
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });

  it('an acute trust’s page covers cancer, diagnostics, workforce and capacity', async () => {
    const response = await app.inject('/organisations/RGT');
    assert.equal(response.statusCode, 200);
    assertSafePage(response.body);
    const metrics = scorecardMetrics(response.body, 'RGT');
    for (const id of ['cwt-fds-28day', 'cwt-62day', 'dm01-6wk', 'nss-engagement', 'kh03-ga-occupancy'])
      assert.ok(metrics.has(id), `RGT's page has no ${id}`);
  });

  it('an ambulance trust’s page covers response times and workforce', async () => {
    const response = await app.inject('/organisations/RX6');
    assert.equal(response.statusCode, 200);
    assertSafePage(response.body);
    const metrics = scorecardMetrics(response.body, 'RX6');
    for (const id of ['amb-c1-mean', 'amb-c2-mean', 'amb-c2-90th', 'amb-handover-over-60', 'nss-engagement'])
      assert.ok(metrics.has(id), `RX6's page has no ${id}`);
    assert.ok(!metrics.has('cwt-fds-28day'), 'an ambulance trust has no cancer figures');
  });

  it('the system page shows the ICB’s population and need, and its members’ key metrics', async () => {
    const response = await app.inject('/systems/QUE');
    assert.equal(response.statusCode, 200);
    assertSafePage(response.body);
    const rows = parse(fs.readFileSync(practices), { columns: true, bom: true }) as Record<string, string>[];
    const registered = rows
      .filter((row) => row.ICB === 'QUE')
      .reduce((sum, row) => sum + Number(row.Population), 0);
    const section = /<section id="system-context"[\s\S]*?<\/section>/.exec(response.body)?.[0] ?? '';
    assert.match(section, /Population and need/);
    assert.ok(
      section.includes(Math.round(registered).toLocaleString('en-GB')),
      `the registered population ${Math.round(registered)} is not shown`,
    );
    assert.match(section, /\(2025\/26\)/);
    assert.match(section, /href="\/organisations\/QUE\/metrics\/icb-need-index-health-inequalities"/);
    for (const name of [
      'Cancer: Faster Diagnosis Standard',
      'Diagnostics: waiting 6 weeks or more',
      'Staff survey: Staff engagement',
    ])
      assert.ok(response.body.includes(name), `no column ${name}`);
    assert.match(response.body, /href="\/organisations\/RGT\/metrics\/cwt-fds-28day"/);
  });

  it('the catalogue groups the new metrics by domain, with source and numerator', async () => {
    const catalogue = await app.inject('/metrics');
    for (const domain of ['Access', 'Workforce', 'Capacity', 'Context'])
      assert.match(catalogue.body, new RegExp(`<h2 id="domain-\\d+">${domain}</h2>`));
    const metric = await app.inject('/metrics/cwt-62day');
    assert.equal(metric.statusCode, 200);
    assert.match(metric.body, /Source publication<\/dt><dd[^>]*>NHS England: Cancer Waiting Times/);
    assert.match(metric.body, /Numerator<\/dt><dd[^>]*>First treatments within 62 days/);
  });
});
