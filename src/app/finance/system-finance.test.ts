import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { bundled, openLoadedStore } from '../../../test/helpers/loaded-store.ts';
import type { MemberFinancePosition } from '../../domain/finance.ts';
import { anonymous } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { buildApp } from '../../web/app.ts';
import { type SystemFinanceView, systemFinanceView } from './system-finance.ts';

/** The real ICBs checked: Kent and Medway (two of six trusts published) and Cheshire and Merseyside. */
const icbCodes = ['QKS', 'QYG'];

// The files are bundled with Tend (data/): a missing one is a failure, never a reason to skip.
const missing = [bundled.odsTrusts, bundled.trustLookup, bundled.nofData].find(
  (file) => !fs.existsSync(file),
);
if (missing) throw new Error(`The bundled data file ${missing} is missing: restore it from the repository.`);

/** RFC 4180 rows of a CSV text (quoted fields may hold commas and doubled quotes). */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n') {
      row.push(field.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/** The raw rows of a CSV file as objects keyed by header. */
function rawRecords(file: string): Record<string, string>[] {
  const [header = [], ...rows] = csvRows(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  return rows.map((cells) => Object.fromEntries(header.map((name, index) => [name, cells[index] ?? ''])));
}

/** "Q3 2025/26" → the first day of that financial quarter. */
function quarterStart(quarter: string): string {
  const match = /^Q([1-4]) (\d{4})\/\d{2}$/.exec(quarter.trim());
  assert.ok(match, quarter);
  const year = Number(match[2]) + (match[1] === '4' ? 1 : 0);
  const month = ['04', '07', '10', '01'][Number(match[1]) - 1];
  return `${year}-${month}-01`;
}

let store: Store;
const views = new Map<string, SystemFinanceView>();

before(async () => {
  store = await openLoadedStore([bundled.odsTrusts, bundled.trustLookup, bundled.nofData], {
    computeSignals: false,
  });
  for (const code of icbCodes)
    views.set(
      code,
      await systemFinanceView({ db: store.db, actor: anonymous, clock: () => new Date() }, code),
    );
});

after(async () => {
  await store?.close();
});

test("the system finance view's totals equal the sum of the members' published figures", () => {
  const nofRows = rawRecords(bundled.nofData);
  const lookup = rawRecords(bundled.trustLookup);
  for (const code of icbCodes) {
    const view = views.get(code);
    assert.ok(view, code);
    // Members: every trust the lookup file places in the ICB.
    const memberCodes = lookup.filter((row) => row.icb_code_ods_hlhg === code).map((row) => row.org_code);
    assert.deepEqual(view.members.map((member) => member.code).sort(), [...memberCodes].sort(), code);
    // The latest quarter any member has a published finance figure, read from the raw rows.
    const financeRows = nofRows.filter(
      (row) =>
        memberCodes.includes(row.Trust_code ?? '') &&
        (row.Metric_ID === 'OF0079' || row.Metric_ID === 'OF0081') &&
        (row.Value ?? '').trim() !== '',
    );
    assert.ok(financeRows.length > 0, `${code} has published finance rows`);
    const latest = financeRows
      .map((row) => quarterStart(row.Quarter ?? ''))
      .sort()
      .at(-1);
    assert.equal(view.quarterStart, latest, code);
    const publishedValue = (trust: string, metricId: string) => {
      const row = financeRows.find(
        (candidate) =>
          candidate.Trust_code === trust &&
          candidate.Metric_ID === metricId &&
          quarterStart(candidate.Quarter ?? '') === latest,
      );
      return row ? Number(row.Value) : null;
    };
    let withPlanned = 0;
    let withYearToDate = 0;
    let plansDeficit = 0;
    let behindPlan = 0;
    let underPressure = 0;
    for (const trust of memberCodes) {
      const planned = publishedValue(trust, 'OF0079');
      const variance = publishedValue(trust, 'OF0081');
      const member: MemberFinancePosition | undefined = view.members.find(
        (candidate) => candidate.code === trust,
      );
      assert.equal(member?.plannedPct, planned, `${trust} planned`);
      assert.equal(member?.yearToDateVariancePct, variance, `${trust} variance`);
      withPlanned += planned === null ? 0 : 1;
      withYearToDate += variance === null ? 0 : 1;
      plansDeficit += planned !== null && planned < 0 ? 1 : 0;
      behindPlan += variance !== null && variance < 0 ? 1 : 0;
      underPressure += (planned !== null && planned < 0) || (variance !== null && variance < 0) ? 1 : 0;
    }
    assert.deepEqual(
      view.totals,
      {
        members: memberCodes.length,
        withPlannedFigure: withPlanned,
        withYearToDateFigure: withYearToDate,
        plansDeficit,
        behindPlan,
        underPressure,
      },
      code,
    );
  }
});

test('members are listed by name, and a member without published figures says so', () => {
  const view = views.get('QKS');
  assert.ok(view);
  const names = view.members.map((member) => member.name);
  assert.deepEqual(
    names,
    [...names].sort((a, b) => a.localeCompare(b, 'en-GB')),
  );
  const unpublished = view.members.filter((member) => member.plannedPct === null);
  assert.ok(unpublished.length > 0);
  for (const member of unpublished)
    assert.ok(member.missing.includes('no published planned surplus/deficit'));
});

test('the system page and the API show the same picture, with learning partners for those under pressure', async () => {
  const view = views.get('QYG');
  assert.ok(view);
  const app = await buildApp({ store, config: { logLevel: 'silent' } });
  try {
    const page = await app.inject('/systems/QYG');
    assert.equal(page.statusCode, 200);
    const section = page.body.slice(page.body.indexOf('id="system-finance"'));
    assert.match(
      section,
      new RegExp(`under pressure, ${view.totals.underPressure} of ${view.totals.members} providers`),
    );
    const pressed = view.members.filter((member) => member.underPressure);
    assert.ok(pressed.length > 0, 'Cheshire and Merseyside has providers under pressure');
    assert.equal(section.split('Learning partners:').length - 1, pressed.length);
    for (const member of pressed)
      assert.ok(section.includes(`/peer-reviews?org=${member.code}`), member.code);
    assert.ok(
      !/\brank/i.test(section.slice(0, section.indexOf('</section>'))),
      'no ranking in the finance view',
    );
    const api = await app.inject('/api/v1/systems/QYG/finance');
    assert.equal(api.statusCode, 200);
    assert.deepEqual(api.json().finance.totals, view.totals);
    assert.equal((await app.inject('/api/v1/systems/QZZZ/finance')).statusCode, 404);
  } finally {
    await app.close();
  }
});
