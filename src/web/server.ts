import type { Config } from '../config/config.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';

/** Starts Tend's web server on the configured host and port; resolves with the address. */
export async function startServer(
  store: Store,
  config: Config,
): Promise<{ address: string; close: () => Promise<void> }> {
  const app = await buildApp({ store, config });
  const address = await app.listen({ host: config.host, port: config.port });
  return { address, close: () => app.close() };
}
