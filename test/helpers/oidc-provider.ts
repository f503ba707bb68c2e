import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Provider from 'oidc-provider';

/**
 * A real OpenID Connect provider (oidc-provider) for end-to-end sign-in tests, listening on
 * 127.0.0.1 over plain HTTP. It knows two clients — one authenticating with a client secret, one
 * with `private_key_jwt` — requires PKCE, and answers its login and consent interactions through a
 * small JSON-and-form API a test drives with `TestBrowser`. The accounts' claims can be changed
 * between sign-ins.
 */
export interface TestProvider {
  readonly issuer: string;
  /** Claims of each account by account id (the `sub`); change them to change the next sign-in. */
  readonly accounts: Map<string, Record<string, unknown>>;
  readonly secretClient: { readonly clientId: string; readonly secret: string };
  readonly jwtClient: { readonly clientId: string; readonly privateKeyFile: string; readonly keyId: string };
  close(): Promise<void>;
}

/** oidc-provider's storage, in memory (its own quick-start adapter warns on every start). */
class MemoryAdapter {
  static readonly rows = new Map<string, Record<string, unknown>>();
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
  key(id: string): string {
    return `${this.name}:${id}`;
  }
  async upsert(id: string, payload: Record<string, unknown>): Promise<void> {
    MemoryAdapter.rows.set(this.key(id), payload);
  }
  async find(id: string): Promise<Record<string, unknown> | undefined> {
    return MemoryAdapter.rows.get(this.key(id));
  }
  async findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
    return [...MemoryAdapter.rows.entries()].find(
      ([key, row]) => key.startsWith(`${this.name}:`) && row.uid === uid,
    )?.[1];
  }
  async findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined> {
    return [...MemoryAdapter.rows.entries()].find(
      ([key, row]) => key.startsWith(`${this.name}:`) && row.userCode === userCode,
    )?.[1];
  }
  async consume(id: string): Promise<void> {
    const row = MemoryAdapter.rows.get(this.key(id));
    if (row) row.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string): Promise<void> {
    MemoryAdapter.rows.delete(this.key(id));
  }
  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [key, row] of MemoryAdapter.rows) if (row.grantId === grantId) MemoryAdapter.rows.delete(key);
  }
}

/** A free TCP port on 127.0.0.1 (for a server whose address must be known before it is built). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts the provider; its clients accept `redirectUris`. */
export async function startTestProvider(redirectUris: readonly string[]): Promise<TestProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, Record<string, unknown>>();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-oidc-'));
  const clientKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyFile = path.join(folder, 'client-key.pem');
  fs.writeFileSync(privateKeyFile, clientKey.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const keyId = 'tend-test-key';
  const signingKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const secret = crypto.randomBytes(24).toString('base64url');

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'tend-secret',
        client_secret: secret,
        redirect_uris: [...redirectUris],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
      {
        client_id: 'tend-jwt',
        redirect_uris: [...redirectUris],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ ...clientKey.publicKey.export({ format: 'jwk' }), kid: keyId, use: 'sig' }] },
      },
    ],
    jwks: { keys: [{ ...signingKey.export({ format: 'jwk' }), kid: 'provider-key', use: 'sig' }] },
    cookies: { keys: [crypto.randomBytes(16).toString('hex')] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'roles', 'ods_code'],
      nationalrbacaccess: ['nhsid_nrbac_roles'],
    },
    scopes: ['openid', 'email', 'profile', 'nationalrbacaccess'],
    pkce: { required: () => true },
    adapter: MemoryAdapter,
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const claims = accounts.get(sub);
      if (!claims) return undefined;
      return { accountId: sub, claims: async () => ({ ...claims, sub }) };
    },
  });

  const callback = provider.callback();
  const server = http.createServer((request, response) => {
    const match = /^\/interaction\/([^/?]+)(?:\/(login|confirm|abort))?$/.exec(
      new URL(request.url ?? '/', issuer).pathname,
    );
    if (!match) return callback(request, response);
    interact(provider, request, response, match[2]).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    accounts,
    secretClient: { clientId: 'tend-secret', secret },
    jwtClient: { clientId: 'tend-jwt', privateKeyFile, keyId },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function formBody(request: http.IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of request) body += chunk;
  return new URLSearchParams(body);
}

/**
 * The provider's interaction API: `GET /interaction/:uid` answers `{ prompt }` (login or consent);
 * `POST …/login` with `login=<account id>` signs that account in; `POST …/confirm` grants every
 * scope and claim the client asked for; `POST …/abort` answers the client `access_denied`.
 */
async function interact(
  provider: Provider,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  action: string | undefined,
): Promise<void> {
  const details = await provider.interactionDetails(request, response);
  if (request.method === 'GET' && !action) {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ prompt: details.prompt.name }));
    return;
  }
  if (action === 'abort') {
    await provider.interactionFinished(
      request,
      response,
      { error: 'access_denied', error_description: 'End-User aborted interaction' },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  if (action === 'login') {
    const login = (await formBody(request)).get('login') ?? '';
    await provider.interactionFinished(
      request,
      response,
      { login: { accountId: login } },
      {
        mergeWithLastSubmission: false,
      },
    );
    return;
  }
  const accountId = details.session?.accountId as string;
  const clientId = details.params.client_id as string;
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  await provider.interactionFinished(
    request,
    response,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
}

/**
 * A browser for the sign-in tests: `fetch` with a cookie jar per host, redirects followed by hand
 * so a test can see and change each step.
 */
export class TestBrowser {
  readonly jar = new Map<string, Map<string, string>>();

  /** The cookie header this browser sends to `url`'s host. */
  cookieFor(url: string): string {
    const cookies = this.jar.get(new URL(url).host);
    return cookies ? [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') : '';
  }

  /** One request, no redirect followed; cookies sent and kept. */
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    const cookie = this.cookieFor(url);
    if (cookie) headers.cookie = cookie;
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
      redirect: 'manual',
    });
    const host = new URL(url).host;
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const equals = (pair as string).indexOf('=');
      const name = (pair as string).slice(0, equals).trim();
      const value = (pair as string).slice(equals + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key, setting] = attribute.trim().split('=');
        return (
          (key?.toLowerCase() === 'expires' && new Date(setting ?? '').getTime() < Date.now()) ||
          (key?.toLowerCase() === 'max-age' && Number(setting) <= 0)
        );
      });
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(host, cookies);
    return response;
  }

  /** Follows redirects from `url` until a response that is not one; stops early when `until(url)` says so. */
  async follow(
    url: string,
    until: (next: string) => boolean = () => false,
  ): Promise<{ url: string; response: Response }> {
    let current = url;
    for (let hops = 0; hops < 20; hops += 1) {
      const response = await this.request(current);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { url: current, response };
      await response.arrayBuffer();
      current = new URL(location, current).href;
      if (until(current)) return { url: current, response };
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/**
 * Signs in at the provider the way a person would, from Tend's `startUrl` (`/sign-in/<id>`): follows
 * the redirects to the provider, logs in as `account` and consents when asked (or aborts, when
 * `abort`), and stops at the address the provider sends the browser back to (Tend's callback),
 * without requesting it, so a test can look at it or change it first.
 */
export async function throughProvider(
  browser: TestBrowser,
  provider: TestProvider,
  startUrl: string,
  account: string,
  options: { abort?: boolean } = {},
): Promise<string> {
  const atProvider = (url: string) => url.startsWith(`${provider.issuer}/`);
  const next = async (response: Response, from: string, what: string) => {
    const location = response.headers.get('location');
    if (!location)
      throw new Error(`${what} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    await response.arrayBuffer().catch(() => undefined);
    return new URL(location, from).href;
  };
  let url = await next(await browser.request(startUrl), startUrl, startUrl);
  for (let steps = 0; steps < 12 && atProvider(url); steps += 1) {
    if (!/\/interaction\/[^/?]+$/.test(new URL(url).pathname)) {
      url = await next(await browser.request(url), url, url);
      continue;
    }
    const { prompt } = (await (await browser.request(url)).json()) as { prompt: string };
    const action = options.abort ? 'abort' : prompt === 'login' ? 'login' : 'confirm';
    const answer = await browser.request(`${url}/${action}`, {
      form: action === 'login' ? { login: account } : {},
    });
    url = await next(answer, url, `the provider's ${action}`);
  }
  if (atProvider(url)) throw new Error(`the sign-in stayed at the provider: ${url}`);
  return url;
}
