import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { importFile } from '../src/app/import-file.ts';
import { improvingOrganisations, metricAcrossOrganisations, peerRank } from '../src/app/metric-across.ts';
import { organisationScorecard } from '../src/app/spc-view.ts';
import { listSystems } from '../src/app/systems.ts';
import { computeSpc } from '../src/engines/spc/compute-spc.ts';
import type { Store } from '../src/store/db.ts';
import { closedOrganisationCodes, findOrganisation } from '../src/store/repos/organisation-repo.ts';
import { findIcb } from '../src/store/repos/system-repo.ts';
import { buildApp } from '../src/web/app.ts';
import { bundled, openLoadedStore } from './helpers/loaded-store.ts';
import { tableRows } from './helpers/page-tables.ts';
import { dataDir } from './helpers/paths.ts';

/**
 * Every rule under "nothing that misleads", on the bundled real data: each test first finds, in the
 * data, the case that would mislead without the rule (so it can fail), then checks the rule holds
 * where readers meet it.
 */
const successors = path.join(dataDir, 'ods-trusts-2025', 'trust_successors.csv');
const aeHistory = path.join(dataDir, 'nhse-ae-by-provider-2015-2024', 'ae_by_provider_monthly.csv');

describe('nothing that misleads, on the bundled data', () => {
  let store: Store;
  let app: FastifyInstance;
  before(async () => {
    store = await openLoadedStore([
      bundled.odsTrusts,
      bundled.trustLookup,
      successors,
      aeHistory,
      ...bundled.aeMonthly,
      bundled.nofData,
      bundled.nofLeagueTable,
    ]);
    app = await buildApp({ store, config: { logLevel: 'silent' } });
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });

  it('RA3 (Weston Area Health) is marked closed, with its dates and its successor, and left out of the current list', async () => {
    const closed = await closedOrganisationCodes(store.db, '2025-06-01');
    assert.ok(closed.has('RA3') && closed.has('RAP') && !closed.has('RA7'));
    assert.ok(!(await closedOrganisationCodes(store.db, '2020-03-31')).has('RA3'), 'open on its last day');
    const ra3 = await findOrganisation(store.db, 'RA3');
    assert.ok(ra3, 'RA3 is held: the A&E history reports it until March 2020');
    assert.equal(ra3.closed_on, '2020-03-31');
    assert.equal(ra3.successor_code, 'RA7');
    const page = await app.inject('/organisations/RA3');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /id="organisation-closed"/);
    assert.match(page.body, /Closed on 31 March 2020/);
    assert.match(
      page.body,
      /<a href="\/organisations\/RA7">University Hospitals Bristol and Weston NHS Foundation Trust \(RA7\)<\/a> took over from it/,
    );
    const list = await app.inject('/organisations');
    const codes = tableRows(list.body, 'organisations').map((row) => row[0]);
    assert.ok(codes.includes('RA7'));
    assert.ok(!codes.includes('RA3'), 'a closed trust is not in the current list');
    assert.ok(!codes.includes('RAP'), 'nor one ODS itself marks closed (North Middlesex, 31 December 2024)');
    // Search still finds it, marked closed.
    const search = await app.inject('/organisations?search=Weston%20Area');
    const row = tableRows(search.body, 'organisations').find((cells) => cells[0] === 'RA3');
    assert.ok(row, 'search finds the closed trust');
    assert.match(row[1], /closed on 31 March 2020/);
    // An open trust has no such notice.
    assert.doesNotMatch((await app.inject('/organisations/RA7')).body, /id="organisation-closed"/);
  });

  it('Q99, the code ODS gives Welsh trusts, is not shown as an English system', async () => {
    // The data has it: three Welsh trusts carry Q99.
    const etr = fs.readFileSync(bundled.odsTrusts, 'utf8');
    assert.equal((etr.match(/"W00","Q99"/g) ?? []).length, 3);
    assert.equal(await findIcb(store.db, 'Q99'), undefined);
    assert.ok(!(await listSystems(store.db)).some((system) => system.code === 'Q99'));
    assert.equal((await app.inject('/systems/Q99')).statusCode, 404);
    assert.doesNotMatch((await app.inject('/systems')).body, /Q99/);
    // The Welsh trust is still held, in its region, with no ICB.
    const memberships = await sql<{ relation: string; parent_code: string }>`
      select relation, parent_code from membership where member_code = 'RQF'`.execute(store.db);
    assert.deepEqual(
      memberships.rows.map((row) => `${row.relation}:${row.parent_code}`),
      ['region:W00'],
    );
  });

  it('names are cased as people write them', async () => {
    const name = async (code: string) => (await findOrganisation(store.db, code))?.name;
    assert.equal(await name('QKS'), 'NHS Kent and Medway Integrated Care Board');
    assert.equal(await name('NNJ'), 'DHU Health Care C.I.C.');
    assert.equal(await name('RA3'), 'Weston Area Health NHS Trust');
    const utc = await sql<{ name: string }>`
      select name from organisation where name ilike '%utc' order by code limit 1`.execute(store.db);
    assert.ok(utc.rows.length > 0, 'the data names an urgent treatment centre');
    assert.match(utc.rows[0].name, / UTC$/);
    const shouting = await sql<{ code: string; name: string }>`
      select code, name from organisation where name ~ ' (And|Of|The) ' or name ~ '[A-Z]{5,}' and name !~ 'NHS'`.execute(
      store.db,
    );
    assert.deepEqual(shouting.rows, []);
  });

  it('a series on trial limits has no variation verdict or icon in the scorecard or the readings', async () => {
    // RYY's Oversight Framework series have four quarterly points: the engine alone reads them.
    const rows = await organisationScorecard(store.db, 'RYY');
    const quarterly = rows.find((row) => row.metric.id === 'OF0082');
    assert.ok(quarterly && quarterly.points === 4, 'RYY has four quarters of sickness absence');
    const points = (
      await sql<{ period_start: string; value: number }>`
        select period_start::text as period_start, value from observation
        where org_code = 'RYY' and metric_id = 'OF0082' order by period_start`.execute(store.db)
    ).rows.map((row) => ({ date: row.period_start, value: Number(row.value) }));
    const raw = computeSpc([{ points }]).series[0];
    assert.notEqual(raw.variationIcon, null, 'without the rule, four points would be given a verdict');
    assert.equal(quarterly.variationIcon, null);
    assert.equal(quarterly.variationLabel, null);
    const page = await app.inject('/organisations/RYY');
    const scorecard = tableRows(page.body, 'scorecard').find((cells) => cells[0].includes('(OF0082)'));
    assert.ok(scorecard);
    assert.ok(scorecard.includes('Too few points to read'), scorecard.join(' | '));
    const api = await app.inject('/api/v1/metrics/OF0082/latest');
    assert.equal(api.statusCode, 200);
    const ryy = JSON.parse(api.body).readings.find((reading: { code: string }) => reading.code === 'RYY');
    assert.ok(ryy, 'the readings include RYY');
    assert.equal(ryy.variationIcon, null);
    assert.equal(ryy.settledLimits, false);
    const chart = await app.inject('/organisations/RYY/metrics/OF0082');
    assert.match(chart.body, /its limits are trial limits, so it gives no reading of variation or assurance/);
    assert.match(chart.body, /Trial process limits/);
  });

  it('a flag metric has no rank: "no better direction"', async () => {
    const across = await metricAcrossOrganisations(store.db, 'nof-league-financial-deficit');
    assert.equal(across.metric.direction, 'neutral');
    const flag = peerRank(across, 'RWR');
    assert.ok(flag, 'RWR has a value of the deficit flag');
    assert.equal(flag.rank, null);
    const page = await app.inject('/organisations/RWR');
    const row = tableRows(page.body, 'scorecard').find((cells) =>
      cells[0].includes('(nof-league-financial-deficit)'),
    );
    assert.ok(row);
    assert.ok(row.includes('No better direction'), row.join(' | '));
    assert.ok(!row.some((text) => /\d+(st|nd|rd|th) of \d+/.test(text)), row.join(' | '));
    // A metric with a better direction is still ranked.
    assert.equal(typeof peerRank(await metricAcrossOrganisations(store.db, 'OF0082'), 'RWR')?.rank, 'number');
  });

  it('the series that fell to zero in one step, or never vary, are not listed as having improved', async () => {
    const across = await metricAcrossOrganisations(store.db, 'ae-dta-12hr');
    const values = (code: string) =>
      across.organisations
        .find((reading) => reading.code === code)
        ?.points.flatMap((point) => (point.value === null ? [] : [point.value])) ?? [];
    // The data has series whose chart reads special-cause improvement at the latest point on
    // settled limits only because the figures fell to zero in one month.
    const droppedToZero = across.organisations.filter(
      (reading) =>
        reading.latestPointType === 'special_cause_improvement' &&
        reading.settledLimits &&
        reading.latest?.value === 0 &&
        values(reading.code)
          .slice(-7, -1)
          .every((value) => value > 0),
    );
    assert.ok(droppedToZero.length >= 2, droppedToZero.map((reading) => reading.code).join(', '));
    const listed = improvingOrganisations(across, '').map((reading) => reading.code);
    for (const reading of droppedToZero) assert.ok(!listed.includes(reading.code), reading.code);
    for (const code of listed) {
      const series = values(code);
      assert.ok(new Set(series).size > 1, `${code} is listed with a flat series`);
    }
    assert.ok(listed.length > 0, 'real improvers are still listed');
  });

  it('a negative attendance count in a real A&E file is refused at its row and column, and nothing is written', async () => {
    const source = fs.readFileSync(bundled.aeMonthly.at(-1) as string, 'utf8');
    const lines = source.split('\n');
    const cells = lines[1].split(',');
    const column = 4; // "A&E attendances Type 1"
    cells[column] = `-${cells[column] === '0' ? '5' : cells[column]}`;
    lines[1] = cells.join(',');
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-negative-'));
    const file = path.join(folder, 'Monthly-AE-negative.csv');
    fs.writeFileSync(file, lines.join('\n'));
    const before = await sql<{ count: number }>`select count(*)::integer as count from observation`.execute(
      store.db,
    );
    const result = await importFile(store.db, file);
    assert.equal(result.outcome, 'rejected');
    const negative = result.issues.find((issue) => /negative/.test(issue.message));
    assert.ok(negative, result.issues.map((issue) => issue.message).join('; '));
    assert.equal(negative.row, 2);
    assert.equal(negative.column, 'E');
    const after = await sql<{ count: number }>`select count(*)::integer as count from observation`.execute(
      store.db,
    );
    assert.equal(after.rows[0].count, before.rows[0].count);
    fs.rmSync(folder, { recursive: true });
  });

  it('the API says what the league table covers, and why an acute trust has no explanation', async () => {
    const league = await app.inject('/api/v1/assessments/nof-2025-26/Q4%202025%2F26');
    assert.equal(league.statusCode, 200);
    const body = JSON.parse(league.body);
    assert.deepEqual(body.coverage.missing, ['Acute trust', 'Ambulance trust']);
    assert.match(body.likelyRanges, /Tend's own estimate/);
    const ryy = body.publishedLikelyRanges.find((row: { Trust_code: string }) => row.Trust_code === 'RYY');
    assert.deepEqual(ryy, {
      Trust_code: 'RYY',
      Likely_range_of_average_score: [1.2, 1.89],
      Likely_range_of_rank: [1, 11],
    });
    const acute = await app.inject('/api/v1/assessments/nof-2025-26/Q4%202025%2F26/RJ1');
    assert.equal(acute.statusCode, 404);
    assert.match(acute.body, /mental health and community trusts only, and none for Guy's and St Thomas'/);
    assert.match(acute.body, /england\.nhs\.uk\/nhs-oversight-framework/);
  });

  it('the successor list imported twice changes nothing', async () => {
    const again = await importFile(store.db, successors);
    assert.equal(again.outcome, 'unchanged');
  });
});
