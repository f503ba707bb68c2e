import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { dataDir, repoRoot, sharedDir, sharedSkipReason } from '../../test/helpers/paths.ts';
import { openTestStore } from '../../test/helpers/test-store.ts';
import { formatIssue } from '../ingest/cells.ts';
import type { Store } from '../store/db.ts';
import { type ImportOptions, type ImportResult, importFile } from './import-file.ts';

/**
 * NHS England's other publications, imported from the files as downloaded (and the derived tables
 * Tend bundles), each reconciled with a figure NHS England published: providers adding up to the
 * England row, or the national headline of the month.
 */
const shared = (...parts: string[]) => path.join(sharedDir, 'data', ...parts);
const skip = sharedSkipReason('data/nhse-cancer-waiting-times-provider-2024-25');

async function imported(store: Store, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const result = await importFile(store, file, options);
  assert.equal(
    result.outcome,
    'imported',
    `${file}: ${result.issues.map(formatIssue).slice(0, 5).join('; ')}`,
  );
  return result;
}

/** The England sum of a metric's numerators and denominators in one period, from the store. */
async function englandSums(store: Store, metricId: string, periodStart: string) {
  const row = await sql<{ numerator: number | null; denominator: number | null; value: number | null }>`
    select sum(numerator)::float8 as numerator, sum(denominator)::float8 as denominator, sum(value)::float8 as value
    from observation where metric_id = ${metricId} and period_start = ${periodStart}::date and status = 'reported'`.execute(
    store.db,
  );
  return row.rows[0];
}

async function observation(store: Store, orgCode: string, metricId: string, periodStart: string) {
  const row = await sql<{ value: number | null; status: string; detail: Record<string, unknown> | null }>`
    select value, status, detail from observation
    where org_code = ${orgCode} and metric_id = ${metricId} and period_start = ${periodStart}::date`.execute(
    store.db,
  );
  return row.rows[0];
}

const percent = (part: number, whole: number, places = 1) => Number(((100 * part) / whole).toFixed(places));

describe('NHS England publications: importers reconciled with published figures', { skip }, () => {
  let store: Store;
  before(async () => {
    store = await openTestStore();
    await imported(store, path.join(dataDir, 'ods-trusts-2025', 'etr.csv'));
    await imported(store, path.join(dataDir, 'ods-trusts-2025', 'trust_region_icb_lookup.csv'));
  });
  after(() => store?.close());

  it('cancer: the provider extract workbooks add up to the national headlines, and the derived table agrees with them', async () => {
    const folder = shared('nhse-cancer-waiting-times-provider-2024-25');
    for (const name of [
      'CWT-CRS-Apr-2024-to-Sep-2024-Data-Extract-Provider-Final.xlsx',
      'CWT-CRS-Oct-2024-to-Mar-2025-Data-Extract-Provider.xlsx',
      'CWT-CRS-Apr-2025-to-Jul-2025-Data-Extract-Provider.xlsx',
    ])
      await imported(store, path.join(folder, name));
    // NHS England's announced figures: February 2025 FDS 80.2% (203,371 of 253,556); March 2025
    // FDS 78.9% and 62-day 71.4% (19,389.5 of 27,162.5).
    const february = await englandSums(store, 'cwt-fds-28day', '2025-02-01');
    assert.deepEqual([february.numerator, february.denominator], [203_371, 253_556]);
    assert.equal(percent(february.numerator ?? 0, february.denominator ?? 1), 80.2);
    const marchFds = await englandSums(store, 'cwt-fds-28day', '2025-03-01');
    assert.equal(percent(marchFds.numerator ?? 0, marchFds.denominator ?? 1), 78.9);
    const march62 = await englandSums(store, 'cwt-62day', '2025-03-01');
    assert.deepEqual([march62.numerator, march62.denominator], [19_389.5, 27_162.5]);
    assert.equal(percent(march62.numerator ?? 0, march62.denominator ?? 1), 71.4);

    // Independent-sector providers are kept, as such, not dropped and not trusts.
    const independent = await sql<{ count: number }>`
      select count(distinct o.org_code)::int as count from observation o join organisation g on g.code = o.org_code
      where o.metric_id like 'cwt-%' and g.kind = 'independent_provider'`.execute(store.db);
    assert.ok(independent.rows[0].count > 0, 'no independent-sector provider kept');

    // The derived headline table holds the same figures: importing it changes nothing.
    const headline = await imported(store, path.join(folder, 'cwt_provider_headline_monthly.csv'));
    assert.deepEqual([headline.inserted, headline.updated, headline.unchanged], [0, 0, 6821]);
    const again = await importFile(
      store,
      path.join(folder, 'CWT-CRS-Apr-2025-to-Jul-2025-Data-Extract-Provider.xlsx'),
    );
    assert.equal(again.outcome, 'unchanged');
  });

  it('diagnostics: providers add up to the published England totals, monthly and from the full extract', async () => {
    const folder = shared('nhse-dm01-diagnostics-provider-2024-26');
    await imported(store, path.join(folder, 'dm01_provider_monthly.csv'));
    for (const [month, waiting, sixWeeks, share] of [
      ['2025-07-01', 1_730_933, 378_816, 21.9],
      ['2025-02-01', 1_668_868, 291_346, 17.5],
    ] as const) {
      const sums = await englandSums(store, 'dm01-6wk', month);
      assert.deepEqual([sums.numerator, sums.denominator], [sixWeeks, waiting], month);
      assert.equal(percent(sixWeeks, waiting), share);
    }
    // The July 2025 provider web file's Provider sheet (the published .xls saved as .xlsx): its providers
    // add up to its Total row (or it would be refused), and its figures are those already held.
    const sheet = await imported(
      store,
      path.join(repoRoot, 'test', 'fixtures', 'good-input', 'dm01-provider-sheet-july-2025.xlsx'),
    );
    assert.equal(sheet.format, 'nhse-dm01-provider-sheet');
    assert.deepEqual([sheet.inserted, sheet.updated, sheet.unchanged], [0, 0, sheet.observations]);
    // The official full extract, the ZIP archive as downloaded: 149,056 provider × commissioner × test rows.
    const extract = await imported(store, path.join(folder, 'DM01-MARCH-2026-full-extract_32W3L.zip'));
    assert.equal(extract.format, 'nhse-dm01-full-extract');
    assert.equal(extract.rows, 149_056);
    const march = await englandSums(store, 'dm01-6wk', '2026-03-01');
    assert.deepEqual([march.numerator, march.denominator], [407_833, 1_924_254]);
    assert.equal(percent(407_833, 1_924_254), 21.2);
    const totals = await imported(
      store,
      path.join(folder, 'dm01_provider_totals_2026-03_from_full_extract.csv'),
    );
    assert.equal(totals.inserted + totals.updated, 0, 'the provider totals disagree with the full extract');
  });

  it('ambulance: the trusts add up to the England row, and months not reported are missing, not zero', async () => {
    const file = shared('nhse-ambsys-ambulance-2017-2025', 'ambsys_raw_2017-08_to_2025-08.csv');
    await imported(store, file);
    const rows = parse(fs.readFileSync(file), { columns: true }) as Record<string, string>[];
    const englandRows = rows.filter((row) => row.org_code === 'ENG');
    assert.equal(englandRows.length, 97);
    for (const row of englandRows) {
      const month = `${row.year}-${row.month.padStart(2, '0')}-01`;
      const sums = await englandSums(store, 'amb-incidents', month);
      assert.equal(sums.value, Number(row.A7), month);
    }
    // August 2025, England: the published C2 mean (A31, seconds) against the trusts' incidents-weighted means.
    const august = englandRows.find((row) => row.year === '2025' && row.month === '8');
    const trusts = rows.filter((row) => row.year === '2025' && row.month === '8' && /^R/.test(row.org_code));
    const c2 = trusts.reduce((sum, row) => sum + Number(row.A10), 0);
    const storedMeans = await Promise.all(
      trusts.map(
        async (row) =>
          ((await observation(store, row.org_code, 'amb-c2-mean', '2025-08-01'))?.value ?? 0) * 60,
      ),
    );
    const mean = trusts.reduce((sum, row, index) => sum + storedMeans[index] * Number(row.A10), 0) / c2;
    assert.ok(
      Math.abs(mean - Number(august?.A31)) < 1,
      `C2 mean ${mean} s against England's ${august?.A31} s`,
    );
    // Only three trusts reported in August 2017: the others' zeros are missing figures.
    const early = await observation(store, 'RX6', 'amb-c2-mean', '2017-08-01');
    assert.equal(early.status, 'missing');
    assert.equal(early.value, null);
    const regions = await sql<{ count: number }>`
      select count(*)::int as count from observation where org_code in ('ENG', 'Y59', 'Y60', 'Y63')`.execute(
      store.db,
    );
    assert.equal(regions.rows[0].count, 0, 'England and region rows are not stored as organisations');
    // The same months in the layout of NHS England's CSV edition ("Org Code", "." for not available)
    // are the same figures: importing them changes nothing.
    const header = Object.keys(rows[0]);
    const codes = header.slice(header.indexOf('A0'));
    const edition = [
      ['Year', 'Month', 'Region', 'Org Code', 'Org Name', ...codes].join(','),
      ...rows.map((row) =>
        [
          row.year,
          row.month,
          row.region_code || 'Eng',
          row.org_code === 'ENG' ? 'Eng' : row.org_code,
          `"${row.org_name || 'England'}"`,
          ...codes.map((code) => (row[code] === '' ? '.' : row[code])),
        ].join(','),
      ),
    ].join('\n');
    const editionFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tend-ambsys-')), 'AmbSYS.csv');
    fs.writeFileSync(editionFile, `${edition}\n`);
    const again = await imported(store, editionFile);
    assert.equal(again.inserted + again.updated, 0, 'the CSV edition disagrees with the Raw sheet');
  });

  it('staff survey: the workbook gives the scores NHS England’s Oversight Framework published, and the CSVs agree', async () => {
    const workbook = shared(
      'nhs-staff-survey-2024-by-org',
      'NSS24 detailed spreadsheets organisational results.xlsx',
    );
    await imported(store, workbook, { sheet: 'THEMES' });
    await imported(store, workbook, { sheet: 'PEOPLE PROMISE ELEMENTS' });
    const nof = parse(
      fs.readFileSync(
        path.join(
          dataDir,
          'nhse-nof-2025-26-mh-community',
          'nhs-oversight-framework-mental-health-and-community-trust-data.csv',
        ),
      ),
      { columns: true, bom: true },
    ) as Record<string, string>[];
    for (const [nofMetric, ours] of [
      ['OF0084', 'nss-engagement'],
      ['OF0061', 'nss-raising-concerns'],
    ] as const) {
      const published = nof.filter((row) => row.Metric_ID === nofMetric && row.Quarter === 'Q1 2025/26');
      let matched = 0;
      for (const row of published) {
        const stored = await observation(store, row.Trust_code, ours, '2024-01-01');
        if (stored?.value != null && stored.value.toFixed(2) === Number(row.Value).toFixed(2)) matched++;
      }
      assert.ok(published.length >= 60);
      assert.ok(matched >= 60, `${nofMetric}: ${matched} of ${published.length} trusts match`);
    }
    for (const name of ['nss24_themes_by_org.csv', 'nss24_people_promise_by_org.csv']) {
      const result = await imported(store, shared('nhs-staff-survey-2024-by-org', name));
      assert.equal(result.inserted + result.updated, 0, `${name} disagrees with the workbook`);
    }
  });

  it('beds: the published time series and the quarterly table give England’s published totals', async () => {
    const folder = shared('nhse-kh03-beds-quarterly');
    const available = await imported(store, path.join(folder, 'KH03-Available-Overnight-only.csv'));
    await imported(store, path.join(folder, 'KH03-Occupied-Overnight-only.csv'));
    // The 28 codes a spreadsheet turned into numbers are warnings naming their cells, not silent drops.
    assert.equal(available.warningCount, 28);
    // Thousands separators read: June 2024 England general and acute beds occupied, 96,360 as published.
    const june = await englandSums(store, 'kh03-ga-occupied', '2024-04-01');
    assert.equal(Math.round(june.value ?? 0), 96_360);
    await imported(store, path.join(folder, 'kh03_beds_by_trust_sector_2024-09_to_2025-06_from_xlsx.csv'));
    // Q1 2025/26: 104,197.5 available, 95,316.8 occupied, 91.5%.
    const ga = await englandSums(store, 'kh03-ga-occupancy', '2025-04-01');
    assert.equal(Math.round((ga.denominator ?? 0) * 10) / 10, 104_197.5);
    assert.equal(Math.round((ga.numerator ?? 0) * 10) / 10, 95_316.8);
    assert.equal(percent(ga.numerator ?? 0, ga.denominator ?? 1), 91.5);
  });

  it('ICB populations: the practices add up to England’s registered population, and the ICB table agrees', async () => {
    const folder = shared('nhse-icb-allocations-2025-26');
    await imported(store, path.join(folder, 'icb_allocation_tool_practice_weighted_populations_2025_26.csv'));
    const population = await englandSums(store, 'icb-registered-population', '2025-04-01');
    assert.equal(Math.round((population.value ?? 0) / 10_000) / 100, 63.85); // 63.85 million
    const indices = await sql<{ org_code: string; value: number }>`
      select org_code, value from observation where metric_id = 'icb-need-index-health-inequalities' order by value`.execute(
      store.db,
    );
    assert.equal(indices.rows.length, 42);
    const names = await sql<{ code: string; name: string }>`
      select code, name from organisation where code in (${indices.rows[0].org_code}, ${indices.rows[41].org_code})`.execute(
      store.db,
    );
    const nameOf = (code: string) => names.rows.find((row) => row.code === code)?.name ?? '';
    assert.match(nameOf(indices.rows[0].org_code), /Surrey Heartlands/);
    assert.match(nameOf(indices.rows[41].org_code), /Greater Manchester/);
    assert.equal(indices.rows[0].value.toFixed(2), '0.66');
    assert.equal(indices.rows[41].value.toFixed(2), '1.45');
    const summary = parse(
      fs.readFileSync(path.join(folder, 'icb_registered_population_and_need_indices_2025_26.csv')),
      {
        columns: true,
        bom: true,
      },
    ) as Record<string, string>[];
    for (const row of summary) {
      const stored = await observation(store, row.ICB, 'icb-need-index-core', '2025-04-01');
      assert.equal(stored.value?.toFixed(4), Number(row.Final_need_index).toFixed(4), row.ICB);
    }
  });

  it('A&E: July 2025 joins the series; May 2026 joins it for type 1 and 2 only, after the April 2026 change', async () => {
    const folder = shared('nhse-ae-monthly-csv-extra');
    await imported(store, path.join(folder, 'Monthly-AE-2025-07.csv'));
    await imported(store, path.join(folder, 'Monthly-AE-2026-05.csv'));
    // July 2025: all types 76.4%, as NHS England published.
    const july = await englandSums(store, 'ae-4hr-all', '2025-07-01');
    assert.equal(percent(july.numerator ?? 0, july.denominator ?? 1), 76.4);
    // May 2026: the all-types figures are a new series, the old one stops.
    assert.equal((await englandSums(store, 'ae-4hr-all', '2026-05-01')).denominator, null);
    const may = await englandSums(store, 'ae-4hr-all-from-2026-04', '2026-05-01');
    assert.equal(percent(may.numerator ?? 0, may.denominator ?? 1), 75.7);
    // Type 1 continues: 1,466,119 non-booked plus 27,226 booked attendances, as the TOTAL row says.
    const type1 = await englandSums(store, 'ae-attendances-type1', '2026-05-01');
    assert.equal(type1.value, 1_466_119 + 27_226);
    // Nottingham's urgent treatment centre appears under the acute trust only in the new series.
    assert.equal(await observation(store, 'RX1', 'ae-attendances-other', '2026-05-01'), undefined);
    const file = parse(fs.readFileSync(path.join(folder, 'Monthly-AE-2026-05.csv')), {
      columns: true,
      bom: true,
    }) as Record<string, string>[];
    const nottingham = file.find((row) => row['Org Code'].trim() === 'RX1');
    assert.equal(Number(nottingham?.['A&E attendances Other A&E Department']), 10_124);
    assert.equal(
      (await observation(store, 'RX1', 'ae-attendances-other-from-2026-04', '2026-05-01'))?.value,
      10_124 + Number(nottingham?.['A&E attendances Booked Appointments Other Department']),
    );
  });
});
