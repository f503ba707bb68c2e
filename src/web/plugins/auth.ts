import crypto from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import session from '@fastify/session';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loadSession, loadUserActor } from '../../app/accounts/actor.ts';
import { actorForToken } from '../../app/accounts/tokens.ts';
import type { UseCaseContext } from '../../app/context.ts';
import { AppError } from '../../errors.ts';
import { type Actor, anonymous } from '../../policies/actor.ts';
import { deleteSession, saveSession } from '../../store/repos/session-repo.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking: filled for every request before its handler runs. */
    actor: Actor;
    /** The use-case context for this request: the store, the actor and the clock. */
    useCase(): UseCaseContext;
  }
  interface FastifyInstance {
    clock: () => Date;
  }
  interface Session {
    userId?: number;
    /** The grants the session was issued for; a change of role issues a new session id. */
    rolesStamp?: string;
    _csrf?: string;
  }
}

export interface AuthOptions {
  /** Signs session cookies (32 characters or more). */
  sessionSecret: string;
  /** Send cookies with `Secure` and the `__Host-` prefix (everything but plain-HTTP localhost). */
  secureCookies: boolean;
  /** How long a session lasts, in seconds (default 12 hours: a working day). */
  sessionSeconds?: number;
}

const methodsThatWrite = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A stamp of the grants an actor holds, so a role change can be noticed on the next request. */
export function rolesStamp(actor: Actor): string {
  if (actor.kind !== 'user') return '';
  const grants = actor.grants
    .map((grant) => `${grant.role}|${grant.scopeKind}|${grant.scopeCode}|${grant.validFrom}|${grant.validTo}`)
    .sort();
  return crypto.createHash('sha256').update(grants.join('\n')).digest('base64url').slice(0, 16);
}

/** The cookie name: `__Host-` prefixed whenever cookies are Secure (the prefix requires it). */
export function sessionCookieName(secureCookies: boolean): string {
  return secureCookies ? '__Host-tend_session' : 'tend_session';
}

/**
 * Sign-in state for every request: server-side sessions in PostgreSQL (`@fastify/session` over the
 * `web_session` table; the cookie holds only the signed id — HttpOnly, SameSite=Lax, Secure and
 * `__Host-` prefixed except on plain-HTTP localhost), bearer API tokens, CSRF protection on every
 * form and cookie-authenticated write (`@fastify/csrf-protection`, checked after the body is parsed),
 * and `request.actor`. Signed-in responses are `Cache-Control: private, no-store`.
 */
export async function registerAuth(app: FastifyInstance, options: AuthOptions): Promise<void> {
  const db = app.store.db;
  const clock = app.clock;
  const lifetime = (options.sessionSeconds ?? 12 * 3600) * 1000;

  /**
   * The actor each session read found, by session id, from the session store's read to this request's
   * pre-handler (which removes it). A request whose entry is missing (another request with the same
   * session took it) reads the actor again.
   */
  const sessionActors = new Map<string, { userId: unknown; actor: Actor | undefined }>();
  const maxSessionActors = 10_000;

  await app.register(cookie);
  await app.register(session, {
    secret: options.sessionSecret,
    cookieName: sessionCookieName(options.secureCookies),
    saveUninitialized: false,
    rolling: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.secureCookies, path: '/', maxAge: lifetime },
    store: {
      get(sid, callback) {
        // The session, its user and their grants in one read; the pre-handler below takes the actor.
        loadSession(db, sid, clock()).then(
          (found) => {
            if (sessionActors.size >= maxSessionActors) sessionActors.clear();
            if (found) sessionActors.set(sid, { userId: found.data.userId, actor: found.actor });
            else sessionActors.delete(sid);
            callback(null, (found?.data ?? null) as never);
          },
          (error) => callback(error),
        );
      },
      set(sid, data, callback) {
        const now = clock();
        const expires = data.cookie?.expires
          ? new Date(data.cookie.expires)
          : new Date(now.getTime() + lifetime);
        saveSession(db, {
          sid,
          userId: typeof data.userId === 'number' ? data.userId : null,
          data: JSON.parse(JSON.stringify(data)) as Record<string, unknown>,
          expiresAt: expires,
          now,
        }).then(() => callback(), callback);
      },
      destroy(sid, callback) {
        deleteSession(db, sid).then(() => callback(), callback);
      },
    },
  });
  await app.register(csrf, { sessionPlugin: '@fastify/session' });

  app.decorateRequest('actor', null as never);
  app.decorateRequest('useCase', function (this: FastifyRequest): UseCaseContext {
    return { db, actor: this.actor, clock };
  });

  app.addHook('preHandler', async (request, reply) => {
    request.actor = anonymous;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      const actor = match ? await actorForToken(db, match[1], clock()) : undefined;
      if (!actor)
        throw new AppError(
          'UNAUTHENTICATED',
          'The API token is missing, malformed, revoked, or its account is disabled.',
        );
      request.actor = actor;
      return;
    }
    const userId = request.session?.userId;
    if (typeof userId === 'number') {
      const sid = request.session.sessionId;
      const read = sessionActors.get(sid);
      sessionActors.delete(sid);
      const actor =
        read && read.userId === userId ? read.actor : await loadUserActor(db, userId, clock(), 'session');
      if (!actor) {
        await request.session.destroy();
      } else {
        const stamp = rolesStamp(actor);
        if (request.session.rolesStamp !== stamp) {
          // A role changed since the session was issued: a new session id, as at sign-in.
          await request.session.regenerate(['userId']);
          request.session.rolesStamp = stamp;
        }
        request.actor = actor;
      }
    }
    // Forms always carry a token (the sign-in form too, against login CSRF). An API call is checked
    // when a cookie signs someone in; with no one signed in it goes on, to be answered 401.
    const apiWithoutSession = request.url.startsWith('/api/') && request.actor.kind === 'anonymous';
    if (methodsThatWrite.has(request.method) && !apiWithoutSession) await checkCsrf(app, request, reply);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.actor?.kind === 'user' || request.session?.userId !== undefined || request.session?._csrf) {
      reply.header('cache-control', 'private, no-store');
      reply.header('vary', 'Cookie, Authorization');
    }
    return payload;
  });
}

function checkCsrf(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  return new Promise((resolve, reject) => {
    const originalSend = reply.send.bind(reply);
    // csrfProtection answers a failure by sending an error; turn that into Tend's error instead.
    reply.send = ((value: unknown) => {
      reply.send = originalSend;
      if (value instanceof Error) {
        reject(
          new AppError(
            'FORBIDDEN',
            'This form has expired or did not come from Tend. Go back, reload the page and try again.',
            { details: ['_csrf: missing or invalid'] },
          ),
        );
        return reply;
      }
      return originalSend(value);
    }) as typeof reply.send;
    app.csrfProtection(request, reply, () => {
      reply.send = originalSend;
      resolve();
    });
  });
}

/** Signs a person in on this request's session: a new session id, then the user id and roles stamp. */
export async function startSignedInSession(
  request: FastifyRequest,
  actor: Actor & { kind: 'user' },
): Promise<void> {
  await request.session.regenerate();
  request.session.userId = actor.userId;
  request.session.rolesStamp = rolesStamp(actor);
}
