import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runTend } from '../../../test/helpers/cli.ts';
import { tendStoreArgs, testBackend } from '../../../test/helpers/test-store.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-sso-cli-'));
const testStore = await tendStoreArgs(path.join(scratch, 'db'));
const store = testStore.args;
const environment = {
  TEND_OIDC_PROVIDERS: 'cis2',
  TEND_OIDC_CIS2_ISSUER: 'https://cis2.example.nhs.uk',
  TEND_OIDC_CIS2_CLIENT_ID: 'tend',
  TEND_OIDC_CIS2_CLIENT_SECRET: 'secret',
};

describe(`tend sso (${testBackend})`, () => {
  after(async () => {
    await testStore.drop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('maps provider roles to Tend roles, replaces a mapping, and lists them', async () => {
    const mapped = await runTend([...store, 'sso', 'map', 'cis2', 'R8000', 'member'], { env: environment });
    assert.equal(mapped.code, 0, mapped.stderr);
    assert.match(mapped.stdout, /cis2 R8000 → member/);
    assert.equal(mapped.stderr, '');
    const replaced = await runTend([...store, 'sso', 'map', 'cis2', 'R8000', 'contributor'], {
      env: environment,
    });
    assert.match(replaced.stdout, /cis2 R8000 → contributor \(was member\)/);
    const elsewhere = await runTend([...store, 'sso', 'map', 'entra', 'tend.admin', 'admin'], {
      env: environment,
    });
    assert.equal(elsewhere.code, 0, elsewhere.stderr);
    assert.match(elsewhere.stderr, /entra is not in TEND_OIDC_PROVIDERS here/);

    const listed = await runTend([...store, 'sso', 'mappings', '--format', 'json'], { env: environment });
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout), [
      { provider: 'cis2', claimRole: 'R8000', tendRole: 'contributor' },
      { provider: 'entra', claimRole: 'tend.admin', tendRole: 'admin' },
    ]);
  });
});
