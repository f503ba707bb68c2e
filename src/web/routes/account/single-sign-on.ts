import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { loadUserActor } from '../../../app/accounts/actor.ts';
import { signInWithSingleSignOn } from '../../../app/accounts/single-sign-on.ts';
import type { OidcProviderSettings } from '../../../config/config.ts';
import { AppError, isAppError } from '../../../errors.ts';
import { safeReturnPath } from '../../forms.ts';
import { startSignedInSession } from '../../plugins/auth.ts';
import { type OidcClient, oidcClient, type PendingSignIn } from './oidc-client.ts';

declare module 'fastify' {
  interface Session {
    /** A single sign-on waiting for the provider's answer. */
    oidc?: PendingSignIn;
  }
}

export interface SingleSignOnOptions {
  readonly providers: readonly OidcProviderSettings[];
  /** The address people reach Tend at; the providers send people back to `<origin>/sign-in/<id>/callback`. */
  readonly publicOrigin: string;
}

/** How long a started sign-in waits for the provider's answer. */
const pendingMinutes = 10;

const startQuery = z.object({ returnTo: z.string().optional() });
const callbackQuery = z.object({
  state: z.string().optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(500).optional(),
});

const headings = {
  SIGN_IN_REFUSED: 'Tend cannot sign you in',
  SIGN_IN_INTERRUPTED: 'Your sign-in did not finish',
  SIGN_IN_UNAVAILABLE: 'Sign-in is not available just now',
} as const;

/** A message split on `backticks` so commands show as code. */
function messageParts(message: string): { text: string; code: boolean }[] {
  return message
    .split('`')
    .map((text, index) => ({ text, code: index % 2 === 1 }))
    .filter((part) => part.text !== '');
}

function showProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  provider: OidcProviderSettings,
  error: AppError,
) {
  const code = error.code as keyof typeof headings;
  request.log.warn(
    { provider: provider.id, code, message: error.message, cause: error.cause },
    'single sign-on refused',
  );
  return reply
    .status(error.status)
    .header('cache-control', 'private, no-store')
    .view('pages/account/sign-in-problem.njk', {
      pageName: headings[code],
      heading: headings[code],
      code: error.code,
      provider: { id: provider.id, label: provider.label },
      parts: messageParts(error.message),
      signedIn: null,
    });
}

/**
 * NHS single sign-on over OpenID Connect (registerSingleSignOn): `GET /sign-in/:provider` sends the
 * browser to the provider with a new state, nonce and PKCE challenge kept in the server-side session;
 * `GET /sign-in/:provider/callback` checks the answer against them, exchanges the code, maps the
 * claims to Tend memberships, starts a new session and returns to the page the person came from.
 * Every failure is answered with a page saying what happened.
 */
export async function registerSingleSignOn(
  app: FastifyInstance,
  options: SingleSignOnOptions,
): Promise<void> {
  const clients = new Map<string, OidcClient>(
    options.providers.map((provider) => [provider.id, oidcClient(provider, options.publicOrigin)]),
  );
  const clientFor = (id: string): OidcClient => {
    const client = clients.get(id);
    if (!client) throw new AppError('NOT_FOUND', `Tend offers no single sign-on called ${id}.`);
    return client;
  };

  app.get<{ Params: { provider: string } }>('/sign-in/:provider', async (request, reply) => {
    const client = clientFor(request.params.provider);
    const query = startQuery.safeParse(request.query);
    const returnTo = safeReturnPath(query.success ? query.data.returnTo : undefined);
    try {
      const { url, pending } = await client.start(returnTo, app.clock());
      request.session.oidc = pending;
      return reply.header('cache-control', 'private, no-store').redirect(url, 303);
    } catch (error) {
      if (isAppError(error) && error.code in headings)
        return showProblem(request, reply, client.settings, error);
      throw error;
    }
  });

  app.get<{ Params: { provider: string } }>('/sign-in/:provider/callback', async (request, reply) => {
    const client = clientFor(request.params.provider);
    const { label } = client.settings;
    const query = callbackQuery.safeParse(request.query);
    const pending = request.session.oidc;
    if (pending) request.session.oidc = undefined;
    try {
      if (!query.success)
        throw new AppError('SIGN_IN_INTERRUPTED', `The answer from ${label} was not understood.`);
      if (query.data.error)
        throw new AppError(
          'SIGN_IN_INTERRUPTED',
          query.data.error === 'access_denied'
            ? `${label} did not sign you in: access was denied (access_denied${query.data.error_description ? `: ${query.data.error_description}` : ''}). If you cancelled, start again when you are ready.`
            : `${label} did not sign you in: it answered ${query.data.error}${query.data.error_description ? ` (${query.data.error_description})` : ''}.`,
        );
      if (!pending || pending.provider !== client.settings.id)
        throw new AppError(
          'SIGN_IN_INTERRUPTED',
          `No sign-in with ${label} was waiting in this browser (no PKCE verifier is kept for it): it was started in another browser, has already finished, or your session ended. Start again from the sign-in page.`,
        );
      if (app.clock().getTime() - pending.startedAt > pendingMinutes * 60_000)
        throw new AppError(
          'SIGN_IN_INTERRUPTED',
          `Your sign-in with ${label} took more than ${pendingMinutes} minutes, so it has expired. Start again from the sign-in page.`,
        );
      if (query.data.state !== pending.state)
        throw new AppError(
          'SIGN_IN_INTERRUPTED',
          `The answer from ${label} does not belong to the sign-in this browser started (its state does not match), so Tend did not use it. Start again from the sign-in page.`,
        );
      const search = new URL(request.raw.url ?? '', 'http://tend.invalid').search;
      const claims = await client.finish(search, pending);
      const { userId } = await signInWithSingleSignOn(request.useCase(), {
        provider: client.settings,
        claims,
        address: request.ip,
      });
      const actor = await loadUserActor(app.store.db, userId, app.clock(), 'session');
      if (actor?.kind !== 'user')
        throw new AppError(
          'SIGN_IN_REFUSED',
          'Your Tend account is disabled. Ask an administrator to enable it.',
        );
      await startSignedInSession(request, actor);
      const returnTo = safeReturnPath(pending.returnTo);
      return reply.redirect(returnTo === '/' ? '/account' : returnTo, 303);
    } catch (error) {
      if (isAppError(error) && error.code in headings)
        return showProblem(request, reply, client.settings, error);
      throw error;
    }
  });
}
