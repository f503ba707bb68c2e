import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AppError } from '../errors.ts';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to the embedded database under .tend/pgdata on 127.0.0.1:3000', () => {
    const config = loadConfig({}, {}, '/srv/tend');
    assert.deepEqual(config, {
      databaseUrl: undefined,
      dataDir: path.join('/srv/tend', '.tend', 'pgdata'),
      host: '127.0.0.1',
      port: 3000,
      logLevel: 'info',
      sessionSecret: undefined,
      publicOrigin: 'http://127.0.0.1:3000',
      secureCookies: false,
      oidcProviders: [],
      trustedProxy: [],
      rateLimitPerMinute: 600,
      chromiumPath: '/usr/bin/chromium',
      smtpUrl: undefined,
      mailFrom: 'tend@localhost',
    });
    assert.ok(Object.isFrozen(config));
  });

  it('takes follow-up email settings from SMTP_URL and TEND_MAIL_FROM, checking both', () => {
    const config = loadConfig({
      SMTP_URL: 'smtps://user:pass@mail.example.org:465',
      TEND_MAIL_FROM: 'tend@example.org',
    });
    assert.equal(config.smtpUrl, 'smtps://user:pass@mail.example.org:465');
    assert.equal(config.mailFrom, 'tend@example.org');
    assert.equal(loadConfig({ SMTP_URL: '' }).smtpUrl, undefined);
    assert.throws(
      () => loadConfig({ SMTP_URL: 'http://mail.example.org', TEND_MAIL_FROM: 'not an address' }),
      (error: Error) =>
        /SMTP_URL: must start with smtp/.test(error.message) && /TEND_MAIL_FROM/.test(error.message),
    );
  });

  it('takes the Chromium that prints review packs from CHROMIUM_PATH', () => {
    assert.equal(loadConfig({ CHROMIUM_PATH: '/opt/chromium/chrome' }).chromiumPath, '/opt/chromium/chrome');
    assert.throws(() => loadConfig({ CHROMIUM_PATH: '  ' }), /CHROMIUM_PATH/);
  });

  it('reads the trusted proxies as a comma list of addresses, CIDR ranges and named ranges', () => {
    const config = loadConfig({
      TEND_TRUSTED_PROXY: ' 10.0.0.0/8, 192.168.1.7 ,fd00::/8,::1, loopback',
      TEND_RATE_LIMIT_PER_MINUTE: '12000',
    });
    assert.deepEqual(config.trustedProxy, ['10.0.0.0/8', '192.168.1.7', 'fd00::/8', '::1', 'loopback']);
    assert.equal(config.rateLimitPerMinute, 12000);
    assert.deepEqual(loadConfig({ TEND_TRUSTED_PROXY: '' }).trustedProxy, []);
  });

  it('refuses a trusted proxy that is not an address or range, and a rate limit below 1', () => {
    assert.throws(
      () =>
        loadConfig({
          TEND_TRUSTED_PROXY: '10.0.0.0/33,proxy.example.nhs.uk,10.1.2.3',
          TEND_RATE_LIMIT_PER_MINUTE: '0',
        }),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.details.length, 3);
        assert.match(error.details[0], /^TEND_TRUSTED_PROXY: "10\.0\.0\.0\/33" is not/);
        assert.match(error.details[1], /^TEND_TRUSTED_PROXY: "proxy\.example\.nhs\.uk" is not/);
        assert.match(error.details[2], /^TEND_RATE_LIMIT_PER_MINUTE: must be at least 1/);
        return true;
      },
    );
  });

  it('reads the environment, and flags override it', () => {
    const config = loadConfig(
      { DATABASE_URL: 'postgres://localhost/tend', PORT: '8080', TEND_DATA_DIR: 'db' },
      { PORT: '9090' },
      '/srv',
    );
    assert.equal(config.databaseUrl, 'postgres://localhost/tend');
    assert.equal(config.port, 9090);
    assert.equal(config.dataDir, path.join('/srv', 'db'));
  });

  it('treats an empty DATABASE_URL as unset', () => {
    assert.equal(loadConfig({ DATABASE_URL: '' }).databaseUrl, undefined);
  });

  it('lists every problem at once', () => {
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'mysql://x', PORT: '70000', LOG_LEVEL: 'loud' }),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.deepEqual(error.details.map((detail) => detail.split(':')[0]).sort(), [
          'DATABASE_URL',
          'LOG_LEVEL',
          'PORT',
        ]);
        return true;
      },
    );
  });
});

describe('loadConfig: single sign-on providers', () => {
  const cis2 = {
    TEND_OIDC_PROVIDERS: 'cis2',
    TEND_OIDC_CIS2_ISSUER:
      'https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare',
    TEND_OIDC_CIS2_CLIENT_ID: 'tend-client',
    TEND_OIDC_CIS2_CLIENT_SECRET: 's3cret',
  };

  it('reads a CIS2 provider with a client secret, with its label, scopes and claims by default', () => {
    const config = loadConfig(cis2);
    assert.deepEqual(config.oidcProviders, [
      {
        id: 'cis2',
        label: 'NHS CIS2 Authentication',
        issuer: cis2.TEND_OIDC_CIS2_ISSUER,
        clientId: 'tend-client',
        clientAuth: { kind: 'client_secret', secret: 's3cret' },
        scopes: ['openid', 'profile', 'email', 'nationalrbacaccess'],
        claims: 'cis2',
      },
    ]);
  });

  it('reads an Entra provider with a private key file, its key id, scopes and organisation claim', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-config-'));
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(path.join(folder, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const config = loadConfig(
      {
        TEND_OIDC_PROVIDERS: ' Entra ',
        TEND_OIDC_ENTRA_ISSUER: 'https://login.microsoftonline.com/tenant-id/v2.0',
        TEND_OIDC_ENTRA_CLIENT_ID: 'app-id',
        TEND_OIDC_ENTRA_PRIVATE_KEY_FILE: 'key.pem',
        TEND_OIDC_ENTRA_KEY_ID: 'kid-1',
        TEND_OIDC_ENTRA_KEY_ALG: 'rs512',
        TEND_OIDC_ENTRA_SCOPES: 'openid email',
        TEND_OIDC_ENTRA_LABEL: 'NHS mail',
        TEND_OIDC_ENTRA_ORG_CLAIM: 'extn.odsCode',
      },
      {},
      folder,
    );
    assert.deepEqual(config.oidcProviders, [
      {
        id: 'entra',
        label: 'NHS mail',
        issuer: 'https://login.microsoftonline.com/tenant-id/v2.0',
        clientId: 'app-id',
        clientAuth: {
          kind: 'private_key_jwt',
          privateKeyFile: path.join(folder, 'key.pem'),
          keyId: 'kid-1',
          algorithm: 'RS512',
        },
        scopes: ['openid', 'email'],
        claims: 'entra',
        organisationClaim: 'extn.odsCode',
      },
    ]);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('allows a plain-HTTP issuer on a loopback address only', () => {
    const local = loadConfig({ ...cis2, TEND_OIDC_CIS2_ISSUER: 'http://127.0.0.1:4000' });
    assert.equal(local.oidcProviders[0]?.issuer, 'http://127.0.0.1:4000');
    assert.throws(
      () => loadConfig({ ...cis2, TEND_OIDC_CIS2_ISSUER: 'http://idp.example.nhs.uk' }),
      (error: unknown) =>
        error instanceof AppError &&
        error.details.includes(
          'TEND_OIDC_CIS2_ISSUER: must be an https:// address (http:// only on localhost)',
        ),
    );
  });

  it('lists every problem with every provider at once, beside the other settings', () => {
    assert.throws(
      () =>
        loadConfig({
          PORT: 'x',
          TEND_OIDC_PROVIDERS: 'cis2,okta,Bad-Id,cis2',
          TEND_OIDC_CIS2_CLIENT_SECRET: 'a',
          TEND_OIDC_CIS2_PRIVATE_KEY_FILE: '/nowhere/key.pem',
          TEND_OIDC_CIS2_SCOPES: 'profile',
          TEND_OIDC_OKTA_ISSUER: 'not a url',
          TEND_OIDC_OKTA_CLIENT_ID: 'x',
          TEND_OIDC_OKTA_PRIVATE_KEY_FILE: '/nowhere/key.pem',
        }),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.deepEqual(error.details, [
          'PORT: must be a number',
          'TEND_OIDC_CIS2_ISSUER: must be set (the provider’s issuer address)',
          'TEND_OIDC_CIS2_CLIENT_ID: must be set',
          'TEND_OIDC_CIS2_CLIENT_SECRET: set either this or TEND_OIDC_CIS2_PRIVATE_KEY_FILE, not both',
          'TEND_OIDC_CIS2_SCOPES: must include openid',
          'TEND_OIDC_OKTA_ISSUER: must be an https:// address',
          'TEND_OIDC_OKTA_CLAIMS: must be set to cis2 or entra (how roles are read)',
          'TEND_OIDC_OKTA_PRIVATE_KEY_FILE: cannot read /nowhere/key.pem',
          'TEND_OIDC_OKTA_KEY_ID: must be set with TEND_OIDC_OKTA_PRIVATE_KEY_FILE (the key id the provider knows)',
          'TEND_OIDC_PROVIDERS: "bad-id" is not a provider id (a lower-case letter, then up to 19 letters or digits)',
          'TEND_OIDC_PROVIDERS: cis2 is listed twice',
        ]);
        return true;
      },
    );
  });

  it('needs TEND_PUBLIC_ORIGIN when Tend listens beyond loopback, and redirects to it', () => {
    assert.throws(
      () => loadConfig({ ...cis2, HOST: '0.0.0.0' }),
      (error: unknown) =>
        error instanceof AppError && error.details.some((each) => each.startsWith('TEND_PUBLIC_ORIGIN:')),
    );
    const config = loadConfig({
      ...cis2,
      HOST: '0.0.0.0',
      TEND_PUBLIC_ORIGIN: 'https://tend.example.nhs.uk/',
    });
    assert.equal(config.publicOrigin, 'https://tend.example.nhs.uk');
    assert.equal(config.secureCookies, true);
  });
});
