import type { Config } from '../config/config.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';
import { presentHome } from './routes/home/present.ts';

/**
 * Starts Tend's web server on the configured host and port; resolves with the address. Once it
 * listens, the home page's view is built in the background (it charts every metric for every
 * organisation, a few seconds on PGlite), so the first visitor does not wait for it. `demo` shows the
 * demo banner on every page (`tend demo`).
 */
export async function startServer(
  store: Store,
  config: Config,
  options: { demo?: boolean } = {},
): Promise<{ address: string; close: () => Promise<void> }> {
  const app = await buildApp({ store, config, oidcProviders: config.oidcProviders, demo: options.demo });
  const address = await app.listen({ host: config.host, port: config.port });
  const started = performance.now();
  presentHome(store.db).then(
    () => app.log.info({ ms: Math.round(performance.now() - started) }, 'home page prepared'),
    (error: unknown) => app.log.warn({ err: error }, 'could not prepare the home page in advance'),
  );
  return { address, close: () => app.close() };
}
