import type { FastifyInstance } from 'fastify';
import { sendPage } from '../render.ts';
import { registerAnnotationPages } from './annotations/routes.ts';
import { registerAuditPages } from './audit/routes.ts';
import { registerBoardPages } from './boards/routes.ts';
import { registerCapabilityPages } from './capability/routes.ts';
import { registerChangesPages } from './changes/routes.ts';
import { registerCirclePages } from './circles/routes.ts';
import { registerDirectoryPages } from './directory/routes.ts';
import { registerEscalationPages } from './escalations/routes.ts';
import { registerFollowUpPages } from './follow-ups/routes.ts';
import { registerGroupPages } from './groups/routes.ts';
import { presentHome } from './home/present.ts';
import { registerInquiryPages } from './inquiries/routes.ts';
import { registerLeagueTablePages } from './league-tables/routes.ts';
import { registerListeningPages } from './listening/routes.ts';
import { registerMetricPages } from './metrics/routes.ts';
import { registerNarrativePages } from './narratives/routes.ts';
import { registerOrganisationPages } from './organisations/routes.ts';
import { registerPeerReviewPages } from './peer-reviews/routes.ts';
import { registerRegionPages } from './regions/routes.ts';
import { registerReviewPages } from './reviews/routes.ts';
import { registerRiskSharingPages } from './risk-sharing/routes.ts';
import { registerSignalPages } from './signals/routes.ts';
import { registerSystemPages } from './systems/routes.ts';
import { registerTeamPages } from './teams/routes.ts';

/** Server-rendered pages on the NHS.UK design system. */
export async function registerPageRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', async (request, reply) =>
    sendPage(request, reply, 'pages/home.njk', await presentHome(app.store.db)),
  );
  await app.register(registerOrganisationPages);
  await app.register(registerNarrativePages);
  await app.register(registerInquiryPages);
  await app.register(registerAnnotationPages);
  await app.register(registerLeagueTablePages);
  await app.register(registerMetricPages);
  await app.register(registerSystemPages);
  await app.register(registerRegionPages);
  await app.register(registerChangesPages);
  await app.register(registerDirectoryPages);
  await app.register(registerAuditPages);
  await app.register(registerTeamPages);
  await app.register(registerSignalPages);
  await app.register(registerReviewPages);
  await app.register(registerFollowUpPages);
  await app.register(registerEscalationPages);
  await app.register(registerBoardPages);
  await app.register(registerListeningPages);
  await app.register(registerCapabilityPages);
  await app.register(registerPeerReviewPages);
  await app.register(registerRiskSharingPages);
  await app.register(registerCirclePages);
  await app.register(registerGroupPages);
}
