import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openLoadedStore, webTestFiles } from '../../../test/helpers/loaded-store.ts';
import { addPerson } from '../../../test/helpers/people.ts';
import type { RoleName, ScopeKind } from '../../domain/people.ts';
import { isAppError } from '../../errors.ts';
import { type Actor, anonymous, operator } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { upsertMetrics } from '../../store/repos/metric-repo.ts';
import { loadUserActor } from '../accounts/actor.ts';
import { importFile } from '../import-file.ts';
import { loadSeries } from '../series.ts';
import { candidatesForEveryMetric, candidatesForMetric, computeMetricCandidates } from './candidates.ts';
import { directoryCoverage } from './coverage.ts';
import { createDemoDirectory } from './demo.ts';
import { offersOfHelp } from './offers.ts';
import { DIRECTORY_PAGE_ENTRIES, findEntryDetail, searchEntries, searchEntryPage } from './read.ts';
import { addContact, createEntry, inviteEntry, publishEntry, reviseEntry, withdrawEntry } from './write.ts';

/** Values as stored, oldest first, without gaps. */
async function storedValues(store: Store, org: string, metric: string): Promise<number[]> {
  const { points } = await loadSeries(store.db, org, metric);
  return points.flatMap((point) => (point.value === null ? [] : [point.value]));
}

/** A person in the store with one role, as the actor a use case is given. */
async function person(
  store: Store,
  email: string,
  role: RoleName,
  scopeKind: ScopeKind,
  scopeCode: string | null,
): Promise<Actor> {
  const id = await addPerson(
    store,
    email,
    [{ role, scopeKind, scopeCode }],
    () => new Date('2026-01-01T00:00:00Z'),
  );
  const actor = await loadUserActor(store.db, id, new Date('2026-11-30T09:00:00Z'), 'session');
  assert.ok(actor);
  return actor;
}

async function auditCount(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('the improvement directory on the bundled real data', () => {
  let store: Store;
  const now = new Date('2026-11-30T09:00:00Z');
  const ctx = () => ({ db: store.db, actor: operator('test'), clock: () => now });

  before(async () => {
    store = await openLoadedStore(webTestFiles);
  });
  after(async () => {
    await store.close();
  });

  it('never makes a flat, all-zero or one-step-to-zero series a candidate, on any metric', async () => {
    const every = await candidatesForEveryMetric(store.db);
    assert.ok(every.length > 10);
    let flatSeen = 0;
    let checked = 0;
    for (const found of every) {
      for (const candidate of found.candidates) {
        const values = await storedValues(store, candidate.code, found.readOn.id);
        checked++;
        assert.ok(new Set(values).size > 1, `${candidate.code} on ${found.readOn.id} varies`);
        const last = values.at(-1);
        assert.ok(
          last !== 0 || values.slice(-7, -1).some((value) => value === 0),
          `${candidate.code} on ${found.readOn.id} does not end in a drop to zero`,
        );
      }
      flatSeen += found.excludedCounts.flat_or_all_zero ?? 0;
    }
    assert.ok(checked > 20, `enough candidates to check (${checked})`);
    assert.ok(flatSeen > 0, 'the real data hold flat or all-zero series, and they were left out');
  });

  it('makes a sustained improvement a candidate, and measures it against its own baseline', async () => {
    const found = await computeMetricCandidates(store.db, 'ae-dta-12hr');
    const sustained = found.candidates.filter((candidate) =>
      candidate.reasons.includes('sustained_improvement'),
    );
    assert.ok(sustained.length > 0);
    for (const candidate of sustained) {
      // Lower is better: on the stored points, the level since the improvement began is below the
      // level before it, and the latest value is no worse than that baseline.
      const { points } = await loadSeries(store.db, candidate.code, 'ae-dta-12hr');
      const since = points.filter((point) => point.date >= candidate.to.start && point.value !== null);
      const mean = since.reduce((sum, point) => sum + (point.value ?? 0), 0) / since.length;
      assert.ok(
        Math.abs(mean - candidate.to.value) < 1e-9,
        `${candidate.code}: the level since is the stored mean`,
      );
      assert.ok(candidate.to.value < candidate.from.value, `${candidate.code} improved`);
      assert.ok(
        (points.at(-1)?.value ?? Number.POSITIVE_INFINITY) <= candidate.from.value,
        `${candidate.code} still better`,
      );
    }
    // Sustained improvers first, the largest relative improvement first.
    const shares = sustained.map((candidate) => candidate.relativeImprovement ?? 0);
    assert.deepEqual(
      shares,
      [...shares].sort((a, b) => b - a),
    );
  });

  it('has no candidates on a metric with no better direction, nor from trial limits', async () => {
    const attendances = await computeMetricCandidates(store.db, 'ae-attendances-type1');
    assert.deepEqual(attendances.candidates, []);
    const nof = await computeMetricCandidates(store.db, 'nof-league-average-score');
    assert.deepEqual(nof.candidates, []);
    assert.ok((nof.excludedCounts.trial_limits ?? 0) > 0);
  });

  it('reads a count through its rate where the catalogue holds one', async () => {
    await upsertMetrics(store.db, [
      {
        id: 'test-delays',
        name: 'Delayed transfers',
        description: null,
        unit: 'count',
        direction: 'lower_is_better',
        domain: 'Test',
        subdomain: null,
        source_publication: null,
        numerator_definition: null,
        denominator_definition: null,
        builtin: false,
      },
      {
        id: 'test-delays-rate',
        name: 'Delayed transfers per 1,000 discharges',
        description: null,
        unit: 'per 1,000',
        direction: 'lower_is_better',
        domain: 'Test',
        subdomain: null,
        source_publication: null,
        numerator_definition: 'Delayed transfers',
        denominator_definition: 'Discharges',
        builtin: false,
      },
    ]);
    // RJ1's count stays level while its discharges double: its rate halves. RGT's count halves only
    // because its discharges halved: its rate is level.
    const lines = ['org_code,metric_id,period,value,numerator,denominator,status,note'];
    for (let month = 0; month < 24; month++) {
      const period = `${2024 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
      const wobble = (month * 7) % 5;
      const later = month >= 15;
      const rj1Count = 100 + wobble;
      const rj1Discharges = later ? 2000 : 1000;
      const rgtCount = (later ? 50 : 100) + wobble;
      const rgtDischarges = later ? 500 : 1000;
      lines.push(`RJ1,test-delays,${period},${rj1Count},,,,`);
      lines.push(`RGT,test-delays,${period},${rgtCount},,,,`);
      lines.push(`RJ1,test-delays-rate,${period},${((rj1Count / rj1Discharges) * 1000).toFixed(2)},,,,`);
      lines.push(`RGT,test-delays-rate,${period},${((rgtCount / rgtDischarges) * 1000).toFixed(2)},,,,`);
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tend-rates-')), 'delays.csv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    assert.equal((await importFile(store, file, { computeSignals: false })).outcome, 'imported');
    const found = await candidatesForMetric(ctx(), 'test-delays');
    assert.equal(found.readOn.id, 'test-delays-rate');
    assert.deepEqual(
      found.candidates.map((candidate) => candidate.code),
      ['RJ1'],
      'the rate improved for RJ1 only; RGT’s count fell with its activity',
    );
  });

  it('adds, invites and publishes an entry, one audit entry each, with every field problem at once', async () => {
    const contributor = {
      ...ctx(),
      actor: await person(store, 'c@example.nhs.uk', 'contributor', 'organisation', 'RJ1'),
    };
    await assert.rejects(
      createEntry(contributor, {
        org: 'RJ1',
        metrics: [],
        title: '',
        what_they_did: '',
        period_start: '2026-13-01',
      }),
      (error) => {
        assert.ok(isAppError(error) && error.code === 'VALIDATION_FAILED');
        assert.deepEqual(
          error.details.map((detail) => detail.slice(0, detail.indexOf(':'))),
          ['metrics', 'title', 'what_they_did', 'period_start'],
        );
        return true;
      },
    );
    await assert.rejects(
      createEntry(contributor, { org: 'RGT', metrics: ['ae-4hr-type1'], title: 'x', what_they_did: 'y' }),
      (error) => isAppError(error) && error.code === 'FORBIDDEN',
      'an organisation nominates only itself',
    );
    const before = await auditCount(store);
    const entry = await createEntry(contributor, {
      org: 'RJ1',
      metrics: ['ae-4hr-type1'],
      title: 'Streaming at the front door',
      what_they_did: 'A senior decision-maker streams every arrival.',
    });
    assert.equal(entry.source, 'nomination');
    assert.equal(entry.state, 'candidate');
    assert.equal(await auditCount(store), before + 1);
    const invited = await inviteEntry(ctx(), entry.id, { version: entry.version });
    assert.equal(invited.state, 'invited');
    await assert.rejects(
      publishEntry(ctx(), entry.id, { version: invited.version }),
      (error) => isAppError(error) && error.code === 'VALIDATION_FAILED' && /contact/.test(error.message),
      'published only with a contact who agreed',
    );
    assert.equal(await auditCount(store), before + 2, 'a refused write records nothing');
    await addContact(ctx(), entry.id, {
      name: 'Robin Example',
      role: 'Matron',
      email: 'robin@example.org',
      consent_scope: 'signed_in',
      consent_recorded_on: '2026-11-01',
      review_by: '2026-12-15',
    });
    const published = await publishEntry(ctx(), entry.id, { version: invited.version });
    assert.equal(published.state, 'published');
    const detail = await findEntryDetail({ ...ctx(), actor: anonymous }, entry.id);
    assert.ok(detail);
    assert.equal(detail.evidence.length, 1, 'the chart is frozen as evidence');
    assert.match(detail.evidence[0].svg, /^<svg/);
    assert.ok(detail.evidence[0].points.length >= 13);
    assert.equal(detail.contacts[0].email, null, 'anonymous never sees a signed-in-only email');
    const member = await person(store, 'm@example.nhs.uk', 'member', 'organisation', 'RGT');
    const signedIn = await findEntryDetail({ ...ctx(), actor: member }, entry.id);
    assert.equal(signedIn?.contacts[0].email, 'robin@example.org');
    await assert.rejects(
      reviseEntry(contributor, entry.id, { what_they_did: 'More', version: published.version }),
      (error) => isAppError(error) && error.code === 'FORBIDDEN',
      'a nomination is the organisation’s to edit only until published',
    );
    await reviseEntry(ctx(), entry.id, { what_they_did: 'Version two.', version: published.version });
    const revised = await findEntryDetail(ctx(), entry.id);
    assert.deepEqual(
      revised?.versions.map((version) => version.version),
      [2, 1],
    );
    // Past the contact's review-by date the entry reads as stale.
    const later = await findEntryDetail(
      { ...ctx(), clock: () => new Date('2027-01-05T00:00:00Z') },
      entry.id,
    );
    assert.equal(later?.state, 'stale');
    assert.equal((await searchEntries({ ...ctx(), actor: anonymous }, { q: 'version two' })).length, 1);
  });

  it('offers published entries first, then candidates, never the organisation itself', async () => {
    const metricId = 'ae-4hr-type1';
    const found = await computeMetricCandidates(store.db, metricId);
    const asker = found.candidates[0]?.code ?? 'RGT';
    const offers = await offersOfHelp({ ...ctx(), actor: anonymous }, { orgCode: asker, metricId, limit: 5 });
    assert.equal(offers[0].kind, 'entry');
    assert.equal(offers[0].orgCode, 'RJ1');
    assert.equal(offers[0].contacts[0].email, null);
    assert.ok(offers.slice(1).every((offer) => offer.kind === 'candidate'));
    assert.ok(offers.every((offer) => offer.orgCode !== asker));
    const own = await offersOfHelp(ctx(), { orgCode: 'RJ1', metricId });
    assert.ok(own.every((offer) => offer.orgCode !== 'RJ1'));
  });

  it('counts coverage, and a withdrawn entry no longer counts', async () => {
    const before = await directoryCoverage(ctx());
    const row = before.metrics.find((metric) => metric.metricId === 'ae-4hr-type1');
    assert.ok(row);
    assert.equal(row.publishedEntries, 1);
    assert.equal(row.gap, 2);
    assert.ok(before.metrics.some((metric) => metric.scored));
    const entryId = (await searchEntries(ctx(), { metric: 'ae-4hr-type1' }))[0].id;
    const detail = await findEntryDetail(ctx(), entryId);
    await withdrawEntry(ctx(), entryId, { reason: 'Contact left', version: detail?.entry.version });
    const afterwards = await directoryCoverage(ctx());
    assert.equal(
      afterwards.metrics.find((metric) => metric.metricId === 'ae-4hr-type1')?.publishedEntries,
      0,
    );
  });

  it('builds the demo’s examples: at least three on the focus metric from real candidates', async () => {
    const demo = await createDemoDirectory({ ...ctx(), actor: operator('demo') });
    assert.equal(demo.focus.orgCode, 'RYY');
    const onFocus = await searchEntries({ ...ctx(), actor: anonymous }, { metric: demo.focus.metricId });
    assert.ok(onFocus.length >= 3, `${onFocus.length} entries on ${demo.focus.metricId}`);
    assert.ok(onFocus.every((entry) => entry.isExample && entry.title.startsWith('Example')));
    const candidates = new Set(
      (await computeMetricCandidates(store.db, demo.focus.metricId)).candidates.map(
        (candidate) => candidate.code,
      ),
    );
    assert.ok(onFocus.every((entry) => candidates.has(entry.orgCode) && entry.orgCode !== 'RYY'));
    const offers = await offersOfHelp({ ...ctx(), actor: anonymous }, demo.focus);
    assert.equal(offers.length, 3);
    assert.ok(offers.every((offer) => offer.kind === 'entry' && offer.changeIdeas.length > 0));
    assert.ok(
      offers.some((offer) => offer.contacts.some((contact) => contact.email?.endsWith('@example.org'))),
    );
    assert.ok(offers.some((offer) => offer.contacts.some((contact) => contact.email === null)));
  });

  it('pages a long search 50 at a time: every entry once, none twice, the next page said only when there is one', async () => {
    const made = new Set<number>();
    for (let index = 1; index <= DIRECTORY_PAGE_ENTRIES + 3; index++) {
      const entry = await createEntry(ctx(), {
        org: 'RJ1',
        metrics: ['ae-4hr-type1'],
        title: `Pagingcheck number ${index}`,
        what_they_did: 'Listed to check the pages of a long search.',
      });
      made.add(entry.id);
    }
    const first = await searchEntryPage(ctx(), { q: 'pagingcheck' });
    const second = await searchEntryPage(ctx(), { q: 'pagingcheck', page: 2 });
    const third = await searchEntryPage(ctx(), { q: 'pagingcheck', page: 3 });
    assert.deepEqual(
      [first.entries.length, second.entries.length, third.entries.length],
      [DIRECTORY_PAGE_ENTRIES, 3, 0],
    );
    assert.deepEqual([first.hasNext, second.hasNext, third.hasNext], [true, false, false]);
    const listed = [...first.entries, ...second.entries].map((entry) => entry.id);
    assert.equal(new Set(listed).size, listed.length, 'no entry on two pages');
    assert.deepEqual(new Set(listed), made);
    const candidates = await searchEntryPage(ctx(), { q: 'pagingcheck', state: 'candidate', page: 2 });
    assert.equal(candidates.entries.length, 3, 'a state filter pages the same way');
    const published = await searchEntryPage(ctx(), { q: 'pagingcheck', state: 'published' });
    assert.deepEqual([published.entries.length, published.hasNext], [0, false]);
    const anonymousPage = await searchEntryPage({ ...ctx(), actor: anonymous }, { q: 'pagingcheck' });
    assert.deepEqual(anonymousPage.entries, [], 'candidates are not listed to anonymous readers');
  });
});
