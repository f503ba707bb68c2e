import type { Config } from '../config/config.ts';
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

const warmingUp = 'Preparing the home page: charting every metric for every organisation.';

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
  options: { demo?: boolean; listener?: Listener; warmUp?: () => Promise<unknown> } = {},
): Promise<RunningServer> {
  const listener = options.listener ?? (await listen(config.host, config.port));
  let notReady: string | undefined = warmingUp;
  let closing = false;
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp({
      store,
      config,
      oidcProviders: config.oidcProviders,
      demo: options.demo,
      rateLimitPerMinute: config.rateLimitPerMinute,
      notReadyBecause: () => notReady,
    });
    await app.ready();
  } catch (error) {
    await listener.close(0);
    throw error;
  }
  listener.serve(app.routing);
  app.log.info({ address: listener.address }, 'listening');
  const started = performance.now();
  const warmedUp = (options.warmUp ?? (() => presentHome(store.db)))().then(
    () => {
      notReady = undefined;
      app.log.info({ ms: Math.round(performance.now() - started) }, 'home page prepared; ready');
    },
    (error: unknown) => {
      notReady = undefined;
      if (!closing) app.log.warn({ err: error }, 'could not prepare the home page in advance');
    },
  );
  return {
    address: listener.address,
    warmedUp,
    async close(graceMs = defaultGraceMs) {
      closing = true;
      await listener.close(graceMs);
      await app.close();
    },
  };
}
