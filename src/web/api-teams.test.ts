import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  addCast,
  addTwoOrganisations,
  type CastName,
  contextFor,
  orgA,
} from '../../test/helpers/narratives.ts';
import { addPerson } from '../../test/helpers/people.ts';
import { openTestStore, resetTestStore, testBackend } from '../../test/helpers/test-store.ts';
import { createToken } from '../app/accounts/tokens.ts';
import { operator } from '../policies/actor.ts';
import type { Store } from '../store/db.ts';
import { readStoreVersion } from '../store/repos/version-repo.ts';
import { buildApp } from './app.ts';

/**
 * The teams API and pages through the app: adding a team, defining an organisation-only indicator,
 * entering its values as JSON and as a tidy file through `POST /api/v1/imports`, and who then reads
 * it — on the API, the chart page and the organisation page.
 */
const clock = () => new Date('2026-11-30T10:00:00Z');

describe(`teams API (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};
  const api = (
    method: 'GET' | 'POST',
    url: string,
    options: { as?: string; body?: unknown; type?: string } = {},
  ) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: {
        ...(options.as ? { authorization: `Bearer ${tokens[options.as]}` } : {}),
        ...(options.type ? { 'content-type': options.type } : {}),
      },
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    });
  let team = '';
  let metric = '';

  before(async () => {
    store = await openTestStore();
    await resetTestStore(store);
    await addTwoOrganisations(store);
    const people = await addCast(store, clock);
    const operatorContext = contextFor(store, operator('test'), clock);
    for (const name of ['adminA', 'memberA', 'contributorA', 'adminB', 'systemLeadA'] as CastName[])
      tokens[name] = (await createToken(operatorContext, { email: people[name].email, name: 'test' })).secret;
    app = await buildApp({ store, config: { logLevel: 'silent' }, clock, signInPerMinute: 1000 });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('adds a team for the organisation’s admins only, listing every problem at once', async () => {
    assert.equal((await api('POST', '/teams', { body: { org: orgA, name: 'Maternity' } })).statusCode, 401);
    for (const who of ['memberA', 'contributorA', 'adminB'])
      assert.equal(
        (await api('POST', '/teams', { as: who, body: { org: orgA, name: 'Maternity' } })).statusCode,
        403,
        who,
      );
    const bad = await api('POST', '/teams', { as: 'adminA', body: { org: orgA, name: '', code: 'no good' } });
    assert.equal(bad.statusCode, 422);
    assert.deepEqual(
      bad.json().error.details.map((detail: string) => detail.split(':')[0]),
      ['name', 'code'],
    );
    const created = await api('POST', '/teams', { as: 'adminA', body: { org: orgA, name: 'Maternity' } });
    assert.equal(created.statusCode, 201, created.body);
    team = created.json().team.code;
    assert.equal(team, `${orgA}T01`);
    const listed = await api('GET', `/teams?org=${orgA}`);
    assert.deepEqual(listed.json().teams, [
      { code: team, name: 'Maternity', org: { code: orgA, name: 'Alder Community Health NHS Trust' } },
    ]);
    assert.deepEqual((await api('GET', '/teams?org=RBB')).json().teams, []);
  });

  it('defines an organisation-only indicator for the team’s admins and takes its values as JSON', async () => {
    await addPerson(
      store,
      'team.admin@example.nhs.uk',
      [{ role: 'admin', scopeKind: 'organisation', scopeCode: team }],
      clock,
    );
    tokens.teamAdmin = (
      await createToken(contextFor(store, operator('test'), clock), {
        email: 'team.admin@example.nhs.uk',
        name: 'test',
      })
    ).secret;
    const definition = {
      name: 'Continuity of carer',
      definition: 'Women seen by a midwife they had met before.',
      unit: '%',
      direction: 'higher_is_better',
      target: 75,
      whyItMatters: 'Trust and continuity.',
      visibility: 'organisation',
    };
    assert.equal(
      (await api('POST', `/teams/${team}/indicators`, { as: 'memberA', body: definition })).statusCode,
      403,
    );
    const created = await api('POST', `/teams/${team}/indicators`, { as: 'teamAdmin', body: definition });
    assert.equal(created.statusCode, 201, created.body);
    metric = created.json().indicator.id;
    assert.equal(metric, `team.${team}.continuity-of-carer`);
    assert.equal(created.json().indicator.latestText, 'No values yet');

    const values = Array.from({ length: 24 }, (_, index) => ({
      period: `${2024 + Math.floor((index + 3) / 12)}-${String(((index + 3) % 12) + 1).padStart(2, '0')}`,
      value: 60 + (index % 4),
    }));
    const refused = await api('POST', `/teams/${team}/indicators/continuity-of-carer/values`, {
      as: 'memberA',
      body: { values },
    });
    assert.equal(refused.statusCode, 403);
    const entered = await api('POST', `/teams/${team}/indicators/continuity-of-carer/values`, {
      as: 'teamAdmin',
      body: { values },
    });
    assert.equal(entered.statusCode, 201, entered.body);
    assert.equal(entered.json().import.inserted, 24);
    const before = await readStoreVersion(store.db);
    const bad = await api('POST', `/teams/${team}/indicators/continuity-of-carer/values`, {
      as: 'teamAdmin',
      body: {
        values: [
          { period: '2026-01', value: 'sixty' },
          { period: 'January', value: 1 },
        ],
      },
    });
    assert.equal(bad.statusCode, 422);
    assert.deepEqual(await readStoreVersion(store.db), before, 'a refused list writes nothing');
  });

  it('shows the organisation-only indicator to the organisation’s people and overseers, and to nobody else', async () => {
    const readers = ['memberA', 'systemLeadA', 'teamAdmin'];
    for (const who of [undefined, 'adminB', ...readers]) {
      const reads = who !== undefined && readers.includes(who);
      const listed = await api('GET', `/teams/${team}/indicators`, { as: who });
      assert.equal(listed.json().indicators.length, reads ? 1 : 0, `${who}: the team's indicators`);
      const series = await api('GET', `/observations?org=${team}&metric=${metric}`, { as: who });
      assert.equal(series.statusCode, reads ? 200 : 404, `${who}: the series`);
      if (reads) assert.equal(series.json().observations.length, 24);
      const chart = await app.inject({
        url: `/organisations/${team}/metrics/${metric}`,
        headers: who ? { authorization: `Bearer ${tokens[who]}` } : {},
      });
      assert.equal(chart.statusCode, reads ? 200 : 404, `${who}: the chart`);
      const detail = await api('GET', `/organisations/${team}`, { as: who });
      assert.equal(detail.statusCode, 200);
      assert.equal(detail.json().organisation.observationCount, 0, `${who}: no count of hidden values`);
    }
    const catalogue = await api('GET', '/metrics');
    assert.ok(!catalogue.body.includes('team.'), 'never in the national catalogue');
    assert.equal((await app.inject(`/metrics/${metric}`)).statusCode, 404, 'no national page');
  });

  it('imports a tidy file of the team’s values through POST /imports for its admin, never organisations’ figures', async () => {
    const tidy = `org_code,team,metric_id,period,value\n${orgA},${team},continuity-of-carer,2026-04,70\n`;
    const imported = await api('POST', '/imports?filename=team.csv', {
      as: 'teamAdmin',
      body: tidy,
      type: 'text/csv',
    });
    assert.equal(imported.statusCode, 201, imported.body);
    const mixed = `${tidy}${orgA},,ae-4hr-type1,2026-04,95\n`;
    const refused = await api('POST', '/imports?filename=mixed.csv', {
      as: 'teamAdmin',
      body: mixed,
      type: 'text/csv',
    });
    assert.equal(refused.statusCode, 403);
    const outsider = await api('POST', '/imports?filename=team.csv', {
      as: 'memberA',
      body: tidy,
      type: 'text/csv',
    });
    assert.equal(outsider.statusCode, 403);
  });
});
