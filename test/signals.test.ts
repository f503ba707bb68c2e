import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { loadUserActor } from '../src/app/accounts/actor.ts';
import { withdrawAnnotation } from '../src/app/annotations/change.ts';
import { createAnnotation } from '../src/app/annotations/create.ts';
import { assessFromStore } from '../src/app/assessment.ts';
import { nofQuarters } from '../src/app/assessment-cache.ts';
import { importFile } from '../src/app/import-file.ts';
import { computeSignals } from '../src/app/signals/compute.ts';
import { changeSignalStatus } from '../src/app/signals/lifecycle.ts';
import { storedSpc } from '../src/app/spc-view.ts';
import { operator } from '../src/policies/actor.ts';
import type { Store } from '../src/store/db.ts';
import { organisationContext } from '../src/store/repos/organisation-repo.ts';
import { setSignalStatus, signalById, upsertSignalEpisodes } from '../src/store/repos/signal-repo.ts';
import type { SignalRow } from '../src/store/tables.ts';
import { buildApp } from '../src/web/app.ts';
import { runTend } from './helpers/cli.ts';
import { openLoadedStore, webTestFiles } from './helpers/loaded-store.ts';
import { addPerson, csrfTokenIn, signIn } from './helpers/people.ts';
import { testBackend } from './helpers/test-store.ts';

/**
 * Signals on the real demo data (the ODS register, the Oversight Framework files and 13 months of
 * A&E): the last file is imported through the ordinary import, so its signals come from the hook that
 * runs after every import. Expectations are read from the charts themselves (`storedSpc`, what the
 * chart page draws) and from the raw values, never from the signal code under test.
 */

/** The organisation the people below work for: the trust with the most open signals (set once computed). */
let A = '';

describe(`signals on the demo data (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  let openBeforeLastImport = -1;
  const clock = () => new Date();
  const cookies: Record<string, string> = {};

  const openSignals = async (where = sql`true`) =>
    (
      await sql<SignalRow>`select * from signal where closed_at is null and ${where} order by id`.execute(
        store.db,
      )
    ).rows;

  before(async () => {
    store = await openLoadedStore(webTestFiles.slice(0, -1), { computeSignals: false });
    openBeforeLastImport = (await openSignals()).length;
    const last = await importFile(store, webTestFiles.at(-1) as string);
    assert.equal(last.outcome, 'imported');
    // a trust in an ICB with several open signals, so each test below has its own
    A = (
      await sql<{ org_code: string }>`
        select s.org_code from signal s join membership m on m.member_code = s.org_code and m.relation = 'icb_ods'
        where s.closed_at is null and s.kind <> 'segment_change' group by s.org_code order by count(*) desc, s.org_code limit 1`.execute(
        store.db,
      )
    ).rows[0].org_code;
    app = await buildApp({
      store,
      config: { logLevel: 'silent' },
      signInPerMinute: 10_000,
      rateLimitPerMinute: 1_000_000,
    });
    const context = await organisationContext(store.db, A);
    assert.ok(context?.icbCodes.length);
    for (const [key, grant] of [
      ['member', { role: 'member', scopeKind: 'organisation', scopeCode: A }],
      ['contributor', { role: 'contributor', scopeKind: 'organisation', scopeCode: A }],
      ['systemLead', { role: 'system-lead', scopeKind: 'system', scopeCode: context.icbCodes[0] }],
      ['otherContributor', { role: 'contributor', scopeKind: 'organisation', scopeCode: 'RYY' }],
    ] as const) {
      await addPerson(store, `${key.toLowerCase()}@example.nhs.uk`, [grant]);
      cookies[key] = await signIn(app, `${key.toLowerCase()}@example.nhs.uk`);
    }
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });

  async function actorOf(key: string) {
    const row = await sql<{
      id: number;
    }>`select id from app_user where email = ${`${key.toLowerCase()}@example.nhs.uk`}`.execute(store.db);
    const actor = await loadUserActor(store.db, row.rows[0].id, new Date(), 'session');
    assert.ok(actor);
    return { db: store.db, actor, clock };
  }

  it('computes signals after an import, and not before', async () => {
    assert.equal(openBeforeLastImport, 0, 'imports told not to compute left the table empty');
    const open = await openSignals();
    assert.ok(open.length > 20, 'the import of the last file computed the signals of the metrics it changed');
    assert.ok(
      open.every((row) => row.metric_id.startsWith('ae-')),
      'and only of those: the A&E metrics',
    );
  });

  it('gives every settled chart with a concern at its latest point an open concern signal spanning its run of concern points', async () => {
    const series = (
      await sql<{ org_code: string; metric_id: string }>`
        select distinct org_code, metric_id from observation where metric_id like 'ae-%' order by 1, 2`.execute(
        store.db,
      )
    ).rows;
    let concerns = 0;
    const missing: string[] = [];
    for (const { org_code, metric_id } of series) {
      const chart = (await storedSpc(store.db, org_code, metric_id)).series;
      const group = chart.groups.at(-1);
      const last = chart.pointType.length - 1;
      if (group?.chart !== 'xmr' || group.rowCount < 13 || chart.values[last] === null) continue;
      if (chart.pointType[last] !== 'special_cause_concern') continue;
      // every organisation reports the latest month of the bundled A&E files
      if (chart.dates[last] !== '2025-06-01') continue;
      concerns++;
      let first = last;
      while (first > group.startIndex && chart.pointType[first - 1] === 'special_cause_concern') first--;
      const rows = await openSignals(
        sql`org_code = ${org_code} and metric_id = ${metric_id} and kind = 'concern'`,
      );
      if (rows.length !== 1) {
        missing.push(`${org_code} ${metric_id}: ${rows.length} open concern signals`);
        continue;
      }
      assert.equal(rows[0].first_date, chart.dates[first], `${org_code} ${metric_id} starts at its run`);
      assert.equal(rows[0].latest_date, chart.dates[last]);
      assert.equal(rows[0].points, last - first + 1);
    }
    assert.deepEqual(missing, []);
    assert.ok(concerns >= 5, `the demo data hold concerns at the latest point (${concerns})`);
    const long = await openSignals(sql`kind = 'concern' and points > 1`);
    assert.ok(long.length > 0, 'some concern has lasted more than one point: one signal, not one per point');
  });

  it('never raises an improvement on a series of zeros, nor on one that fell to zero in one step, which is a data question', async () => {
    const all = (
      await sql<{ org_code: string; metric_id: string; values: number[] }>`
        select org_code, metric_id, array_agg(value order by period_start) as values
        from observation where status = 'reported' and metric_id like 'ae-%' group by 1, 2`.execute(store.db)
    ).rows;
    const zeros = all.filter((row) => row.values.length >= 13 && row.values.every((value) => value === 0));
    // a step to zero from the level of the six values before it (at least half their median)
    // a step to zero from the level of the six values before it (at least half their median); it is a
    // question about the data when that level is 10 or more (smaller counts reach zero by chance)
    const stepsFrom = (row: { values: number[] }, level: number) =>
      row.values.some((value, index) => {
        if (value !== 0 || index < 6) return false;
        const before = row.values.slice(index - 6, index);
        const sorted = [...before].sort((a, b) => a - b);
        const median = (sorted[2] + sorted[3]) / 2;
        return before.every((each) => each > 0) && row.values[index - 1] >= median / 2 && median >= level;
      });
    const steps = all.filter((row) => stepsFrom(row, 0));
    const questionable = all.filter((row) => stepsFrom(row, 10));
    assert.ok(zeros.length > 0, 'the demo data hold series of zeros');
    assert.ok(
      questionable.length > 0,
      'the demo data hold a series that fell to zero in one step from 10 or more',
    );
    for (const row of [...zeros, ...steps]) {
      const improvements = await openSignals(
        sql`org_code = ${row.org_code} and metric_id = ${row.metric_id} and kind = 'improvement'`,
      );
      assert.deepEqual(improvements, [], `${row.org_code} ${row.metric_id} has no improvement signal`);
    }
    for (const row of questionable) {
      const questions = await openSignals(
        sql`org_code = ${row.org_code} and metric_id = ${row.metric_id} and kind = 'data_question'`,
      );
      assert.ok(
        questions.some((question) => /fell to 0 in one step/.test(question.detail)),
        `${row.org_code} ${row.metric_id} has a data question about its drop to zero`,
      );
    }
  });

  it('changes nothing when computed again on the same data', async () => {
    const snapshot = async () =>
      (await sql`select * from signal order by id`.execute(store.db)).rows.map((row) => JSON.stringify(row));
    // the import computed only the metrics it changed; once everything is computed, again changes nothing
    await computeSignals(store.db, clock);
    const before = await snapshot();
    const again = await computeSignals(store.db, clock);
    assert.equal(again.written, 0);
    assert.equal(again.closed, 0);
    assert.deepEqual(await snapshot(), before);
  });

  it('raises a segment change for each trust whose segment differs from the quarter before, with its verdict', async () => {
    const quarters = await nofQuarters(store.db);
    assert.ok(quarters.length >= 2, 'two quarters of Oversight Framework data');
    const [current, previous] = await Promise.all(
      quarters.slice(0, 2).map((quarter) => assessFromStore(store.db, { framework: 'nof-2025-26', quarter })),
    );
    const before = new Map(previous.trusts.map((row) => [row.Trust_code, row.Segment]));
    const changed = current.trusts
      .filter(
        (row) => before.has(row.Trust_code) && row.Segment !== null && before.get(row.Trust_code) !== null,
      )
      .filter((row) => before.get(row.Trust_code) !== row.Segment)
      .map((row) => row.Trust_code)
      .sort();
    assert.ok(changed.length > 0, 'some trust changed segment');
    const signals = await openSignals(sql`kind = 'segment_change'`);
    assert.deepEqual(signals.map((row) => row.org_code).sort(), changed);
    for (const signal of signals) {
      assert.equal(signal.metric_id, 'nof-league-segment');
      assert.match(
        signal.detail,
        /^Moved (up|down) from segment \d in Q\d \d{4}\/\d{2} to segment \d in Q\d/,
      );
      assert.match(signal.detail, /signal, not noise|may be noise|could not be tested/);
    }
  });

  it('updates a continuing episode instead of adding one, and closes an episode the data no longer show', async () => {
    const [concern] = await openSignals(sql`kind = 'concern'`);
    const count = async () =>
      Number((await sql<{ n: number }>`select count(*)::int as n from signal`.execute(store.db)).rows[0].n);
    const rows = await count();
    await upsertSignalEpisodes(
      store.db,
      [
        {
          orgCode: concern.org_code,
          metricId: concern.metric_id,
          kind: 'concern',
          firstDate: concern.first_date,
          latestDate: '2099-01-01',
          points: concern.points + 1,
          latestValue: 1,
          detail: concern.detail,
        },
      ],
      new Date(),
    );
    assert.equal(await count(), rows, 'same key, same row');
    assert.equal((await signalById(store.db, concern.id))?.latest_date, '2099-01-01');
    // an episode the computation does not find: as if its chart had returned to common cause
    await upsertSignalEpisodes(
      store.db,
      [
        {
          orgCode: A,
          metricId: 'ae-4hr-all',
          kind: 'improvement',
          firstDate: '2001-01-01',
          latestDate: '2001-01-01',
          points: 1,
          latestValue: 1,
          detail: 'x',
        },
      ],
      new Date(),
    );
    const result = await computeSignals(store.db, clock);
    assert.equal(result.closed, 1);
    assert.equal(
      (await signalById(store.db, concern.id))?.latest_date,
      concern.latest_date,
      'recomputed back',
    );
    const gone = await sql<SignalRow>`select * from signal where first_date = '2001-01-01'`.execute(store.db);
    assert.equal(gone.rows[0].status, 'closed');
    assert.equal(gone.rows[0].closed_reason, 'common_cause');
  });

  it('reads a series again when a rebase changes its limits, and again when the rebase is withdrawn', async () => {
    const [concern] = await openSignals(sql`kind = 'concern' and org_code <> ${A} and points < 12`);
    assert.ok(concern, 'a concern to rebase');
    const operatorContext = { db: store.db, actor: operator('test'), clock };
    // new limits from the first concern point: too few points to settle, so the concern is not read
    const rebase = await createAnnotation(operatorContext, {
      org: concern.org_code,
      metric: concern.metric_id,
      date: concern.first_date,
      kind: 'rebase',
      text: 'A new streaming model began.',
      rebaseReason: 'A new streaming model changed the process from this month.',
    });
    const closed = await signalById(store.db, concern.id);
    assert.equal(closed?.status, 'closed');
    assert.equal(closed?.closed_reason, 'common_cause');
    await withdrawAnnotation(operatorContext, rebase.id);
    const reopened = await signalById(store.db, concern.id);
    assert.equal(reopened?.status, 'new', 'the same episode is read again');
    assert.equal(reopened?.closed_at, null);
  });

  it('moves a signal through its lifecycle as audited writes, for the organisation’s writers and overseers only', async () => {
    const [signal] = await openSignals(sql`org_code = ${A} and status = 'new'`);
    assert.ok(signal, `${A} has an open signal`);
    await assert.rejects(changeSignalStatus(await actorOf('member'), signal.id, { status: 'acknowledged' }), {
      code: 'FORBIDDEN',
    });
    await assert.rejects(
      changeSignalStatus(await actorOf('otherContributor'), signal.id, { status: 'acknowledged' }),
      { code: 'FORBIDDEN' },
    );
    const contributor = await actorOf('contributor');
    const audits = async () =>
      Number(
        (
          await sql<{
            n: number;
          }>`select count(*)::int as n from audit_log where entity_type = 'signal' and entity_id = ${String(signal.id)}`.execute(
            store.db,
          )
        ).rows[0].n,
      );
    const acknowledged = await changeSignalStatus(contributor, signal.id, {
      status: 'acknowledged',
      version: signal.version,
    });
    assert.equal(acknowledged.status, 'acknowledged');
    assert.equal(await audits(), 1);
    await assert.rejects(
      changeSignalStatus(contributor, signal.id, {
        status: 'understood',
        version: signal.version,
        note: 'Seen.',
      }),
      { code: 'CONFLICT' },
    );
    await assert.rejects(
      changeSignalStatus(contributor, signal.id, { status: 'understood' }),
      (error: { code: string; details: string[] }) => {
        assert.equal(error.code, 'VALIDATION_FAILED');
        assert.ok(error.details.some((detail) => detail.startsWith('note: ')));
        return true;
      },
    );
    await assert.rejects(
      changeSignalStatus(contributor, signal.id, { status: 'acknowledged' }),
      { code: 'VALIDATION_FAILED' },
      'not twice',
    );
    const understood = await changeSignalStatus(await actorOf('systemLead'), signal.id, {
      status: 'understood',
      note: 'A new triage model started in the month the run began.',
    });
    assert.equal(understood.status_note, 'A new triage model started in the month the run began.');
    assert.equal(await audits(), 2);
    const closed = await changeSignalStatus(contributor, signal.id, { status: 'closed' });
    assert.ok(closed.closed_at);
    assert.equal(closed.closed_reason, 'by_hand');
    // an inquiry opened from a signal, then closed, closes it with that reason
    const [other] = await openSignals(sql`status = 'new'`);
    await setSignalStatus(store.db, other.id, 'inquiry_opened', null, new Date());
    const afterInquiry = await setSignalStatus(
      store.db,
      other.id,
      'closed',
      'The inquiry closed.',
      new Date(),
    );
    assert.equal(afterInquiry.closed_reason, 'inquiry_closed');
  });

  it('lists signals on /signals with filters, counts and CSV, and refuses a bad filter with every problem listed', async () => {
    const page = await app.inject('/signals');
    assert.equal(page.statusCode, 200);
    const open = await openSignals();
    const unstarted = open.filter(
      (row) => row.kind === 'concern' && ['new', 'acknowledged'].includes(row.status),
    ).length;
    assert.match(
      page.body,
      new RegExp(`<strong>${unstarted}</strong> concerns? that nobody has started talking about`),
    );
    assert.match(page.body, new RegExp(`${open.length} signals`));
    const filtered = await app.inject(`/signals?org=${A}&kind=concern`);
    const ownConcerns = open.filter((row) => row.org_code === A && row.kind === 'concern');
    assert.match(filtered.body, new RegExp(`${ownConcerns.length} signals?[;.]`));
    const csv = await app.inject(`/signals?org=${A}&download=signals`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines.length, 1 + open.filter((row) => row.org_code === A).length);
    assert.match(lines[0], /Signal id/);
    // fifty a page, concerns first; the CSV holds every one
    assert.ok(open.length > 50, 'more than a page of signals');
    assert.match(page.body, new RegExp(`1 to 50 are below \\(page 1 of ${Math.ceil(open.length / 50)}\\)`));
    const second = await app.inject('/signals?page=2');
    assert.match(second.body, /51 to \d+ are below \(page 2 of/);
    assert.equal(
      (await app.inject('/signals?download=signals&page=2')).body.trim().split('\r\n').length,
      1 + open.length,
    );
    const bad = await app.inject('/signals?org=not%20a%20code&kind=verdict&age=ancient');
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /There is a problem/);
    for (const field of ['org', 'kind', 'age']) assert.match(bad.body, new RegExp(`href="#${field}"`));
  });

  it('shows a signal’s page, and its lifecycle form to those who may change it', async () => {
    const [signal] = await openSignals(sql`org_code = ${A} and status = 'new'`);
    const anonymous = await app.inject(`/signals/${signal.id}`);
    assert.equal(anonymous.statusCode, 200);
    assert.doesNotMatch(anonymous.body, /signal-status-form/);
    const member = await app.inject({ url: `/signals/${signal.id}`, headers: { cookie: cookies.member } });
    assert.doesNotMatch(member.body, /signal-status-form/);
    const form = await app.inject({ url: `/signals/${signal.id}`, headers: { cookie: cookies.contributor } });
    assert.match(form.body, /signal-status-form/);
    const post = (payload: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: `/signals/${signal.id}/status`,
        headers: { cookie: cookies.contributor, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrfTokenIn(form.body), ...payload }).toString(),
      });
    const missingNote = await post({ status: 'data_question', note: '' });
    assert.equal(missingNote.statusCode, 422);
    assert.match(missingNote.body, /There is a problem/);
    assert.match(missingNote.body, /href="#note"/);
    const saved = await post({ status: 'data_question', note: 'The June return looks incomplete.' });
    assert.equal(saved.statusCode, 303);
    assert.equal((await signalById(store.db, signal.id))?.status, 'data_question');
    const shown = await app.inject(`/signals/${signal.id}`);
    assert.match(shown.body, /The June return looks incomplete\./);
    assert.equal((await app.inject('/signals/999999')).statusCode, 404);
  });

  it('shows signals on the chart, organisation and system pages', async () => {
    const [signal] = await openSignals(sql`org_code = ${A}`);
    const chart = await app.inject(`/organisations/${A}/metrics/${signal.metric_id}`);
    assert.match(chart.body, /id="signals-heading"/);
    assert.match(chart.body, new RegExp(`href="/signals/${signal.id}"`));
    const organisation = await app.inject(`/organisations/${A}`);
    assert.match(organisation.body, /id="organisation-signal-list"/);
    const context = await organisationContext(store.db, A);
    const system = await app.inject(`/systems/${context?.icbCodes[0]}`);
    assert.match(system.body, /id="system-signal-list"/);
    assert.match(system.body, new RegExp(`href="/signals/${signal.id}"`));
  });

  it('answers GET /api/v1/signals with the same filters, as JSON or CSV', async () => {
    const response = await app.inject(`/api/v1/signals?org=${A}&status=all`);
    assert.equal(response.statusCode, 200);
    const body = response.json() as { total: number; signals: { org: string; status: string }[] };
    const all = (await sql`select id from signal where org_code = ${A}`.execute(store.db)).rows;
    assert.equal(body.total, all.length);
    assert.ok(body.signals.every((row) => row.org === A));
    const csv = await app.inject(`/api/v1/signals?org=${A}&format=csv`);
    assert.match(csv.body.split('\r\n')[0], /^id,org_code,org_name,metric_id/);
    const docs = (await app.inject('/api/docs/openapi.json')).json() as { paths: Record<string, unknown> };
    assert.ok(docs.paths['/api/v1/signals'], 'the API documentation describes it');
    const bad = await app.inject('/api/v1/signals?status=maybe');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /status/);
  });

  it('runs `tend signals`, refusing bad options before opening a store', async () => {
    const bad = await runTend(['signals', '--kind', 'verdict', '--format', 'json']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--kind: must be one of/);
  });
});
