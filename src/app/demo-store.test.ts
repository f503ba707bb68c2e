import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundled, openLoadedStore } from '../../test/helpers/loaded-store.ts';
import { dataDir } from '../../test/helpers/paths.ts';
import { addPerson, testPassword } from '../../test/helpers/people.ts';
import { testBackend } from '../../test/helpers/test-store.ts';
import { anonymous, operator } from '../policies/actor.ts';
import type { Store } from '../store/db.ts';
import { signInWithPassword } from './accounts/sign-in.ts';
import { createDemoAccounts, type DemoAccount } from './demo-accounts.ts';
import { demoFiles } from './demo-data.ts';
import {
  DEMO_FORMAT,
  type DemoBuild,
  type DemoFingerprint,
  demoFingerprint,
  judgeDemoStore,
  readDemoBuild,
  recordDemoBuild,
  resetDemoPasswords,
} from './demo-store.ts';

/** A copy of the demo's files under a new data folder, to change. */
function copyOfDemoFiles(folder: string): string {
  for (const file of demoFiles(dataDir)) {
    const copy = path.join(folder, path.relative(dataDir, file));
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.copyFileSync(file, copy);
  }
  return folder;
}

describe('the demo store’s fingerprint', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-demo-fingerprint-'));
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('is the same for the same files wherever they are, and changes with one byte of one file', async () => {
    const original = await demoFingerprint(dataDir);
    const copy = copyOfDemoFiles(path.join(scratch, 'copy'));
    assert.deepEqual(await demoFingerprint(copy), original);
    const successors = path.join(copy, 'ods-trusts-2025', 'trust_successors.csv');
    const bytes = fs.readFileSync(successors);
    bytes[bytes.length - 2] ^= 1;
    fs.writeFileSync(successors, bytes);
    const changed = await demoFingerprint(copy);
    assert.notEqual(changed.data, original.data);
    assert.equal(changed.schema, original.schema);
    assert.notEqual(changed.fingerprint, original.fingerprint);
    assert.match(changed.fingerprint, /^[0-9a-f]{64}$/);
    assert.equal(changed.format, DEMO_FORMAT);
  });

  it('says NOT_FOUND, naming the file, when a bundled file is missing', async () => {
    const copy = copyOfDemoFiles(path.join(scratch, 'missing'));
    fs.rmSync(path.join(copy, 'ods-trusts-2025', 'etr.csv'));
    await assert.rejects(demoFingerprint(copy), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'NOT_FOUND');
      assert.match(error.message, /ods-trusts-2025\/etr\.csv is missing/);
      return true;
    });
  });
});

describe('judging a demo store', () => {
  const current: DemoFingerprint = { fingerprint: 'f1', data: 'd1', schema: 's1', format: 3 };
  const built = (fields: Partial<DemoBuild>): DemoBuild => ({
    ...current,
    builtAt: '2026-11-30T09:41:12.345Z',
    accounts: [],
    ...fields,
  });

  it('reuses a store built from the same fingerprint', () => {
    const judgement = judgeDemoStore(built({}), current);
    assert.equal(judgement.reuse, true);
  });

  it('says what differs otherwise, and when the store was built', () => {
    const why = (build: DemoBuild | undefined) => {
      const judgement = judgeDemoStore(build, current);
      assert.equal(judgement.reuse, false);
      return judgement.reuse ? '' : judgement.why;
    };
    assert.match(why(undefined), /no record of a finished build/);
    assert.equal(
      why(built({ fingerprint: 'f0', data: 'd0' })),
      'The bundled data has changed since the demo store was built on 2026-11-30 09:41 UTC',
    );
    assert.match(why(built({ fingerprint: 'f0', schema: 's0' })), /schema or metric catalogue has changed/);
    assert.match(
      why(built({ fingerprint: 'f0', format: 2 })),
      /content has changed \(format 3; .* format 2\)/,
    );
  });
});

describe(`a demo store’s build record and its accounts’ new passwords (${testBackend})`, () => {
  let store: Store;
  let accounts: DemoAccount[];
  const now = new Date('2026-11-30T10:00:00Z');
  const demo = () => ({ db: store.db, actor: operator('demo'), clock: () => now });
  const fingerprint: DemoFingerprint = { fingerprint: 'f1', data: 'd1', schema: 's1', format: DEMO_FORMAT };

  before(async () => {
    store = await openLoadedStore([bundled.odsTrusts, bundled.trustLookup], { computeSignals: false });
    accounts = await createDemoAccounts(demo());
    await addPerson(store, 'someone@example.nhs.uk');
  });
  after(() => store.close());

  it('has no record until one is written, then reads back what was written, audited as the operator', async () => {
    assert.equal(await readDemoBuild(store.db), undefined);
    await assert.rejects(recordDemoBuild({ ...demo(), actor: anonymous }, fingerprint, accounts), {
      code: 'UNAUTHENTICATED',
    });
    const written = await recordDemoBuild(demo(), fingerprint, accounts);
    const read = await readDemoBuild(store.db);
    assert.deepEqual(read, written);
    assert.equal(read?.builtAt, now.toISOString());
    assert.equal(read?.fingerprint, 'f1');
    assert.deepEqual(
      read?.accounts.map((account) => account.email),
      accounts.map((account) => account.email),
    );
    assert.ok(!JSON.stringify(read).includes(accounts[0].password), 'no password is kept');
    const entry = await store.db
      .selectFrom('audit_log')
      .select(['actor_label', 'action'])
      .where('action', '=', 'demo.record_build')
      .execute();
    assert.deepEqual(entry, [{ actor_label: 'demo', action: 'demo.record_build' }]);
    // A second build replaces the record.
    await recordDemoBuild(demo(), { ...fingerprint, fingerprint: 'f2' }, accounts);
    assert.equal((await readDemoBuild(store.db))?.fingerprint, 'f2');
  });

  it('gives every demo account, and only those, a new password that signs in', async () => {
    const build = await readDemoBuild(store.db);
    assert.ok(build);
    const reset = await resetDemoPasswords(demo(), build);
    assert.deepEqual(
      reset.map((account) => [account.email, account.roleText]),
      accounts.map((account) => [account.email, account.roleText]),
    );
    const signIn = (email: string, password: string) =>
      signInWithPassword({ db: store.db, clock: () => now }, { email, password, address: '::1' });
    for (const [index, account] of reset.entries()) {
      assert.notEqual(account.password, accounts[index].password, account.email);
      assert.ok((await signIn(account.email, account.password)).userId > 0);
    }
    await assert.rejects(signIn(accounts[0].email, accounts[0].password), { code: 'SIGN_IN_FAILED' });
    // The person who is not a demo account keeps their password.
    assert.ok((await signIn('someone@example.nhs.uk', testPassword)).userId > 0);
    const entries = await store.db
      .selectFrom('audit_log')
      .select(['actor_label', 'action'])
      .where('action', '=', 'user.set_password')
      .execute();
    assert.equal(entries.length, accounts.length);
    assert.ok(entries.every((entry) => entry.actor_label === 'demo'));
    await assert.rejects(resetDemoPasswords({ ...demo(), actor: anonymous }, build), {
      code: 'UNAUTHENTICATED',
    });
  });
});
