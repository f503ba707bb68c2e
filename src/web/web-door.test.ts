import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { openTestStore, testBackend } from '../../test/helpers/test-store.ts';
import type { Store } from '../store/db.ts';
import { type AppDependencies, buildApp } from './app.ts';

/** helmet's headers, which every answer must carry, refusals included. */
function assertSecurityHeaders(response: LightMyRequestResponse, what: string): void {
  assert.match(String(response.headers['content-security-policy']), /default-src 'self'/, what);
  assert.equal(response.headers['x-content-type-options'], 'nosniff', what);
  assert.ok(response.headers['x-frame-options'], what);
}

describe(`web input at the door (${testBackend})`, () => {
  let store: Store;
  const apps: FastifyInstance[] = [];
  const build = async (extra: Partial<AppDependencies> = {}) => {
    const app = await buildApp({ store, config: { logLevel: 'silent' }, ...extra });
    apps.push(app);
    return app;
  };
  let app: FastifyInstance;
  before(async () => {
    store = await openTestStore();
    app = await build();
  });
  after(async () => {
    for (const each of apps) await each.close();
    await store.close();
  });

  it('answers an address that cannot be decoded with 400 in Tend’s shape and headers, on pages and API', async () => {
    const paths = [
      '/organisations/%FF',
      '/organisations/%zz',
      '/metrics/%C0%80',
      '/systems/%E0%A4%A',
      '/assets/%FF',
    ];
    const queries = ['/organisations?search=%FF', '/organisations?search=%zz', '/league-tables?quarter=%C3'];
    const api = [
      '/api/v1/organisations/%FF',
      '/api/v1/organisations?search=%zz',
      '/api/v1/metrics/%C0%80/latest',
    ];
    for (const url of [...paths, ...queries]) {
      const response = await app.inject(url);
      assert.equal(response.statusCode, 400, url);
      assert.match(String(response.headers['content-type']), /^text\/html/, url);
      assert.match(response.body, /Sorry, there is a problem/, url);
      assert.match(response.body, /The address is not valid/, url);
      assertSecurityHeaders(response, url);
    }
    for (const url of api) {
      const response = await app.inject(url);
      assert.equal(response.statusCode, 400, url);
      const { error } = response.json();
      assert.equal(error.code, 'BAD_REQUEST', url);
      assert.match(error.message, /^The address is not valid: /, url);
      assert.deepEqual(error.details, ['url: cannot be decoded'], url);
      assertSecurityHeaders(response, url);
    }
    const health = await app.inject('/health?x=%zz');
    assert.equal(health.statusCode, 400);
    assert.equal(health.json().error.code, 'BAD_REQUEST');
  });

  it('still reads well-formed escapes, UTF-8 included', async () => {
    for (const url of [
      '/organisations?search=caf%C3%A9',
      '/organisations?search=100%25',
      '/organisations/R%59Y',
    ]) {
      const response = await app.inject(url);
      assert.ok(response.statusCode === 200 || response.statusCode === 404, `${url}: ${response.statusCode}`);
    }
  });

  it('answers an over-long part of an address with 400 in Tend’s shape, not the router’s 414', async () => {
    const long = await app.inject(`/api/v1/organisations/${'A'.repeat(1200)}`);
    assert.equal(long.statusCode, 400);
    assert.equal(long.json().error.code, 'BAD_REQUEST');
    assertSecurityHeaders(long, 'long');
    // Longer than the router's default 100 characters, but a part Tend can route: not found, as any unknown code.
    const page = await app.inject(`/organisations/${'A'.repeat(150)}`);
    assert.equal(page.statusCode, 404);
    assertSecurityHeaders(page, 'page');
  });

  it('answers a wrong method on a known address with 405 and Allow, on pages and API', async () => {
    const cases: [string, string, string][] = [
      ['DELETE', '/organisations', 'GET, HEAD'],
      ['PUT', '/api/v1/metrics', 'GET, HEAD'],
      ['POST', '/health', 'GET, HEAD'],
      ['GET', '/sign-out', 'POST'],
      ['DELETE', '/api/v1/narratives/7', 'GET, HEAD, PATCH'],
      ['OPTIONS', '/organisations/RYY', 'GET, HEAD'],
    ];
    for (const [method, url, allow] of cases) {
      const response = await app.inject({ method: method as 'GET', url });
      assert.equal(response.statusCode, 405, `${method} ${url}`);
      assert.equal(response.headers.allow, allow, `${method} ${url}`);
      assertSecurityHeaders(response, `${method} ${url}`);
      if (url.startsWith('/api/') || url === '/health')
        assert.equal(response.json().error.code, 'METHOD_NOT_ALLOWED', `${method} ${url}`);
      else assert.match(response.body, /does not take/, `${method} ${url}`);
    }
    const nowhere = await app.inject({ method: 'PUT', url: '/api/v1/nowhere' });
    assert.equal(nowhere.statusCode, 404, 'an unknown address is still not found');
  });

  it('sends HSTS and upgrade-insecure-requests only over HTTPS', async () => {
    const plain = await app.inject('/metrics');
    assert.equal(plain.headers['strict-transport-security'], undefined);
    assert.doesNotMatch(String(plain.headers['content-security-policy']), /upgrade-insecure-requests/);
    // X-Forwarded-Proto from a proxy that is not trusted changes nothing.
    const spoofed = await app.inject({ url: '/metrics', headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(spoofed.headers['strict-transport-security'], undefined);

    const behindProxy = await build({ config: { logLevel: 'silent', trustedProxy: ['127.0.0.1'] } });
    const viaProxy = await behindProxy.inject({ url: '/metrics', headers: { 'x-forwarded-proto': 'https' } });
    assert.match(String(viaProxy.headers['strict-transport-security']), /^max-age=\d+/);
    assert.match(String(viaProxy.headers['content-security-policy']), /;upgrade-insecure-requests$/);
    const plainViaProxy = await behindProxy.inject('/metrics');
    assert.equal(plainViaProxy.headers['strict-transport-security'], undefined);

    const httpsOrigin = await build({
      config: { logLevel: 'silent', publicOrigin: 'https://tend.example.nhs.uk' },
    });
    for (const url of ['/metrics', '/api/v1/metrics', '/nowhere', '/organisations/%FF']) {
      const response = await httpsOrigin.inject(url);
      assert.match(String(response.headers['strict-transport-security']), /^max-age=\d+/, url);
      assert.match(String(response.headers['content-security-policy']), /upgrade-insecure-requests/, url);
    }
  });

  it('leaves health checks and static files out of the rate limit', async () => {
    const limited = await build({ rateLimitPerMinute: 3 });
    for (let attempt = 0; attempt < 8; attempt++)
      for (const url of [
        '/health',
        '/health/ready',
        '/static/tend.css',
        '/assets/nhsuk-frontend.min.css',
        '/nhsuk-assets/images/favicon.ico',
      ]) {
        const response = await limited.inject(url);
        assert.equal(response.statusCode, 200, `${url}, attempt ${attempt + 1}`);
      }
    const statuses = [];
    for (let attempt = 0; attempt < 4; attempt++)
      statuses.push((await limited.inject('/api/v1/metrics')).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const refused = await limited.inject('/api/v1/metrics');
    assert.equal(refused.json().error.code, 'RATE_LIMITED');
    assertSecurityHeaders(refused, 'rate limited');
  });

  it('counts each client behind a trusted proxy separately, and trusts no proxy unless configured', async () => {
    const fromClient = (address: string) => ({
      url: '/api/v1/metrics',
      headers: { 'x-forwarded-for': address },
    });
    const trusting = await build({
      rateLimitPerMinute: 2,
      config: { logLevel: 'silent', trustedProxy: ['127.0.0.0/8'] },
    });
    const first = [];
    for (let attempt = 0; attempt < 3; attempt++)
      first.push((await trusting.inject(fromClient('10.1.1.1'))).statusCode);
    assert.deepEqual(first, [200, 200, 429]);
    assert.equal(
      (await trusting.inject(fromClient('10.2.2.2'))).statusCode,
      200,
      'another client has its own budget',
    );

    const untrusting = await build({ rateLimitPerMinute: 2 });
    const spoofed = [];
    for (const address of ['10.1.1.1', '10.2.2.2', '10.3.3.3'])
      spoofed.push((await untrusting.inject(fromClient(address))).statusCode);
    assert.deepEqual(spoofed, [200, 200, 429], 'X-Forwarded-For from an untrusted peer is ignored');
  });

  it('says whether it is ready: 503 with the reason while warming up, then 200', async () => {
    let reason: string | undefined = 'Preparing the home page.';
    const warming = await build({ notReadyBecause: () => reason });
    const early = await warming.inject('/health/ready');
    assert.equal(early.statusCode, 503);
    assert.deepEqual(early.json(), { status: 'warming up', reason: 'Preparing the home page.' });
    const alive = await warming.inject('/health');
    assert.equal(alive.statusCode, 200, 'alive while warming up');
    assert.equal((await warming.inject('/metrics')).statusCode, 200, 'and serving');
    reason = undefined;
    const ready = await warming.inject('/health/ready');
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready', store: testBackend });
  });
});
