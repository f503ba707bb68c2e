import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { loadUserActor } from '../../../app/accounts/actor.ts';
import { signInWithPassword } from '../../../app/accounts/sign-in.ts';
import { auditedWrite } from '../../../app/context.ts';
import { roleLabels } from '../../../domain/people.ts';
import { AppError } from '../../../errors.ts';
import { deleteUserSessions } from '../../../store/repos/session-repo.ts';
import { errorsByField, type FieldError, fieldErrorsFrom, parseForm, safeReturnPath } from '../../forms.ts';
import { startSignedInSession } from '../../plugins/auth.ts';
import { personalContext } from '../../render.ts';

export interface AccountRouteOptions {
  /** Sign-in attempts allowed per client address per minute before 429 (default 10). */
  signInPerMinute?: number;
  /** Single sign-on providers offered on the sign-in page: id and label. */
  providers?: readonly { id: string; label: string }[];
}

const signInForm = z.object({
  email: z
    .string({ error: 'Enter your email address' })
    .trim()
    .min(1, 'Enter your email address')
    .max(320, 'Email address must be 320 characters or fewer'),
  password: z
    .string({ error: 'Enter your password' })
    .min(1, 'Enter your password')
    .max(1024, 'Password must be 1,024 characters or fewer'),
  returnTo: z.string().optional(),
});

function showSignIn(
  _request: FastifyRequest,
  reply: FastifyReply,
  options: AccountRouteOptions,
  view: { errors?: FieldError[]; email?: string; returnTo?: string; status?: number },
) {
  const errors = view.errors ?? [];
  return reply
    .status(view.status ?? (errors.length ? 422 : 200))
    .header('cache-control', 'private, no-store')
    .view('pages/account/sign-in.njk', {
      pageName: errors.length ? 'Error: Sign in' : 'Sign in',
      errors,
      fieldErrors: errorsByField(errors),
      email: view.email ?? '',
      returnTo: safeReturnPath(view.returnTo),
      providers: options.providers ?? [],
      csrfToken: reply.generateCsrf(),
      signedIn: null,
    });
}

/** Sign in with email and password, sign out, sign out everywhere, and the signed-in person's account page. */
export async function registerAccountPages(
  app: FastifyInstance,
  options: AccountRouteOptions,
): Promise<void> {
  await app.register(async (scoped) => {
    await scoped.register(rateLimit, {
      global: false,
      max: options.signInPerMinute ?? 10,
      timeWindow: '1 minute',
      errorResponseBuilder: (_request, context) =>
        new AppError(
          'SIGN_IN_LOCKED',
          `Too many sign-in attempts from this address. Try again in ${Math.ceil(context.ttl / 1000)} seconds.`,
          { details: [`retryAfter: ${new Date(app.clock().getTime() + context.ttl).toISOString()}`] },
        ),
    });

    scoped.get<{ Querystring: { returnTo?: string } }>('/sign-in', async (request, reply) => {
      if (request.actor.kind === 'user')
        return reply.redirect(
          safeReturnPath(request.query.returnTo) === '/'
            ? '/account'
            : safeReturnPath(request.query.returnTo),
          303,
        );
      return showSignIn(request, reply, options, { returnTo: request.query.returnTo });
    });

    scoped.post(
      '/sign-in',
      { config: { rateLimit: { max: options.signInPerMinute ?? 10, timeWindow: '1 minute' } } },
      async (request, reply) => {
        const form = parseForm(signInForm, request.body);
        const body = (request.body ?? {}) as Record<string, unknown>;
        const email = typeof body.email === 'string' ? body.email.slice(0, 320) : '';
        const returnTo = typeof body.returnTo === 'string' ? body.returnTo : undefined;
        if (!form.ok) return showSignIn(request, reply, options, { errors: form.errors, email, returnTo });
        let userId: number;
        try {
          ({ userId } = await signInWithPassword(request.useCase(), {
            email: form.data.email,
            password: form.data.password,
            address: request.ip,
          }));
        } catch (error) {
          const errors = fieldErrorsFrom(error);
          if (!errors) throw error;
          if ((error as AppError).code === 'SIGN_IN_LOCKED') {
            const retry = (error as AppError).details.find((detail) => detail.startsWith('retryAfter: '));
            if (retry)
              reply.header(
                'retry-after',
                Math.max(1, Math.ceil((new Date(retry.slice(12)).getTime() - app.clock().getTime()) / 1000)),
              );
            return showSignIn(request, reply, options, { errors, email, returnTo, status: 429 });
          }
          return showSignIn(request, reply, options, {
            errors: errors.map((each) => ({ ...each, field: 'email' })),
            email,
            returnTo,
            status: 401,
          });
        }
        const actor = await loadUserActor(app.store.db, userId, app.clock(), 'session');
        if (actor?.kind !== 'user')
          throw new AppError('SIGN_IN_FAILED', 'The email address or password is not right.');
        await startSignedInSession(request, actor);
        return reply.redirect(
          safeReturnPath(form.data.returnTo) === '/' ? '/account' : safeReturnPath(form.data.returnTo),
          303,
        );
      },
    );
  });

  app.post('/sign-out', async (request, reply) => {
    const actor = request.actor;
    if (actor.kind === 'user')
      await auditedWrite(request.useCase(), {}, async () => ({
        result: undefined,
        audit: { action: 'user.sign_out', entityType: 'user', entityId: actor.userId, orgCode: null },
      }));
    await request.session.destroy();
    return reply.redirect('/', 303);
  });

  app.post('/sign-out-everywhere', async (request, reply) => {
    const actor = request.actor;
    if (actor.kind !== 'user')
      throw new AppError('UNAUTHENTICATED', 'Sign in to sign out of your other sessions.');
    await auditedWrite(request.useCase(), {}, async (trx) => {
      const ended = await deleteUserSessions(trx, actor.userId);
      return {
        result: undefined,
        audit: {
          action: 'user.sign_out_everywhere',
          entityType: 'user',
          entityId: actor.userId,
          orgCode: null,
          after: { sessionsEnded: ended },
        },
      };
    });
    await request.session.destroy();
    return reply.redirect('/', 303);
  });

  app.get('/account', async (request, reply) => {
    const actor = request.actor;
    if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', 'Sign in to see your account.');
    return reply.view('pages/account/show.njk', {
      pageName: 'Your account',
      ...personalContext(request, reply),
      user: { name: actor.name, email: actor.email },
      roles: actor.grants.map((grant) => ({
        role: roleLabels[grant.role],
        scope: grant.scopeKind === 'england' ? 'England' : grant.scopeKind === 'none' ? '—' : grant.scopeCode,
        scopeHref: grant.scopeCode
          ? grant.scopeKind === 'system'
            ? `/systems/${grant.scopeCode}`
            : `/organisations/${grant.scopeCode}`
          : null,
        from: grant.validFrom,
        until: grant.validTo ?? 'open-ended',
      })),
    });
  });
}
