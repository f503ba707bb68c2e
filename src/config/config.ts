import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors.ts';

/** How a provider's claims name a person's roles: NHS CIS2 Authentication or Microsoft Entra ID. */
export const oidcClaimStyles = ['cis2', 'entra'] as const;
export type OidcClaimStyle = (typeof oidcClaimStyles)[number];

/** Algorithms a `private_key_jwt` client assertion can be signed with. */
export const clientAssertionAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256'] as const;
export type ClientAssertionAlgorithm = (typeof clientAssertionAlgorithms)[number];

/** One OpenID Connect provider people can sign in with. */
export interface OidcProviderSettings {
  /** Short id, in addresses (`/sign-in/cis2`), role mappings and grants (`granted_by = 'sso:cis2'`). */
  readonly id: string;
  /** Shown on the sign-in button: "Sign in with NHS CIS2 Authentication". */
  readonly label: string;
  /** Issuer identifier; its `/.well-known/openid-configuration` describes the provider. */
  readonly issuer: string;
  readonly clientId: string;
  /** Client authentication at the token endpoint: a client secret, or a signed JWT (`private_key_jwt`). */
  readonly clientAuth:
    | { readonly kind: 'client_secret'; readonly secret: string }
    | {
        readonly kind: 'private_key_jwt';
        readonly privateKeyFile: string;
        readonly keyId: string;
        readonly algorithm: ClientAssertionAlgorithm;
      };
  readonly scopes: readonly string[];
  /** How roles are read from the claims. */
  readonly claims: OidcClaimStyle;
  /** Entra: the claim holding the person's organisation (ODS code); unset: `extension_ods_code`, else `ods_code`. */
  readonly organisationClaim?: string;
}

/** Tend's runtime configuration, validated once at start and then frozen. */
export interface Config {
  /** PostgreSQL connection string; when absent Tend uses its embedded PGlite database. */
  readonly databaseUrl: string | undefined;
  /** Folder for the embedded database, or `memory://` for an in-memory one. */
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Signs session cookies; unset means a random secret per start (sessions end at restart). */
  readonly sessionSecret: string | undefined;
  /** The address people reach Tend at (`https://tend.example.nhs.uk`; default `http://HOST:PORT`); decides Secure cookies and sign-in redirects. */
  readonly publicOrigin: string;
  /** Whether cookies are sent `Secure` with the `__Host-` prefix: always, except plain-HTTP localhost. */
  readonly secureCookies: boolean;
  /** Single sign-on providers, in the order given by `TEND_OIDC_PROVIDERS`. */
  readonly oidcProviders: readonly OidcProviderSettings[];
  /** Proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed: addresses or CIDR ranges (none by default). */
  readonly trustedProxy: readonly string[];
  /** Requests a minute from one client address before 429; health checks and static assets are not counted. */
  readonly rateLimitPerMinute: number;
  /** The Chromium that prints review packs to PDF. */
  readonly chromiumPath: string;
  /** Where follow-up emails go out (`smtp://user:pass@host:port`, `smtps://` for TLS); unset: the inbox only. */
  readonly smtpUrl: string | undefined;
  /** The From address of Tend's emails. */
  readonly mailFrom: string;
}

const environmentSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  TEND_DATA_DIR: z.string().trim().min(1, 'must not be empty').optional(),
  HOST: z.string().trim().min(1).optional(),
  PORT: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  TEND_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TEND_PUBLIC_ORIGIN: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' })
    .transform((value) => new URL(value).origin)
    .optional(),
  TEND_TRUSTED_PROXY: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((each) => each.trim())
        .filter(Boolean),
    )
    .check((context) => {
      for (const entry of context.value)
        if (!isProxyAddress(entry))
          context.issues.push({
            code: 'custom',
            input: context.value,
            message: `"${entry}" is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal`,
          });
    })
    .optional(),
  CHROMIUM_PATH: z.string().trim().min(1, 'must be the path of the Chromium executable').optional(),
  TEND_RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .optional(),
  SMTP_URL: z
    .string()
    .trim()
    .regex(/^smtps?:\/\/[^/\s]+/, 'must start with smtp:// or smtps:// and name a host')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  TEND_MAIL_FROM: z.email('must be an email address').optional(),
});

/** Names proxy-addr (Fastify's `trustProxy`) knows for whole address ranges. */
const namedProxyRanges = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IP address, a CIDR range of one (`10.0.0.0/8`, `fd00::/8`), or a named range. */
function isProxyAddress(entry: string): boolean {
  if (namedProxyRanges.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = net.isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const loopback = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export type Environment = Record<string, string | undefined>;

/**
 * Reads Tend's settings from environment variables (and optional overrides from CLI flags),
 * validates all of them and reports every problem at once.
 *
 * | variable | default |
 * |---|---|
 * | DATABASE_URL | unset: embedded PGlite |
 * | TEND_DATA_DIR | `.tend/pgdata` under the working directory |
 * | HOST | 127.0.0.1 |
 * | PORT | 3000 |
 * | LOG_LEVEL | info |
 * | TEND_SESSION_SECRET | random per start |
 * | TEND_PUBLIC_ORIGIN | unset: http://HOST:PORT |
 * | TEND_OIDC_PROVIDERS | none (see `readOidcProviders`) |
 * | TEND_TRUSTED_PROXY | none: `X-Forwarded-*` headers are ignored |
 * | TEND_RATE_LIMIT_PER_MINUTE | 600 |
 * | CHROMIUM_PATH | /usr/bin/chromium |
 * | SMTP_URL | unset: follow-ups go to the inbox only |
 * | TEND_MAIL_FROM | tend@localhost |
 */
export function loadConfig(
  environment: Environment,
  overrides: Partial<Record<keyof z.input<typeof environmentSchema>, string>> = {},
  cwd = process.cwd(),
): Config {
  const merged: Record<string, string | undefined> = {};
  for (const key of Object.keys(environmentSchema.shape)) {
    merged[key] = overrides[key as keyof typeof overrides] ?? environment[key];
  }
  const parsed = environmentSchema.safeParse(merged);
  const oidc = readOidcProviders(environment, cwd);
  if (parsed.success && oidc.providers.length && !parsed.data.TEND_PUBLIC_ORIGIN) {
    const host = parsed.data.HOST ?? '127.0.0.1';
    if (!loopback.has(host))
      oidc.problems.push(
        'TEND_PUBLIC_ORIGIN: must be set when single sign-on is configured and HOST is not a loopback address (providers redirect people back to it)',
      );
  }
  if (!parsed.success || oidc.problems.length) {
    const problems = [
      ...(parsed.success
        ? []
        : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)),
      ...oidc.problems,
    ];
    throw new AppError(
      'CONFIG_INVALID',
      `Tend's configuration has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`,
      {
        details: problems,
      },
    );
  }
  const values = parsed.data;
  const dataDir = values.TEND_DATA_DIR ?? path.join(cwd, '.tend', 'pgdata');
  const host = values.HOST ?? '127.0.0.1';
  const origin = values.TEND_PUBLIC_ORIGIN ? new URL(values.TEND_PUBLIC_ORIGIN) : undefined;
  const plainLocalhost = origin
    ? origin.protocol === 'http:' && loopback.has(origin.hostname)
    : loopback.has(host);
  const port = values.PORT ?? 3000;
  return Object.freeze({
    databaseUrl: values.DATABASE_URL,
    dataDir: dataDir === 'memory://' ? dataDir : path.resolve(cwd, dataDir),
    host,
    port,
    logLevel: values.LOG_LEVEL ?? 'info',
    sessionSecret: values.TEND_SESSION_SECRET,
    publicOrigin: values.TEND_PUBLIC_ORIGIN ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    secureCookies: !plainLocalhost,
    oidcProviders: Object.freeze(oidc.providers),
    trustedProxy: Object.freeze(values.TEND_TRUSTED_PROXY ?? []),
    rateLimitPerMinute: values.TEND_RATE_LIMIT_PER_MINUTE ?? 600,
    chromiumPath: values.CHROMIUM_PATH ?? '/usr/bin/chromium',
    smtpUrl: values.SMTP_URL,
    mailFrom: values.TEND_MAIL_FROM ?? 'tend@localhost',
  });
}

const providerIdPattern = /^[a-z][a-z0-9]{0,19}$/;
const defaultLabels: Record<OidcClaimStyle, string> = {
  cis2: 'NHS CIS2 Authentication',
  entra: 'Microsoft Entra ID',
};
const defaultScopes: Record<OidcClaimStyle, string> = {
  cis2: 'openid profile email nationalrbacaccess',
  entra: 'openid profile email',
};

/**
 * Reads the single sign-on providers: for each id in `TEND_OIDC_PROVIDERS` (comma list, e.g.
 * `cis2,entra`), `TEND_OIDC_<ID>_ISSUER` (https://, or http:// on a loopback address),
 * `_CLIENT_ID`, and either `_CLIENT_SECRET` or `_PRIVATE_KEY_FILE` with `_KEY_ID` (and optional
 * `_KEY_ALG`, default RS256 for an RSA key, ES256 for an EC key); optional `_LABEL`, `_SCOPES`
 * (space-separated, must include `openid`), `_CLAIMS` (`cis2` or `entra`; defaults to the id when
 * it is one of those) and, for Entra, `_ORG_CLAIM`. Returns every problem rather than throwing.
 */
export function readOidcProviders(
  environment: Environment,
  cwd = process.cwd(),
): { providers: OidcProviderSettings[]; problems: string[] } {
  const problems: string[] = [];
  const providers: OidcProviderSettings[] = [];
  const list = (environment.TEND_OIDC_PROVIDERS ?? '').trim();
  if (!list) return { providers, problems };
  const ids = list.split(',').map((each) => each.trim().toLowerCase());
  const seen = new Set<string>();
  for (const id of ids) {
    if (!providerIdPattern.test(id)) {
      problems.push(
        `TEND_OIDC_PROVIDERS: "${id}" is not a provider id (a lower-case letter, then up to 19 letters or digits)`,
      );
      continue;
    }
    if (seen.has(id)) {
      problems.push(`TEND_OIDC_PROVIDERS: ${id} is listed twice`);
      continue;
    }
    seen.add(id);
    const prefix = `TEND_OIDC_${id.toUpperCase()}_`;
    const read = (name: string) => {
      const value = environment[`${prefix}${name}`]?.trim();
      return value ? value : undefined;
    };
    const before = problems.length;
    const problem = (name: string, message: string) => problems.push(`${prefix}${name}: ${message}`);

    const issuer = read('ISSUER');
    const issuerIssue = issuer ? issuerProblem(issuer) : 'must be set (the provider’s issuer address)';
    if (issuerIssue) problem('ISSUER', issuerIssue);

    const clientId = read('CLIENT_ID');
    if (!clientId) problem('CLIENT_ID', 'must be set');

    const claimsValue =
      read('CLAIMS')?.toLowerCase() ?? (oidcClaimStyles.includes(id as never) ? id : undefined);
    const claims = oidcClaimStyles.find((style) => style === claimsValue);
    if (!claims)
      problem(
        'CLAIMS',
        claimsValue ? 'must be cis2 or entra' : 'must be set to cis2 or entra (how roles are read)',
      );

    const secret = environment[`${prefix}CLIENT_SECRET`];
    const keyFile = read('PRIVATE_KEY_FILE');
    const keyId = read('KEY_ID');
    const keyAlg = read('KEY_ALG')?.toUpperCase();
    let clientAuth: OidcProviderSettings['clientAuth'] | undefined;
    if (secret && keyFile) problem('CLIENT_SECRET', `set either this or ${prefix}PRIVATE_KEY_FILE, not both`);
    else if (secret) clientAuth = { kind: 'client_secret', secret };
    else if (keyFile) {
      const file = path.resolve(cwd, keyFile);
      const key = privateKeyIn(file);
      if (typeof key === 'string') problem('PRIVATE_KEY_FILE', key);
      if (!keyId)
        problem('KEY_ID', `must be set with ${prefix}PRIVATE_KEY_FILE (the key id the provider knows)`);
      const algorithm = keyAlg
        ? clientAssertionAlgorithms.find((each) => each === keyAlg)
        : typeof key === 'object' && key.asymmetricKeyType === 'ec'
          ? 'ES256'
          : 'RS256';
      if (!algorithm) problem('KEY_ALG', `must be one of ${clientAssertionAlgorithms.join(', ')}`);
      else if (typeof key === 'object' && (key.asymmetricKeyType === 'ec') !== (algorithm === 'ES256'))
        problem(
          'KEY_ALG',
          `${algorithm} does not suit the ${key.asymmetricKeyType?.toUpperCase()} key in ${file}`,
        );
      if (typeof key === 'object' && keyId && algorithm)
        clientAuth = { kind: 'private_key_jwt', privateKeyFile: file, keyId, algorithm };
    } else problem('CLIENT_SECRET', `set this or ${prefix}PRIVATE_KEY_FILE with ${prefix}KEY_ID`);

    const scopes = (read('SCOPES') ?? (claims ? defaultScopes[claims] : 'openid'))
      .split(/[\s,]+/)
      .filter(Boolean);
    if (!scopes.includes('openid')) problem('SCOPES', 'must include openid');

    if (problems.length > before || !issuer || !clientId || !claims || !clientAuth) continue;
    const organisationClaim = read('ORG_CLAIM');
    providers.push(
      Object.freeze({
        id,
        label: read('LABEL') ?? defaultLabels[claims],
        issuer,
        clientId,
        clientAuth: Object.freeze(clientAuth),
        scopes: Object.freeze(scopes),
        claims,
        ...(organisationClaim ? { organisationClaim } : {}),
      }),
    );
  }
  return { providers, problems };
}

/** Why an issuer address will not do, or undefined: https://, or http:// on a loopback address only. */
function issuerProblem(issuer: string): string | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'must be an https:// address';
  }
  if (url.search || url.hash) return 'must not have a query or fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && loopback.has(url.hostname)) return undefined;
  return 'must be an https:// address (http:// only on localhost)';
}

/** The private key in a PEM file, or why it cannot be used. */
function privateKeyIn(file: string): crypto.KeyObject | string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return `cannot read ${file}`;
  }
  try {
    const key = crypto.createPrivateKey(text);
    if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec')
      return `${file} holds a ${key.asymmetricKeyType} key; Tend signs with RSA or EC P-256 keys`;
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
      return `${file} holds an EC key on a curve other than P-256`;
    return key;
  } catch {
    return `${file} does not hold a PEM private key`;
  }
}
