import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openLoadedStore, webTestFiles } from '../../test/helpers/loaded-store.ts';
import { assertSafePage, downloadTable, testMetric, titleOf } from '../../test/helpers/page-tables.ts';
import {
  isNewConcern,
  metricAcrossOrganisations,
  metricIdsWithData,
  newConcernsAcrossOrganisations,
  readsCurrentSignal,
  signalsByOrganisation,
} from '../app/metric-across.ts';
import { improvementExclusion } from '../engines/signals/who-has-improved.ts';
import type { Store } from '../store/db.ts';
import { upsertMetrics } from '../store/repos/metric-repo.ts';
import { buildApp } from './app.ts';

const titleSuffix = ' – Tend – NHS';

/**
 * What the home, system and region pages listed when they charted every metric for every
 * organisation: each organisation × metric whose chart (settled limits, still reporting) shows
 * special-cause concern or improvement at its latest point, and the new concerns among them.
 */
async function chartedEveryMetric(store: Store): Promise<{ special: string[]; newConcerns: string[] }> {
  const special: string[] = [];
  const newConcerns: string[] = [];
  for (const metricId of await metricIdsWithData(store.db)) {
    const across = await metricAcrossOrganisations(store.db, metricId);
    for (const reading of across.organisations) {
      if (!readsCurrentSignal(across, reading)) continue;
      if (reading.latest && isNewConcern(reading.latestPointType, reading.previousPointType))
        newConcerns.push(`${reading.code} ${metricId} ${reading.latest.date} ${reading.latest.value}`);
      const kind =
        reading.latestPointType === 'special_cause_concern'
          ? 'concern'
          : improvementExclusion({
                improving: reading.latestPointType === 'special_cause_improvement',
                settledLimits: reading.settledLimits,
                values: reading.points.flatMap((point) => (point.value === null ? [] : [point.value])),
              }) === null
            ? 'improvement'
            : null;
      if (kind) special.push(`${reading.code} ${metricId} ${kind}`);
    }
  }
  return { special: special.sort(), newConcerns: newConcerns.sort() };
}

describe('metric and system pages', () => {
  let store: Store;
  let app: FastifyInstance;
  before(async () => {
    store = await openLoadedStore(webTestFiles);
    // A metric with no observations, whose name needs escaping.
    await upsertMetrics(store.db, [testMetric({ id: 'test-empty', name: 'Empty <b>metric</b>' })]);
    app = await buildApp({ store, config: { logLevel: 'silent' } });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('the metrics page lists the catalogue by domain, with direction in words', async () => {
    const response = await app.inject('/metrics');
    assert.equal(response.statusCode, 200);
    assertSafePage(response.body);
    assert.equal(titleOf(response.body), `Metrics${titleSuffix}`);
    assert.match(response.body, /<h2 id="domain-\d+">Urgent and emergency care<\/h2>/);
    assert.match(
      response.body,
      /<a href="\/metrics\/ae-4hr-type1">A&amp;E 4-hour performance, type 1<\/a><\/th>\s*<td[^>]*>ae-4hr-type1<\/td>\s*<td[^>]*>%<\/td>\s*<td[^>]*>Higher is better<\/td>/,
    );
    assert.match(response.body, /href="\/metrics\/OF5002"/);
  });

  it('a metric page shows its definition, coverage, distribution and who is improving', async () => {
    const response = await app.inject('/metrics/ae-4hr-type1');
    assert.equal(response.statusCode, 200);
    const body = response.body;
    assertSafePage(body);
    assert.equal(titleOf(body), `A&E 4-hour performance, type 1${titleSuffix}`);
    assert.match(body, /Direction<\/dt><dd[^>]*>Higher is better/);
    assert.match(body, /Source publication<\/dt><dd[^>]*>NHS England: A&amp;E Attendances/);
    assert.match(body, /Numerator<\/dt><dd[^>]*>Attendances at type 1/);
    assert.match(body, /for 122 organisations, over 13 periods from June 2024 to June 2025/);
    assert.match(
      body,
      /<caption[^>]*>A&amp;E 4-hour performance, type 1: distribution across organisations, June 2025/,
    );
    assert.match(
      body,
      /<td[^>]*>42\.2%<\/td>\s*<td[^>]*>54\.5%<\/td>\s*<td[^>]*>61\.2%<\/td>\s*<td[^>]*>67\.1%<\/td>\s*<td[^>]*>93\.3%<\/td>\s*<td[^>]*>121<\/td>/,
    );
    assert.match(body, /<svg[^>]*id="distribution-strip"[^>]*role="img"/);
    assert.match(body, /<title id="distribution-strip-title">/);
    assert.match(body, /<desc id="distribution-strip-desc">121 organisations/);
    assert.match(body, /Organisations improving \(special cause\)/);
    assert.match(body, /start of a directory of who improved what/);
    assert.match(
      body,
      /<a href="\/organisations\/RCF\/metrics\/ae-4hr-type1">Airedale NHS Foundation Trust<\/a>/,
    );
    assert.match(body, /Guy&#39;s and St Thomas&#39; NHS Foundation Trust/);
  });

  it('a metric page tables the periods each organisation holds, with a CSV', async () => {
    const rows = await downloadTable(app, '/metrics/ae-4hr-type1', 'coverage-by-organisation');
    assert.equal(rows.length, 122, 'the 122 organisations the coverage sentence counts');
    const guys = rows.find((row) => row['ODS code'] === 'RJ1');
    assert.deepEqual(guys, {
      Organisation: "Guy's and St Thomas' NHS Foundation Trust",
      'ODS code': 'RJ1',
      'First period': '2024-06-01',
      'Last period': '2025-06-01',
      'Values reported': '13',
      'Gaps (missing or suppressed)': '0',
    });
  });

  it('a metric page for quarterly Oversight Framework data labels quarters, and says when nobody improves', async () => {
    const response = await app.inject('/metrics/OF5002');
    assert.equal(response.statusCode, 200);
    assertSafePage(response.body);
    assert.equal(titleOf(response.body), `Average metric score${titleSuffix}`);
    assert.match(response.body, /Across organisations, Q4 2025\/26/);
    assert.match(response.body, /<td[^>]*>1\.53<\/td>/);
    assert.match(response.body, /None of the 61 organisations charted shows special-cause improvement/);
  });

  it('a metric with no data says so and links to metrics that have data, its name escaped', async () => {
    const list = await app.inject('/metrics');
    assert.match(list.body, /<h2 id="domain-\d+">Other<\/h2>/);
    assert.match(list.body, /<a href="\/metrics\/test-empty">Empty &lt;b&gt;metric&lt;\/b&gt;<\/a>/);

    const response = await app.inject('/metrics/test-empty');
    assert.equal(response.statusCode, 200);
    assertSafePage(response.body);
    assert.equal(titleOf(response.body), `Empty &lt;b&gt;metric&lt;/b&gt;${titleSuffix}`);
    assert.doesNotMatch(response.body, /<b>metric/);
    assert.match(response.body, /Tend holds no observations of this metric\. These metrics have data:/);
    assert.match(response.body, /<a href="\/metrics\/ae-4hr-type1">A&amp;E 4-hour performance, type 1<\/a>/);
    assert.doesNotMatch(response.body, /Organisations improving/);
  });

  it('an unknown metric is a 404 that links to the list, and the id is escaped', async () => {
    const response = await app.inject(`/metrics/${encodeURIComponent('<b>x')}`);
    assert.equal(response.statusCode, 404);
    assertSafePage(response.body);
    assert.equal(titleOf(response.body), `Page not found${titleSuffix}`);
    assert.doesNotMatch(response.body, /<b>x/);
    assert.match(response.body, /href="\/metrics"/);

    const unknown = await app.inject('/metrics/no-such-metric');
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.body, /No metric has the id &ldquo;no-such-metric&rdquo;/);
  });

  it('the systems page lists every ICB with its member counts under both mappings', async () => {
    const response = await app.inject('/systems');
    assert.equal(response.statusCode, 200);
    assertSafePage(response.body);
    assert.equal(titleOf(response.body), `Systems${titleSuffix}`);
    assert.match(
      response.body,
      /<a href="\/systems\/QMJ">NHS North Central London Integrated Care Board<\/a><\/th>\s*<td[^>]*>QMJ<\/td>\s*<td[^>]*>5<\/td>\s*<td[^>]*>8<\/td>/,
    );
    assert.match(response.body, /<a href="\/systems">Systems<\/a>|href="\/systems"/);
    assert.match(response.body, /href="\/metrics"/);
  });

  it('a system page shows its members under both mappings, their segments and a small scorecard', async () => {
    const response = await app.inject('/systems/qmj');
    assert.equal(response.statusCode, 200);
    const body = response.body;
    assertSafePage(body);
    assert.equal(titleOf(body), `NHS North Central London Integrated Care Board${titleSuffix}`);
    assert.match(body, /A system is held together: .*not only the organisation in pain\./);
    assert.match(
      body,
      /5 organisations belong to NHS North Central London Integrated Care Board under NHS England's performance mapping, and 8 under the ODS geography\./,
    );
    assert.match(
      body,
      /In NHS England's performance mapping only:<\/p>\s*<ul[^>]*>\s*<li><a href="\/organisations\/RAN">Royal National Orthopaedic Hospital NHS Trust<\/a>/,
    );
    assert.match(
      body,
      /In the ODS geography only:[\s\S]*Tavistock and Portman NHS Foundation Trust<\/a> \(RNK\)/,
    );
    // Members under NHS England's mapping come first.
    const table = body.slice(body.indexOf('id="members"'));
    assert.ok(table.indexOf('(RAL)') < table.indexOf('(RV3)'));
    assert.match(
      body,
      /\(RNK\)<\/span><\/th>\s*<td[^>]*>ODS geography only<\/td>\s*<td[^>]*>Segment 4<\/td>\s*<td[^>]*>50 of 61<\/td>/,
    );
    assert.match(
      body,
      /<a href="\/organisations\/RAL\/metrics\/ae-4hr-type1">66\.3%<\/a> <span class="nhsuk-body-s">June 2025<\/span>/,
    );
    assert.match(body, /<a href="\/organisations\/RNK\/metrics\/OF5002">2\.62<\/a>/);
    assert.match(body, /role="img" aria-label="[^"]+variation/i);
  });

  it("a system page counts each member's signals, agreeing with the home page and the metric pages", async () => {
    /** The member row of an organisation on its NHS England ICB's system page, from the CSV. */
    const memberRow = async (code: string) => {
      const detail = (await app.inject(`/api/v1/organisations/${code}`)).json().organisation;
      const icb = detail.memberships.find((row: { relation: string }) => row.relation === 'icb_nhse');
      if (!icb) return undefined;
      const rows = await downloadTable(app, `/systems/${icb.parent_code}`, 'members');
      return rows.find((row) => row['ODS code'] === code);
    };
    const concerns = await downloadTable(app, '/', 'new-concerns');
    let checked = 0;
    for (const concern of concerns.slice(0, 8)) {
      const row = await memberRow(concern['ODS code']);
      if (!row) continue;
      const metrics = row['Concern metrics'].split(' ');
      assert.ok(metrics.includes(concern['Metric id']), `${concern['ODS code']}: ${row['Concern metrics']}`);
      assert.equal(Number(row.Concerns), metrics.length);
      checked++;
    }
    const metricPage = await app.inject('/metrics/ae-4hr-type1');
    const list = /<ul[^>]*id="improving-list">([\s\S]*?)<\/ul>/.exec(metricPage.body)?.[1] ?? '';
    for (const [, code] of [...list.matchAll(/\(([A-Z0-9]+)\):/g)].slice(0, 5)) {
      const row = await memberRow(code);
      if (!row) continue;
      assert.ok(
        row['Improving metrics'].split(' ').includes('ae-4hr-type1'),
        `${code}: ${row['Improving metrics']}`,
      );
      checked++;
    }
    assert.ok(checked >= 5, `${checked} members checked`);
  });

  it('an unknown system is a 404 that links to the list, with the code escaped', async () => {
    const response = await app.inject(`/systems/${encodeURIComponent('<i>Q')}`);
    assert.equal(response.statusCode, 404);
    assertSafePage(response.body);
    assert.equal(titleOf(response.body), `Page not found${titleSuffix}`);
    assert.doesNotMatch(response.body, /<i>Q/);
    assert.match(response.body, /&lt;i&gt;Q/);
    assert.match(response.body, /<a href="\/systems">browse the list of systems<\/a>/);

    const trust = await app.inject('/systems/RYY');
    assert.equal(trust.statusCode, 404, 'a trust is not a system');
    assert.match(trust.body, /No integrated care board has the code &ldquo;RYY&rdquo;/);
  });

  it('the organisation page links its ICB to the system page', async () => {
    const response = await app.inject('/organisations/RYY');
    assert.equal(response.statusCode, 200);
    assert.match(
      response.body,
      /NHS Kent and Medway Integrated Care Board \(QKS\) · <a href="\/systems\/QKS">see the system/,
    );
  });

  it('home, system and region pages list, from the kept signals, what charting every metric for every organisation listed', async () => {
    const charted = await chartedEveryMetric(store);
    const kept: string[] = [];
    for (const [code, signals] of await signalsByOrganisation(store.db)) {
      for (const metricId of signals.concerns) kept.push(`${code} ${metricId} concern`);
      for (const metricId of signals.improving) kept.push(`${code} ${metricId} improvement`);
    }
    assert.ok(
      charted.special.some((entry) => entry.endsWith('concern')),
      'the data show concerns',
    );
    assert.ok(
      charted.special.some((entry) => entry.endsWith('improvement')),
      'and improvements',
    );
    assert.deepEqual(kept.sort(), charted.special);

    const fresh = (await newConcernsAcrossOrganisations(store.db)).map(
      (row) => `${row.code} ${row.metric.id} ${row.date} ${row.value}`,
    );
    assert.ok(charted.newConcerns.length > 0, 'the data show new concerns');
    assert.deepEqual(fresh.sort(), charted.newConcerns);
  });
});
