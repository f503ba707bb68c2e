import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bundled, openLoadedStore } from '../../../test/helpers/loaded-store.ts';
import { testBackend } from '../../../test/helpers/test-store.ts';
import { anonymous, operator } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { systemClock } from '../context.ts';
import { storedSpc } from '../spc-view.ts';
import { canReadMetric } from './access.ts';
import {
  createDemoTeam,
  demoTeam,
  demoTeamAdminEmail,
  demoTeamIndicatorSlug,
  demoTeamValues,
} from './demo.ts';
import { teamView } from './read.ts';

/** The demo's example team: its administrator, its example indicator and two years of values. */
describe(`the demo team (${testBackend})`, () => {
  let store: Store;
  before(async () => {
    store = await openLoadedStore([bundled.odsTrusts, bundled.trustLookup]);
  });
  after(async () => {
    await store.close();
  });

  it('adds the team with an administrator, and an example indicator with 24 monthly values that shows an improvement', async () => {
    const accounts = await createDemoTeam({
      db: store.db,
      actor: operator('demo'),
      clock: systemClock,
      store,
    });
    assert.deepEqual(
      accounts.map((account) => [account.email, account.role]),
      [[demoTeamAdminEmail, 'admin']],
    );
    const grants = await store.db
      .selectFrom('role_grant')
      .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
      .select(['role', 'scope_code', 'is_demo'])
      .where('email', '=', demoTeamAdminEmail)
      .execute();
    assert.deepEqual(grants, [{ role: 'admin', scope_code: demoTeam.code, is_demo: true }]);

    const view = await teamView({ db: store.db, actor: anonymous, clock: systemClock }, demoTeam.code);
    assert.equal(view.team.parent_code, 'RYY');
    assert.equal(view.indicators.length, 1, 'public: everyone sees it');
    const [indicator] = view.indicators;
    assert.equal(indicator.isExample, true);
    assert.match(indicator.name, /example/i);
    assert.equal(indicator.points, 24);
    assert.equal(await canReadMetric({ db: store.db, actor: anonymous }, indicator.id), true);

    const values = demoTeamValues();
    assert.equal(values.length, 24);
    assert.equal(values[0].period, '2024-04');
    assert.equal(values[23].period, '2026-03');
    const spc = await storedSpc(store.db, demoTeam.code, `team.${demoTeam.code}.${demoTeamIndicatorSlug}`);
    assert.equal(spc.points.length, 24);
    assert.equal(spc.series.summary.latestPointType, 'special_cause_improvement');
  });
});
