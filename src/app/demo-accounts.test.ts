import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { bundled, openLoadedStore } from '../../test/helpers/loaded-store.ts';
import { addPerson } from '../../test/helpers/people.ts';
import { openTestStore, testBackend } from '../../test/helpers/test-store.ts';
import { demoAccountsText } from '../cli/commands/serve.ts';
import { anonymous, operator } from '../policies/actor.ts';
import type { Store } from '../store/db.ts';
import { loadUserActor } from './accounts/actor.ts';
import { passwordProblems } from './accounts/passwords.ts';
import { signInWithPassword } from './accounts/sign-in.ts';
import { createDemoAccounts, createDemoDialogue, type DemoAccount } from './demo-accounts.ts';
import { sharedIssuesOf } from './inquiries/read.ts';

describe(`the demo's accounts and examples (${testBackend})`, () => {
  let store: Store;
  let accounts: DemoAccount[];
  const now = new Date('2026-11-30T10:00:00Z');
  const demo = () => ({ db: store.db, actor: operator('demo'), clock: () => now });

  before(async () => {
    store = await openLoadedStore([bundled.odsTrusts, bundled.trustLookup]);
    accounts = await createDemoAccounts(demo());
  });
  after(() => store.close());

  it('creates an account for every role, over RYY, another trust, and RYY’s own ICB and region', async () => {
    const grants = await store.db
      .selectFrom('app_user')
      .innerJoin('role_grant', 'role_grant.user_id', 'app_user.id')
      .select(['email', 'is_demo', 'role', 'scope_kind', 'scope_code', 'valid_from', 'valid_to'])
      .orderBy('app_user.id')
      .execute();
    // From the ODS register: Kent Community Health (RYY) is in Kent and Medway ICB (QKS), South East
    // region (Y59); Guy's and St Thomas' (RJ1) is in South East London ICB (QKK).
    assert.deepEqual(
      grants.map((row) => [row.email, row.role, row.scope_kind, row.scope_code]),
      [
        ['contributor.ryy@tend-demo.example', 'contributor', 'organisation', 'RYY'],
        ['admin.ryy@tend-demo.example', 'admin', 'organisation', 'RYY'],
        ['member.rj1@tend-demo.example', 'member', 'organisation', 'RJ1'],
        ['system-lead.qks@tend-demo.example', 'system-lead', 'system', 'QKS'],
        ['oversight.y59@tend-demo.example', 'oversight', 'region', 'Y59'],
        ['oversight.england@tend-demo.example', 'oversight', 'england', null],
        ['facilitator@tend-demo.example', 'facilitator', 'none', null],
      ],
    );
    for (const row of grants) {
      assert.equal(row.is_demo, true, row.email);
      assert.equal(row.valid_from, '2026-11-30');
      assert.equal(row.valid_to, null);
    }
    assert.deepEqual(
      accounts.map((account) => account.email),
      grants.map((row) => row.email),
    );
    assert.equal(accounts[0].roleText, 'Contributor, Kent Community Health NHS Foundation Trust (RYY)');
    const entries = await sql<{ actor_label: string; action: string }>`
      select actor_label, action from audit_log where action in ('user.add', 'role.grant')`.execute(store.db);
    assert.equal(entries.rows.length, 14);
    assert.ok(entries.rows.every((entry) => entry.actor_label === 'demo'));
  });

  it('gives each a different random password that passes the rules and signs in', async () => {
    assert.equal(new Set(accounts.map((account) => account.password)).size, accounts.length);
    for (const account of accounts) {
      assert.deepEqual(passwordProblems(account.password, account.email), [], account.email);
      assert.match(account.password, /^[A-Za-z0-9_-]{16}$/);
      const { userId } = await signInWithPassword(
        { db: store.db, clock: () => now },
        { email: account.email, password: account.password, address: '::1' },
      );
      assert.ok(userId > 0);
    }
    const text = demoAccountsText(accounts);
    assert.match(text, /^Demo accounts: made up for this demonstration/m);
    assert.match(text, /^email\s+role\s+password$/m);
    for (const account of accounts)
      assert.ok(text.includes(account.password), 'every password is shown once');
  });

  it('is for the operator only, and needs the bundled organisations', async () => {
    const admin = await store.db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', 'admin.ryy@tend-demo.example')
      .executeTakeFirstOrThrow();
    const actor = await loadUserActor(store.db, admin.id, now, 'session');
    assert.ok(actor);
    await assert.rejects(createDemoAccounts({ db: store.db, actor, clock: () => now }), {
      code: 'FORBIDDEN',
    });
    await assert.rejects(createDemoAccounts({ db: store.db, actor: anonymous, clock: () => now }), {
      code: 'UNAUTHENTICATED',
    });
    const empty = await openTestStore();
    try {
      await addPerson(empty, 'someone@example.nhs.uk');
      await assert.rejects(createDemoAccounts({ db: empty.db, actor: operator('demo'), clock: () => now }), {
        code: 'NOT_FOUND',
      });
    } finally {
      await empty.close();
    }
  });

  it('writes published example narratives and annotations for RYY, marked as examples', async () => {
    const made = await createDemoDialogue(demo());
    const narratives = await store.db
      .selectFrom('narrative')
      .innerJoin('app_user', 'app_user.id', 'narrative.created_by')
      .select([
        'narrative.id',
        'org_code',
        'kind',
        'metric_id',
        'title',
        'visibility',
        'status',
        'is_example',
        'email',
      ])
      .orderBy('narrative.id')
      .execute();
    assert.deepEqual(
      narratives.map((row) => [
        row.org_code,
        row.kind,
        row.metric_id,
        row.visibility,
        row.status,
        row.is_example,
        row.email,
      ]),
      [
        [
          'RYY',
          'financial_stewardship',
          null,
          'public',
          'published',
          true,
          'contributor.ryy@tend-demo.example',
        ],
        [
          'RYY',
          'metric_commentary',
          'ae-4hr-other',
          'public',
          'published',
          true,
          'contributor.ryy@tend-demo.example',
        ],
      ],
    );
    for (const row of narratives) assert.match(row.title, /^Example: /);
    assert.deepEqual(
      made.narrativeIds,
      narratives.map((row) => row.id),
    );
    const annotations = await store.db
      .selectFrom('annotation')
      .select(['id', 'org_code', 'kind', 'text', 'visibility', 'status', 'is_example'])
      .orderBy('id')
      .execute();
    assert.deepEqual(
      annotations.map((row) => [row.org_code, row.kind, row.visibility, row.status, row.is_example]),
      [
        ['RYY', 'event', 'public', 'published', true],
        ['RYY', 'change_idea', 'public', 'published', true],
      ],
    );
    for (const row of annotations) assert.match(row.text, /^Example: /);
    const marked = await sql<{ actor_label: string; org_code: string }>`
      select actor_label, org_code from audit_log where action = 'demo.mark_examples'`.execute(store.db);
    assert.deepEqual(marked.rows, [{ actor_label: 'demo', org_code: 'RYY' }]);
  });

  it('writes example inquiries in different domains and states, one with a factor shown on RYY’s ICB page', async () => {
    const inquiries = await store.db
      .selectFrom('inquiry')
      .innerJoin('prompt_set', 'prompt_set.id', 'inquiry.prompt_set_id')
      .select(['inquiry.title', 'inquiry.state', 'inquiry.kind', 'inquiry.is_example', 'prompt_set.domain'])
      .orderBy('inquiry.id')
      .execute();
    assert.deepEqual(
      inquiries.map((row) => [row.domain, row.kind, row.state, row.is_example]),
      [
        ['access_flow', 'inquiry', 'actions_agreed', true],
        ['workforce', 'inquiry', 'gathering', true],
        ['safety_quality', 'learning_review', 'closed', true],
        ['finance', 'inquiry', 'invited', true],
      ],
    );
    for (const row of inquiries) assert.match(row.title, /^Example: /);
    const issues = await sharedIssuesOf({ ...demo(), actor: anonymous }, 'QKS');
    assert.deepEqual(issues.map((issue) => issue.partner_org_code ?? issue.partner_name).sort(), [
      'Local authority adult social care',
      'QKS',
    ]);
  });
});
