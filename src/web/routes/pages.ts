import type { FastifyInstance } from 'fastify';
import { storeStatus } from '../../app/status.ts';
import { registerLeagueTablePages } from './league-tables/routes.ts';
import { registerMetricPages } from './metrics/routes.ts';
import { registerOrganisationPages } from './organisations/routes.ts';
import { registerSystemPages } from './systems/routes.ts';

/** Server-rendered pages on the NHS.UK design system. */
export async function registerPageRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', async (_request, reply) => {
    const status = await storeStatus(app.store.db);
    return reply.view('pages/home.njk', { status });
  });
  await app.register(registerOrganisationPages);
  await app.register(registerLeagueTablePages);
  await app.register(registerMetricPages);
  await app.register(registerSystemPages);
}
