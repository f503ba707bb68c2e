import crypto, { type webcrypto } from 'node:crypto';
import fs from 'node:fs/promises';
import * as oidc from 'openid-client';
import type { ClientAssertionAlgorithm, OidcProviderSettings } from '../../../config/config.ts';
import { AppError } from '../../../errors.ts';

/** A sign-in started in this browser, kept in its server-side session until the provider answers. */
export interface PendingSignIn {
  readonly provider: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly returnTo: string;
  /** Milliseconds since the epoch, for the ten-minute limit. */
  readonly startedAt: number;
}

/** The OpenID Connect relying party for one provider: authorisation code with PKCE (S256), state and nonce. */
export interface OidcClient {
  readonly settings: OidcProviderSettings;
  /** Where the provider sends people back: `<public origin>/sign-in/<id>/callback`. */
  readonly redirectUri: string;
  /** The provider's authorisation address for a new sign-in, and what the session keeps to finish it. */
  start(returnTo: string, now: Date): Promise<{ url: string; pending: PendingSignIn }>;
  /**
   * Exchanges the code in the callback's query for tokens (checking state, nonce and the PKCE
   * verifier) and returns the identity's claims: the ID token's, with the UserInfo answer's beside
   * them (CIS2 gives `nhsid_nrbac_roles` there).
   */
  finish(callbackSearch: string, pending: PendingSignIn): Promise<Record<string, unknown>>;
}

const webCryptoAlgorithms: Record<
  ClientAssertionAlgorithm,
  webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams
> = {
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  RS384: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' },
  RS512: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
  PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
};

async function clientAuthentication(settings: OidcProviderSettings): Promise<oidc.ClientAuth> {
  const auth = settings.clientAuth;
  if (auth.kind === 'client_secret') return oidc.ClientSecretPost(auth.secret);
  const pem = await fs.readFile(auth.privateKeyFile, 'utf8');
  const key = crypto.createPrivateKey(pem).toCryptoKey(webCryptoAlgorithms[auth.algorithm], false, ['sign']);
  return oidc.PrivateKeyJwt({ key, kid: auth.keyId });
}

/** Whether an error from the provider's side means it is not answering, rather than answering no. */
function notAnswering(error: unknown): boolean {
  if (error instanceof oidc.ResponseBodyError) return error.status >= 500;
  if (error instanceof TypeError && error.message === 'fetch failed') return true;
  const name = (error as { name?: string })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return true;
  const code = (error as { code?: string })?.code;
  return code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON';
}

function describe(error: unknown): string {
  if (error instanceof oidc.ResponseBodyError)
    return `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${message}${cause}`;
}

/**
 * The relying party for a provider (oidcClient). Its discovery document is fetched on first use
 * and kept; a failed discovery is tried again on the next sign-in. A plain-HTTP issuer (allowed by
 * the configuration on loopback addresses only) is reached over plain HTTP.
 */
export function oidcClient(settings: OidcProviderSettings, publicOrigin: string): OidcClient {
  const redirectUri = `${publicOrigin}/sign-in/${settings.id}/callback`;
  let configuration: Promise<oidc.Configuration> | undefined;

  function discovered(): Promise<oidc.Configuration> {
    configuration ??= (async () => {
      const insecure = new URL(settings.issuer).protocol === 'http:';
      return oidc.discovery(
        new URL(settings.issuer),
        settings.clientId,
        { redirect_uris: [redirectUri], response_types: ['code'] },
        await clientAuthentication(settings),
        { execute: insecure ? [oidc.allowInsecureRequests] : [], timeout: 10 },
      );
    })().catch((error: unknown) => {
      configuration = undefined;
      throw new AppError(
        'SIGN_IN_UNAVAILABLE',
        `${settings.label} is not answering, so you cannot sign in with it just now (${describe(error)}). Try again later, or sign in with a Tend account.`,
        { cause: error },
      );
    });
    return configuration;
  }

  return {
    settings,
    redirectUri,
    async start(returnTo, now) {
      const config = await discovered();
      const pending: PendingSignIn = {
        provider: settings.id,
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
        returnTo,
        startedAt: now.getTime(),
      };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: settings.scopes.join(' '),
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, pending };
    },
    async finish(callbackSearch, pending) {
      const config = await discovered();
      const currentUrl = new URL(redirectUri);
      currentUrl.search = callbackSearch;
      try {
        const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims() as Record<string, unknown>;
        const userInfo = config.serverMetadata().userinfo_endpoint
          ? await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub as string)
          : {};
        return { ...userInfo, ...idClaims };
      } catch (error) {
        if (notAnswering(error))
          throw new AppError(
            'SIGN_IN_UNAVAILABLE',
            `${settings.label} did not answer while finishing your sign-in (${describe(error)}). Try again later, or sign in with a Tend account.`,
            { cause: error },
          );
        throw new AppError(
          'SIGN_IN_INTERRUPTED',
          `${settings.label}’s answer could not be accepted (${describe(error)}). Start again from the sign-in page.`,
          { cause: error },
        );
      }
    },
  };
}
