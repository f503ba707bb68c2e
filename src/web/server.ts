import type { FastifyInstance } from 'fastify';
import { cachedAssessment, nofQuarters, warmAssessments } from '../app/assessment-cache.ts';
import type { FollowUpScheduler } from '../app/follow-ups/scheduler.ts';
import { type Mailer, mailerFor } from '../app/mail/mailer.ts';
import { firstOrganisationWithData, metricIdsWithData } from '../app/metric-across.ts';
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

/** The header warm-up's own requests carry, so that they do not count as visitors' requests. */
const warmUpHeader = 'x-tend-warm-up';

/**
 * Visitors' requests in flight (`RequestActivity`), so that warm-up can give way to them: each of
 * its steps waits until no visitor's request is being answered. On the embedded store every query
 * runs on one connection, so a step started while a visitor waits would put the visitor behind it.
 */
export interface RequestActivity {
  /** Resolves once no visitor's request is in flight (at once when none is). */
  quiet(): Promise<void>;
}

/** Counts visitors' requests in flight on `app` (`trackRequestActivity`): every request but warm-up's own. */
export function trackRequestActivity(app: FastifyInstance): RequestActivity {
  let active = 0;
  let waiters: (() => void)[] = [];
  const counted = new WeakSet<object>();
  const finished = (request: { raw: object }) => {
    if (!counted.delete(request.raw)) return;
    active--;
    if (active > 0) return;
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };
  app.addHook('onRequest', async (request) => {
    if (request.headers[warmUpHeader]) return;
    counted.add(request.raw);
    active++;
  });
  app.addHook('onResponse', async (request) => finished(request));
  app.addHook('onRequestAbort', async (request) => finished(request));
  return {
    quiet: () => (active === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}

/**
 * What is prepared before the server says it is ready, so that no page's first visit computes it:
 * every held quarter's Oversight Framework assessment first (the organisation pages, league tables
 * and the "what changed" page look trusts up in them), then the home page's view, then one page of
 * every type rendered once, so that each template is compiled and each code path run
 * before a visitor asks. Each step is small — one quarter, one metric, one page — and waits until no
 * visitor's request is in flight (`activity`), so that a visitor who arrives during warm-up waits for
 * at most the step already running, never for the whole store to be prepared.
 */
export async function warmUpPages(
  app: FastifyInstance,
  activity: RequestActivity = { quiet: async () => {} },
): Promise<void> {
  const db = app.store.db;
  const step = async <T>(work: () => Promise<T>): Promise<T> => {
    // The embedded database answers on this thread and settles its promises without a turn of the
    // event loop, so a chain of steps would never let a waiting connection be read: give it a turn.
    await new Promise((resolve) => setImmediate(resolve));
    await activity.quiet();
    return work();
  };
  const quarters = await step(() => nofQuarters(db));
  for (const quarter of quarters) {
    const framework = frameworkIdForQuarter(quarter);
    if (framework) await step(() => cachedAssessment(db, { framework, quarter }));
  }
  // Not every metric charted for every organisation: at national practice scale that held the whole
  // store in memory (over 1 GB at a tenth of national). The home, system and region pages read the kept
  // signal episodes; a metric is charted across organisations when a page first asks for it.
  const metricIds = await step(() => metricIdsWithData(db));
  await step(() => presentHome(db));
  await step(() => warmAssessments(db));
  const quarter = quarters[0];
  const framework = quarter && frameworkIdForQuarter(quarter);
  const trust = framework
    ? (await step(() => cachedAssessment(db, { framework, quarter }))).details[0]?.code
    : undefined;
  const anyMetric = metricIds[0];
  // Without an assessed trust (a store of GP practices, say), any organisation holding the first metric.
  const organisation =
    trust ?? (anyMetric ? await step(() => firstOrganisationWithData(db, anyMetric)) : undefined);
  const metric = trust ? (await step(() => organisationScorecard(db, trust)))[0]?.metric.id : anyMetric;
  const icb = (await step(() => listSystems(db)))[0]?.code;
  const region = (await step(() => listRegions(db)))[0]?.code;
  const pages = [
    '/',
    '/organisations',
    '/organisations?search=nhs',
    '/metrics',
    '/league-tables',
    '/systems',
    '/regions',
    '/changes',
    organisation && `/organisations/${encodeURIComponent(organisation)}`,
    organisation &&
      metric &&
      `/organisations/${encodeURIComponent(organisation)}/metrics/${encodeURIComponent(metric)}`,
    anyMetric && `/metrics/${encodeURIComponent(anyMetric)}`,
    icb && `/systems/${encodeURIComponent(icb)}`,
    region && `/regions/${encodeURIComponent(region)}`,
  ];
  for (const url of pages)
    if (url) await step(() => app.inject({ method: 'GET', url, headers: { [warmUpHeader]: '1' } }));
}

/**
 * Serves Tend's web application on the configured host and port, or on `options.listener` when
 * the port is already bound (`tend serve` binds it before Tend has loaded; requests wait there
 * meanwhile). Once serving, it warms up in the background (`warmUpPages`), and `/health/ready`
 * answers 503 until that is done. Requests that arrive meanwhile are served, computing what they need. `demo` shows
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
  let activity: RequestActivity;
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
    activity = trackRequestActivity(app);
    await app.ready();
  } catch (error) {
    await listener.close(0);
    throw error;
  }
  listener.serve(app.routing);
  app.log.info({ address: listener.address }, 'listening');
  const started = performance.now();
  const warmedUp = (options.warmUp ?? (() => warmUpPages(app, activity)))().then(
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
