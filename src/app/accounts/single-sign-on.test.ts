import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { addPerson } from '../../../test/helpers/people.ts';
import { openTestStore, resetTestStore, testBackend } from '../../../test/helpers/test-store.ts';
import { AppError } from '../../errors.ts';
import { anonymous, operator } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { upsertOrganisations } from '../../store/repos/organisation-repo.ts';
import {
  claimedRoles,
  type MappableRole,
  mapClaims,
  mapSsoRole,
  refusalReasons,
  type SsoProvider,
  signInWithSingleSignOn,
  ssoRoleMappings,
} from './single-sign-on.ts';
import { disableUser, grantRole } from './users.ts';

const cis2: SsoProvider = { id: 'cis2', label: 'NHS CIS2 Authentication', claims: 'cis2' };
const entra: SsoProvider = { id: 'entra', label: 'Microsoft Entra ID', claims: 'entra' };

describe('claimedRoles', () => {
  it('reads CIS2 nhsid_nrbac_roles entries, upper-casing organisation codes and skipping incomplete ones', () => {
    const claims = {
      nhsid_nrbac_roles: [
        { org_code: 'ryy', role_code: 'S8000:G8000:R8000', person_roleid: '1', role_name: 'Nurse' },
        { org_code: 'RJ1', person_roleid: '2' },
        { role_code: 'S8001:G8001:R8001' },
        'not an entry',
        { org_code: ' RJ1 ', role_code: ' S8001:G8001:R8001 ' },
      ],
    };
    assert.deepEqual(claimedRoles(cis2, claims), [
      { orgCode: 'RYY', claimRole: 'S8000:G8000:R8000' },
      { orgCode: 'RJ1', claimRole: 'S8001:G8001:R8001' },
    ]);
    assert.deepEqual(claimedRoles(cis2, { nhsid_nrbac_roles: 'R8000' }), []);
    assert.deepEqual(claimedRoles(cis2, {}), []);
  });

  it('reads Entra app roles at each organisation of extension_ods_code, else ods_code, or the configured claim', () => {
    assert.deepEqual(claimedRoles(entra, { roles: ['tend.member', 'tend.admin'], ods_code: 'ryy' }), [
      { orgCode: 'RYY', claimRole: 'tend.member' },
      { orgCode: 'RYY', claimRole: 'tend.admin' },
    ]);
    assert.deepEqual(
      claimedRoles(entra, { roles: ['tend.member'], extension_ods_code: ['RJ1', 'RYY'], ods_code: 'X1' }),
      [
        { orgCode: 'RJ1', claimRole: 'tend.member' },
        { orgCode: 'RYY', claimRole: 'tend.member' },
      ],
    );
    const configured = { ...entra, organisationClaim: 'extn.odsCode' };
    assert.deepEqual(claimedRoles(configured, { roles: 'tend.member', ods_code: 'RYY' }), []);
    assert.deepEqual(claimedRoles(configured, { roles: 'tend.member', 'extn.odsCode': 'RYY' }), [
      { orgCode: 'RYY', claimRole: 'tend.member' },
    ]);
  });
});

describe('mapClaims', () => {
  const mappings = new Map<string, MappableRole>([
    ['R8000', 'contributor'],
    ['S9000:G9000:R8000', 'admin'],
    ['tend.member', 'member'],
  ]);
  const known = new Set(['RYY', 'RJ1']);

  it('maps a role by its whole code first, else by its last part, at known organisations only', () => {
    const result = mapClaims(
      [
        { orgCode: 'RYY', claimRole: 'S8000:G8000:R8000' },
        { orgCode: 'RJ1', claimRole: 'S9000:G9000:R8000' },
        { orgCode: 'RYY', claimRole: 'S8000:G8001:R8000' },
        { orgCode: 'ZZ999', claimRole: 'S8000:G8000:R8000' },
        { orgCode: 'RYY', claimRole: 'S8003:G8003:R8003' },
        { orgCode: 'RJ1', claimRole: 'tend.member' },
      ],
      mappings,
      known,
    );
    assert.deepEqual(result, {
      grants: [
        { role: 'admin', orgCode: 'RJ1' },
        { role: 'member', orgCode: 'RJ1' },
        { role: 'contributor', orgCode: 'RYY' },
      ],
      unknownOrganisations: ['ZZ999'],
      unmappedRoles: ['R8003'],
    });
  });

  it('comes to nothing when nothing is claimed', () => {
    assert.deepEqual(mapClaims([], mappings, known), {
      grants: [],
      unknownOrganisations: [],
      unmappedRoles: [],
    });
  });
});

describe('refusalReasons', () => {
  it('names organisations Tend does not know, and unmapped roles with the command that maps one', () => {
    const claimed = [{ orgCode: 'X', claimRole: 'R1' }];
    assert.deepEqual(
      refusalReasons(cis2, claimed, { grants: [], unknownOrganisations: ['ZZ999'], unmappedRoles: [] }),
      ['Your NHS identity lists organisation ZZ999, which Tend does not know.'],
    );
    assert.deepEqual(
      refusalReasons(cis2, claimed, {
        grants: [],
        unknownOrganisations: ['A1', 'B2', 'C3'],
        unmappedRoles: ['R8003'],
      }),
      [
        'Your NHS identity lists organisations A1, B2 and C3, which Tend does not know.',
        'Your NHS identity lists role R8003, which is not mapped to a Tend role; an administrator can map it with `tend sso map cis2 R8003 contributor`.',
      ],
    );
    assert.deepEqual(
      refusalReasons(entra, claimed, { grants: [], unknownOrganisations: [], unmappedRoles: ['a', 'b'] }),
      [
        'Your NHS identity lists roles a and b, which are not mapped to a Tend role; an administrator can map each with `tend sso map entra a contributor` (or member, or admin).',
      ],
    );
  });

  it('says when no role is claimed at all, naming the claim Tend reads', () => {
    const empty = { grants: [], unknownOrganisations: [], unmappedRoles: [] };
    assert.match(refusalReasons(cis2, [], empty)[0] as string, /nhsid_nrbac_roles claim is empty/);
    assert.match(refusalReasons(entra, [], empty)[0] as string, /extension_ods_code or ods_code claim/);
    assert.match(
      refusalReasons({ ...entra, organisationClaim: 'extn.odsCode' }, [], empty)[0] as string,
      /roles claim and extn\.odsCode/,
    );
  });
});

describe(`single sign-on use cases (${testBackend})`, () => {
  let store: Store;
  const now = new Date('2026-12-01T09:00:00Z');
  const operatorContext = () => ({ db: store.db, actor: operator('test'), clock: () => now });
  const signIn = (claims: Record<string, unknown>, provider: SsoProvider = cis2) =>
    signInWithSingleSignOn({ db: store.db, clock: () => now }, { provider, claims, address: '192.0.2.1' });
  const refusal = (pattern: RegExp) => (error: unknown) =>
    error instanceof AppError && error.code === 'SIGN_IN_REFUSED' && pattern.test(error.message);

  before(async () => {
    store = await openTestStore();
  });
  after(async () => {
    await store.close();
  });
  beforeEach(async () => {
    await resetTestStore(store);
    await upsertOrganisations(
      store.db,
      [
        {
          code: 'RYY',
          name: 'Kent Community Health NHS Foundation Trust',
          kind: 'trust',
          authority: 'replace',
        },
      ],
      'test',
    );
    await mapSsoRole(operatorContext(), { provider: 'cis2', claimRole: 'R8000', tendRole: 'contributor' });
  });

  const roles = [{ org_code: 'RYY', role_code: 'S8000:G8000:R8000' }];

  it('maps roles as the operator only, listing every problem, replacing an earlier mapping and auditing it', async () => {
    const user = { db: store.db, actor: anonymous, clock: () => now };
    await assert.rejects(
      mapSsoRole(user, { provider: 'cis2', claimRole: 'R1', tendRole: 'admin' }),
      (error: unknown) => error instanceof AppError && error.code === 'UNAUTHENTICATED',
    );
    await assert.rejects(
      mapSsoRole(operatorContext(), { provider: 'CIS-2', claimRole: ' ', tendRole: 'oversight' }),
      (error: unknown) =>
        error instanceof AppError &&
        error.code === 'VALIDATION_FAILED' &&
        error.details.map((detail) => detail.split(':')[0]).join(',') === 'provider,claim role,tend role',
    );
    const replaced = await mapSsoRole(operatorContext(), {
      provider: 'CIS2',
      claimRole: 'R8000',
      tendRole: 'Admin',
    });
    assert.deepEqual(replaced, {
      provider: 'cis2',
      claimRole: 'R8000',
      tendRole: 'admin',
      previous: 'contributor',
    });
    assert.deepEqual(await ssoRoleMappings(operatorContext()), [
      { provider: 'cis2', claimRole: 'R8000', tendRole: 'admin' },
    ]);
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id', 'before', 'after', 'actor_label'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.deepEqual(audit, {
      action: 'sso.map',
      entity_id: 'cis2:R8000',
      before: { tendRole: 'contributor' },
      after: { tendRole: 'admin' },
      actor_label: 'test',
    });
  });

  it('refuses an unlinked identity without an email address, or with an unverified one', async () => {
    await assert.rejects(signIn({ sub: 'a', nhsid_nrbac_roles: roles }), refusal(/has no email address/));
    await assert.rejects(
      signIn({ sub: 'a', email: 'a@example.nhs.uk', email_verified: false, nhsid_nrbac_roles: roles }),
      refusal(/is not verified/),
    );
    assert.equal((await store.db.selectFrom('app_user').select('id').execute()).length, 0);
  });

  it('refuses a disabled account', async () => {
    await addPerson(store, 'dee@example.nhs.uk', [], () => now);
    await disableUser(operatorContext(), 'dee@example.nhs.uk');
    await assert.rejects(
      signIn({ sub: 'd', email: 'dee@example.nhs.uk', nhsid_nrbac_roles: roles }),
      refusal(/account \(dee@example\.nhs\.uk\) is disabled/),
    );
  });

  it('records a refusal for an unlinked account without touching its grants', async () => {
    const userId = await addPerson(store, 'eve@example.nhs.uk', [], () => now);
    await grantRole(operatorContext(), {
      email: 'eve@example.nhs.uk',
      role: 'member',
      scopeKind: 'organisation',
      scopeCode: 'RYY',
    });
    await assert.rejects(
      signIn({
        sub: 'e',
        email: 'eve@example.nhs.uk',
        nhsid_nrbac_roles: [{ org_code: 'RYY', role_code: 'R9' }],
      }),
      refusal(/role R9, which is not mapped/),
    );
    const grants = await store.db
      .selectFrom('role_grant')
      .select(['valid_to'])
      .where('user_id', '=', userId)
      .execute();
    assert.deepEqual(grants, [{ valid_to: null }]);
    assert.equal((await store.db.selectFrom('identity_link').select('user_id').execute()).length, 0);
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id', 'actor_label'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.deepEqual(audit, { action: 'user.sign_in_refused', entity_id: null, actor_label: 'anonymous' });
  });

  it('keeps a grant still claimed, records one audit entry per sign-in, and names a new user from the claims', async () => {
    const claims = {
      sub: 'f',
      email: 'Fay@Example.nhs.uk',
      given_name: 'Fay',
      family_name: 'Jones',
      nhsid_nrbac_roles: roles,
    };
    const first = await signIn(claims);
    assert.equal(first.created, true);
    const entriesAfterFirst = (await store.db.selectFrom('audit_log').select('id').execute()).length;
    const second = await signIn(claims);
    assert.deepEqual(second, { userId: first.userId, created: false });
    assert.equal(
      (await store.db.selectFrom('audit_log').select('id').execute()).length,
      entriesAfterFirst + 1,
    );
    const user = await store.db.selectFrom('app_user').selectAll().executeTakeFirstOrThrow();
    assert.equal(user.display_name, 'Fay Jones');
    assert.equal(user.email, 'fay@example.nhs.uk');
    assert.deepEqual(user.last_sign_in_at, now);
    const grants = await store.db
      .selectFrom('role_grant')
      .select(['role', 'scope_code', 'valid_to'])
      .execute();
    assert.deepEqual(grants, [{ role: 'contributor', scope_code: 'RYY', valid_to: null }]);
  });
});
