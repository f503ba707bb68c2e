import type { FastifyInstance } from 'fastify';
import { cachedAssessment, nofQuarters, warmAssessments } from '../app/assessment-cache.ts';
import type { FollowUpScheduler } from '../app/follow-ups/scheduler.ts';
import { type Mailer, mailerFor } from '../app/mail/mailer.ts';
import { metricIdsWithData } from '../app/metric-across.ts';
import { listRegions } from '../app/regions.ts';
import { setChromiumPath } from '../app/reviews/pack-pdf.ts';
import { organisationScorecard } from '../app/spc-view.ts';
import { listSystems } from '../app/systems.ts';
import type { Config } from '../config/config.ts';
import { frameworkIdForQuarter } from '../domain/quarter.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';
import { defaultGraceMs, type Listener, listen } from './listener.ts';
import { presentHome } from './routes/home/present.ts';

export interface RunningServer {
  /** Where it listens, `http://host:port`. */
  readonly address: string;
  /** Settles when warm-up has finished (or failed: pages then compute what they need on demand). */
  readonly warmedUp: Promise<void>;
  /**
   * Stops accepting connections, lets requests in flight finish (at most `graceMs`, default 10 s)
   * and closes the application. The caller closes the store afterwards.
   */
  close(graceMs?: number): Promise<void>;
}

const warmingUp =
  'Preparing the pages: charting every metric for every organisation and assessing every quarter held.';

/**
 * What is prepared before the server says it is ready, so that no page's first visit computes it:
 * the home page's view (every metric charted for every organisation, which the metric, system and
 * region pages share), every held quarter's Oversight Framework assessment (which the organisation
 * pages, league tables and the "what changed" page look trusts up in), and one page of every type
 * rendered once, so that each template is compiled and each code path run before a visitor asks.
 */
export async function warmUpPages(app: FastifyInstance): Promise<void> {
  const db = app.store.db;
  await presentHome(db);
  await warmAssessments(db);
  const quarter = (await nofQuarters(db))[0];
  const framework = quarter && frameworkIdForQuarter(quarter);
  const trust = framework ? (await cachedAssessment(db, { framework, quarter })).details[0]?.code : undefined;
  const metric = trust ? (await organisationScorecard(db, trust))[0]?.metric.id : undefined;
  const anyMetric = (await metricIdsWithData(db))[0];
  const icb = (await listSystems(db))[0]?.code;
  const region = (await listRegions(db))[0]?.code;
  const pages = [
    '/',
    '/organisations',
    '/organisations?search=nhs',
    '/metrics',
    '/league-tables',
    '/systems',
    '/regions',
    '/changes',
    trust && `/organisations/${encodeURIComponent(trust)}`,
    trust && metric && `/organisations/${encodeURIComponent(trust)}/metrics/${encodeURIComponent(metric)}`,
    anyMetric && `/metrics/${encodeURIComponent(anyMetric)}`,
    icb && `/systems/${encodeURIComponent(icb)}`,
    region && `/regions/${encodeURIComponent(region)}`,
  ];
  for (const url of pages) if (url) await app.inject({ method: 'GET', url });
}

/**
 * Serves Tend's web application on the configured host and port, or on `options.listener` when
 * the port is already bound (`tend serve` binds it before Tend has loaded; requests wait there
 * meanwhile). Once serving, it warms up in the background — the home page's view charts every
 * metric for every organisation, a few seconds on PGlite — and `/health/ready` answers 503 until
 * that is done. Requests that arrive meanwhile are served, computing what they need. `demo` shows
 * the demo banner on every page (`tend demo`); `warmUp` replaces what is prepared (tests).
 */
export async function startServer(
  store: Store,
  config: Config,
  options: {
    demo?: boolean;
    listener?: Listener;
    warmUp?: () => Promise<unknown>;
    /** The follow-up schedule's clock and mailer (tests); false: no schedule. Default: the system clock, `SMTP_URL`'s mailer. */
    followUps?: false | { clock?: () => Date; mailer?: Mailer };
  } = {},
): Promise<RunningServer> {
  const listener = options.listener ?? (await listen(config.host, config.port));
  let notReady: string | undefined = warmingUp;
  let closing = false;
  let app: Awaited<ReturnType<typeof buildApp>>;
  setChromiumPath(config.chromiumPath);
  try {
    app = await buildApp({
      store,
      config,
      oidcProviders: config.oidcProviders,
      demo: options.demo,
      rateLimitPerMinute: config.rateLimitPerMinute,
      notReadyBecause: () => notReady,
      ...(options.followUps ? { clock: options.followUps.clock } : {}),
    });
    await app.ready();
  } catch (error) {
    await listener.close(0);
    throw error;
  }
  listener.serve(app.routing);
  app.log.info({ address: listener.address }, 'listening');
  const started = performance.now();
  const warmedUp = (options.warmUp ?? (() => warmUpPages(app)))().then(
    () => {
      notReady = undefined;
      app.log.info({ ms: Math.round(performance.now() - started) }, 'pages prepared; ready');
    },
    (error: unknown) => {
      notReady = undefined;
      if (!closing) app.log.warn({ err: error }, 'could not prepare the home page in advance');
    },
  );
  const followUps =
    options.followUps === false ? undefined : startFollowUps(app, store, config, options.followUps);
  return {
    address: listener.address,
    warmedUp,
    async close(graceMs = defaultGraceMs) {
      closing = true;
      await listener.close(graceMs);
      await (await followUps)?.stop();
      await app.close();
    },
  };
}

/**
 * Starts the follow-up schedule in the background (`startFollowUps`): pg-boss on the store, a sweep
 * every minute and one at start (app/follow-ups/scheduler.ts, loaded here on first use). On a
 * PostgreSQL store it needs `DATABASE_URL`; a schedule that cannot start is logged, and the server
 * serves on without it.
 */
async function startFollowUps(
  app: Awaited<ReturnType<typeof buildApp>>,
  store: Store,
  config: Config,
  options: { clock?: () => Date; mailer?: Mailer } = {},
): Promise<FollowUpScheduler | undefined> {
  if (store.kind === 'postgres' && !config.databaseUrl) return undefined;
  try {
    const { startFollowUpScheduler } = await import('../app/follow-ups/scheduler.ts');
    return await startFollowUpScheduler(store, {
      mailer: options.mailer ?? mailerFor(config),
      databaseUrl: config.databaseUrl,
      clock: options.clock ?? app.clock,
      origin: config.publicOrigin,
      onError: (error) => app.log.warn({ err: error }, 'follow-up schedule'),
      onSweep: (result) => app.log.info({ asked: result.asked, emails: result.emails }, 'follow-ups asked'),
    });
  } catch (error) {
    app.log.warn({ err: error }, 'the follow-up schedule could not start; follow-ups are not being asked');
    return undefined;
  }
}
