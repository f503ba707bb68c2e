import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import view from '@fastify/view';
import Fastify, { type FastifyInstance } from 'fastify';
import nunjucks from 'nunjucks';
import { retryAfterOf } from '../app/accounts/sign-in.ts';
import { systemClock } from '../app/context.ts';
import type { Config, OidcProviderSettings } from '../config/config.ts';
import { AppError, isAppError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { readStoreVersion } from '../store/repos/version-repo.ts';
import { sortKeys } from './data-table.ts';
import { type FieldError, fieldMessage } from './forms.ts';
import { keptTableRenderer } from './kept-tables.ts';
import { holdsNul } from './page-input.ts';
import { registerAuth } from './plugins/auth.ts';
import { committedStoreVersion, sendKeptPage } from './render.ts';
import { outsideRateLimit, routedMethods, urlProblem } from './request-guards.ts';
import { registerAccountPages } from './routes/account/routes.ts';
import { registerSingleSignOn } from './routes/account/single-sign-on.ts';
import { registerApiRoutes } from './routes/api.ts';
import { registerApiDocsRoutes } from './routes/api-docs.ts';
import { registerPageRoutes } from './routes/pages.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const nhsukFrontendRoot = path.dirname(require.resolve('nhsuk-frontend/package.json'));
const { version } = require('../../package.json') as { version: string };

/** Routes the OpenAPI description covers: the JSON API and the health check. */
const documented = (url: string) =>
  url === '/health' || url === '/health/ready' || url.startsWith('/api/v1/');

export interface AppDependencies {
  store: Store;
  config: Pick<Config, 'logLevel'> &
    Partial<Pick<Config, 'sessionSecret' | 'secureCookies' | 'publicOrigin' | 'trustedProxy'>>;
  /** Sign-in attempts per client address per minute before 429 (default 10). */
  signInPerMinute?: number;
  /** Shows the demo banner on every page. */
  demo?: boolean;
  /** The time (tests set it); defaults to the system clock. */
  clock?: () => Date;
  /** How long a session lasts, in seconds (default 12 hours); a test that moves the clock weeks on lengthens it. */
  sessionSeconds?: number;
  /** Requests per minute per client before 429 (default 600). */
  rateLimitPerMinute?: number;
  /** Single sign-on providers offered on the sign-in page (default: none); needs `config.publicOrigin`. */
  oidcProviders?: readonly OidcProviderSettings[];
  /** Why the server is not ready yet (still warming up), or undefined once it is; `/health/ready` answers with it. */
  notReadyBecause?: () => string | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    /** Every route registered (method and URL pattern), in registration order. */
    routeList: readonly { method: string; url: string }[];
  }
}

/**
 * Builds Tend's web application — pages on the NHS.UK design system and the JSON API — without
 * listening, so tests can `inject()` requests. `src/web/server.ts` listens.
 */
export async function buildApp(dependencies: AppDependencies): Promise<FastifyInstance> {
  // An address that cannot be decoded is routed as a harmless one and refused once the security
  // headers are set (below), so it is answered in Tend's shape rather than the router's.
  const unreadable = new WeakMap<IncomingMessage, string>();
  const trustedProxy = dependencies.config.trustedProxy ?? [];
  const app = Fastify({
    logger: dependencies.config.logLevel === 'silent' ? false : { level: dependencies.config.logLevel },
    trustProxy: trustedProxy.length ? [...trustedProxy] : false,
    routerOptions: { maxParamLength: 1000 },
    rewriteUrl: (raw) => {
      const url = raw.url ?? '/';
      const problem = urlProblem(url);
      if (!problem) return url;
      unreadable.set(raw, problem);
      // Kept under /api/ or /health when it was there, so the error handler answers in JSON.
      return url.startsWith('/api/')
        ? '/api/v1/unreadable-address'
        : url.startsWith('/health')
          ? '/health/unreadable-address'
          : '/unreadable-address';
    },
  });
  // Every route, as registered: the route × role tests walk this list so that no route escapes them.
  const routes: { method: string; url: string }[] = [];
  app.decorate('routeList', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  app.decorate('store', dependencies.store);
  // No parameter may carry a NUL: it can only be an attack or a mistake, and it must never reach SQL.
  app.addHook('preValidation', async (request) => {
    if (holdsNul(request.query) || holdsNul(request.params))
      throw new AppError('BAD_REQUEST', 'The address holds a NUL character, which Tend does not accept.', {
        details: ['query: contains a NUL character'],
      });
  });
  app.decorate('clock', dependencies.clock ?? systemClock);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        // Added per request below, only over HTTPS: on plain HTTP it would send browsers to an https:// that is not there.
        upgradeInsecureRequests: null,
      },
    },
    hsts: false,
  });
  // After helmet's hooks, so every answer below carries the security headers.
  const servedOverHttps = dependencies.config.publicOrigin?.startsWith('https:') ?? false;
  app.addHook('onRequest', async (request, reply) => {
    if (servedOverHttps || request.protocol === 'https') {
      reply.raw.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
      const policy = reply.raw.getHeader('content-security-policy');
      if (typeof policy === 'string')
        reply.raw.setHeader('content-security-policy', `${policy};upgrade-insecure-requests`);
    }
    const problem = unreadable.get(request.raw);
    if (problem) throw new AppError('BAD_REQUEST', problem, { details: ['url: cannot be decoded'] });
    if (request.is404) {
      const path = request.url.split('?')[0];
      const allowed = routedMethods.filter(
        (method) => method !== request.method && app.findRoute({ method, url: path }) !== null,
      );
      if (allowed.length) {
        reply.header('allow', allowed.join(', '));
        throw new AppError(
          'METHOD_NOT_ALLOWED',
          `${path} does not take ${request.method}; it takes ${allowed.join(', ')}.`,
        );
      }
    }
  });
  await app.register(rateLimit, {
    max: dependencies.rateLimitPerMinute ?? 600,
    timeWindow: '1 minute',
    allowList: (request) => outsideRateLimit(request.url),
  });
  await app.register(formbody);
  await registerAuth(app, {
    sessionSecret: dependencies.config.sessionSecret ?? crypto.randomBytes(32).toString('base64url'),
    secureCookies: dependencies.config.secureCookies ?? false,
    ...(dependencies.sessionSeconds ? { sessionSeconds: dependencies.sessionSeconds } : {}),
  });
  // An anonymous page already rendered for the store as it is now is sent before its route runs.
  app.addHook('preHandler', async (request, reply) => {
    if (await sendKeptPage(request, reply)) return reply;
  });
  await app.register(fastifyStatic, {
    root: path.join(nhsukFrontendRoot, 'dist', 'nhsuk'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
  });
  // nhsuk-frontend's stylesheet asks for its icons under /assets/images/.
  await app.register(fastifyStatic, {
    root: path.join(nhsukFrontendRoot, 'dist', 'nhsuk', 'assets', 'images'),
    prefix: '/assets/images/',
    decorateReply: false,
    index: false,
  });
  await app.register(fastifyStatic, {
    root: path.join(nhsukFrontendRoot, 'dist', 'nhsuk', 'assets'),
    prefix: '/nhsuk-assets/',
    decorateReply: false,
    index: false,
  });
  await app.register(fastifyStatic, {
    root: path.join(here, 'public'),
    prefix: '/static/',
    decorateReply: false,
    index: false,
  });

  await app.register(view, {
    engine: { nunjucks },
    templates: [path.join(here, 'views'), path.join(nhsukFrontendRoot, 'dist')],
    options: {
      autoescape: true,
      trimBlocks: true,
      lstripBlocks: true,
      onConfigure: (environment: nunjucks.Environment) => {
        environment.addGlobal('sortKeys', sortKeys);
        environment.addGlobal('keptTable', keptTableRenderer(environment));
        environment.addGlobal('demoMode', dependencies.demo ?? false);
        environment.addFilter('tendErrorList', (errors: FieldError[]) =>
          errors.map((error) => ({ text: fieldMessage(error), href: `#${error.field}` })),
        );
        environment.addFilter('fieldMessage', fieldMessage);
      },
    },
  });

  app.setErrorHandler(async (error, request, reply) => {
    const appError = isAppError(error) ? error : undefined;
    const validation = (error as { validation?: unknown }).validation;
    const status =
      appError?.status ?? (validation ? 400 : ((error as { statusCode?: number }).statusCode ?? 500));
    if (status >= 500) request.log.error(error);
    const code =
      appError?.code ??
      (status === 400
        ? 'BAD_REQUEST'
        : status === 429
          ? 'RATE_LIMITED'
          : status === 403
            ? 'FORBIDDEN'
            : 'INTERNAL');
    const message =
      status >= 500 && !appError
        ? 'Something went wrong in Tend. The error has been logged.'
        : (error as Error).message;
    const retryAfter = appError?.code === 'SIGN_IN_LOCKED' ? retryAfterOf(appError) : undefined;
    if (retryAfter)
      reply.header(
        'retry-after',
        Math.max(1, Math.ceil((retryAfter.getTime() - app.clock().getTime()) / 1000)),
      );
    if (
      request.url.startsWith('/api/') ||
      request.url.startsWith('/health') ||
      request.headers.authorization !== undefined
    )
      return reply.status(status).send({ error: { code, message, details: appError?.details ?? [] } });
    if (status === 401 && request.method === 'GET')
      return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(request.url)}`, 303);
    const headings: Record<number, string> = {
      401: 'You need to sign in',
      403: 'You do not have permission to do this',
      404: 'Page not found',
    };
    return reply.status(status).view('pages/error.njk', {
      pageName: headings[status] ?? 'Sorry, there is a problem',
      heading: headings[status] ?? 'Sorry, there is a problem with the service',
      message,
      actor: request.actor,
    });
  });
  app.setNotFoundHandler(async (request, reply) => {
    const message = `Nothing lives at ${request.url}. Try the home page, or the API under /api/v1.`;
    if (request.url.startsWith('/api/'))
      return reply.status(404).send({ error: { code: 'NOT_FOUND', message, details: [] } });
    return reply
      .status(404)
      .view('pages/error.njk', { pageName: 'Page not found', heading: 'Page not found', message });
  });

  // Registered before any route, so it sees every one; only the JSON API and /health are described.
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tend API',
        version,
        description:
          'NHS performance data: organisations, metrics, observations and Oversight Framework assessments. Errors come back as {"error": {"code", "message", "details"}}.',
      },
      tags: [{ name: 'api', description: 'The versioned JSON API' }],
    },
    transform: ({ schema, url }) => {
      if (!documented(url)) return { schema: { ...schema, hide: true }, url };
      const { docResponses, ...rest } = (schema ?? {}) as Record<string, unknown> & {
        docResponses?: Record<string, unknown>;
      };
      return { schema: docResponses ? { ...rest, response: docResponses } : rest, url };
    },
  });

  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness, and which store is in use',
        tags: ['api'],
        docResponses: {
          200: {
            description: 'The service is up and its store answers',
            type: 'object',
            properties: { status: { type: 'string' }, store: { type: 'string' } },
          },
        },
      } as Record<string, unknown>,
    },
    async () => {
      await readStoreVersion(dependencies.store.db);
      return { status: 'ok', store: dependencies.store.kind };
    },
  );
  app.get(
    '/health/ready',
    {
      schema: {
        summary: 'Readiness: whether the server has finished warming up',
        tags: ['api'],
        docResponses: {
          200: {
            description: 'Ready: warmed up, and its store answers',
            type: 'object',
            properties: { status: { type: 'string' }, store: { type: 'string' } },
          },
          503: {
            description:
              'Still warming up (requests are served meanwhile, more slowly); the reason says what remains',
            type: 'object',
            properties: { status: { type: 'string' }, reason: { type: 'string' } },
          },
        },
      } as Record<string, unknown>,
    },
    async (_request, reply) => {
      const reason = dependencies.notReadyBecause?.();
      if (reason) return reply.status(503).send({ status: 'warming up', reason });
      await committedStoreVersion(dependencies.store);
      return { status: 'ready', store: dependencies.store.kind };
    },
  );
  await app.register(registerApiRoutes, { prefix: '/api/v1' });
  await app.register(registerApiDocsRoutes, { prefix: '/api/docs' });
  const oidcProviders = dependencies.oidcProviders ?? [];
  if (oidcProviders.length && !dependencies.config.publicOrigin)
    throw new AppError('CONFIG_INVALID', 'Single sign-on needs the public origin people reach Tend at.');
  await app.register(registerAccountPages, {
    signInPerMinute: dependencies.signInPerMinute,
    providers: oidcProviders.map((provider) => ({ id: provider.id, label: provider.label })),
  });
  if (oidcProviders.length)
    await app.register(registerSingleSignOn, {
      providers: oidcProviders,
      publicOrigin: dependencies.config.publicOrigin as string,
    });
  await app.register(registerPageRoutes);
  return app;
}

export { AppError };
