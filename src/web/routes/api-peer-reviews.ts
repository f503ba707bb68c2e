import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authorise, type UseCaseContext } from '../../app/context.ts';
import {
  getPeerReview,
  listReadablePeerReviews,
  type PeerReviewDetail,
} from '../../app/peer-reviews/read.ts';
import {
  addPeerTeamMember,
  answerPeerInvitation,
  confirmOnSiteDays,
  createPeerReview,
  publishPeerReviewReport,
  publishProgressReview,
  recordPeerFinding,
} from '../../app/peer-reviews/write.ts';
import {
  peerFindingKinds,
  peerReviewFocuses,
  peerReviewThemes,
  peerTeamRoles,
} from '../../domain/peer-review.ts';
import { AppError } from '../../errors.ts';
import type { PeerReviewWithHost } from '../../store/repos/peer-review-repo.ts';
import { docResponses, routeSchema } from './api.ts';
import { peerReviewPath } from './peer-reviews/present.ts';

/**
 * The peer reviews API, under the same policy as the pages: the published reviews and the caller's
 * own; one review with the sections the caller may read (everyone else reads only what the host made
 * public, once published); and every stage's write — start a review (the host's contributors and
 * administrators), add to the team, answer an invitation (the invited peer), confirm the on-site
 * days, record a finding (a peer who accepted), publish the report and action plan, publish the
 * progress review. Every field problem is listed at once. Writing is authenticated by the session
 * cookie (with `x-csrf-token`) or `Authorization: Bearer <token>`.
 */

const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a peer review id')
    .describe('Peer review id'),
});

const date = (what: string) => z.string().max(20).describe(`${what}, YYYY-MM-DD`);

const createBody = z.object({
  org: z.string().max(20).describe('The host organisation’s ODS code'),
  title: z.string().max(1_000).describe('Title, 1 to 200 characters'),
  focus: z
    .enum(peerReviewFocuses)
    .describe('culture (culture, relationships and integrity) or service (the 15 Steps themes)'),
  questions: z.string().max(12_000).describe('The questions the host wants answered, one a line'),
  scopingBy: date('Scoping done by'),
  onSiteFrom: date('First on-site day'),
  onSiteTo: date('Last on-site day'),
  reportDue: date('Report due (within three months after the on-site days; that by default)').optional(),
});

const teamBody = z.object({
  name: z.string().max(1_000).describe('The person’s name'),
  role: z.enum(peerTeamRoles).describe('Their role on the team'),
  email: z
    .string()
    .max(320)
    .optional()
    .describe(
      'The email of their Tend account: they are invited and accept. Omit for a person without an account',
    ),
  memberOrg: z.string().max(20).optional().describe('The ODS code of the organisation they come from'),
});

const invitationBody = z.object({
  decision: z.enum(['accept', 'decline']).describe('Join the team, or not'),
});

const onSiteBody = z.object({
  onSiteFrom: date('First on-site day').optional(),
  onSiteTo: date('Last on-site day').optional(),
  reportDue: date('Report due').optional(),
});

const findingBody = z.object({
  theme: z.enum(peerReviewThemes).describe('One of the review’s themes'),
  kind: z.enum(peerFindingKinds).describe('A finding or a recommendation'),
  body: z.string().max(12_000).describe('The text, 1 to 10,000 characters'),
});

const reportBody = z.object({
  summary: z.string().max(12_000).describe('The report’s summary'),
  publicReport: z.boolean().optional().describe('Make the summary, findings and recommendations public'),
  publicActionPlan: z.boolean().optional().describe('Make the action plan public'),
  publicProgress: z.boolean().optional().describe('Make the progress review public once published'),
  progressDue: date('Progress review due (ten months on by default)').optional(),
  actions: z
    .array(
      z.object({
        description: z.string().max(4_000),
        owner: z.string().max(400).describe('A Tend user’s email address, or a name'),
        dueOn: date('Due on'),
      }),
    )
    .max(20)
    .describe('The agreed actions; each gets a follow-up asked of its owner on its due date'),
});

const progressBody = z.object({
  progress: z.string().max(12_000).describe('What has changed since the report'),
  publicProgress: z.boolean().optional().describe('Make it public'),
});

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

/**
 * The body as sent: the schemas above describe it for the API's documentation, and the use case
 * checks it — after it has checked who is asking, so that nobody learns of a review they may not
 * read from a field problem — listing every field problem at once (`sentBody`).
 */
function sentBody(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

function reviewId(params: unknown): number {
  const parsed = idParams.safeParse(params);
  if (!parsed.success)
    throw new AppError('NOT_FOUND', 'There is no peer review with that id that you can read.');
  return Number(parsed.data.id);
}

function summaryJson(row: PeerReviewWithHost) {
  return {
    id: row.id,
    url: peerReviewPath(row.id),
    title: row.title,
    focus: row.focus,
    stage: row.stage,
    host: { code: row.host_org_code, name: row.host_name },
    isExample: row.is_example,
  };
}

function detailJson(detail: PeerReviewDetail) {
  const { review } = detail;
  return {
    ...summaryJson(review),
    dates: {
      scopingBy: review.scoping_by,
      onSiteFrom: review.on_site_from,
      onSiteTo: review.on_site_to,
      reportDue: review.report_due,
      reportPublishedOn: review.report_published_on,
      progressDue: review.progress_due,
      progressPublishedOn: review.progress_published_on,
    },
    public: {
      report: review.public_report,
      actionPlan: review.public_action_plan,
      progress: review.public_progress,
    },
    questions: detail.sections.questions ? review.questions.split('\n').filter((line) => line.trim()) : null,
    team: detail.team.map((member) => ({
      role: member.role,
      name: detail.may.wholeReview ? member.name : null,
      org: member.org_code,
      state: member.state,
    })),
    report: detail.sections.report
      ? {
          summary: review.report_summary,
          findings: detail.findings.map((finding) => ({
            theme: finding.theme,
            kind: finding.kind,
            body: finding.body,
            createdAt: finding.created_at.toISOString(),
          })),
        }
      : null,
    actionPlan: detail.sections.actionPlan
      ? detail.actions.map((action) => ({
          description: action.description,
          owner: action.owner_name,
          dueOn: action.due_on,
          followUp:
            detail.may.wholeReview && action.follow_up_id ? `/follow-ups/${action.follow_up_id}` : null,
        }))
      : null,
    progress: detail.sections.progress ? review.progress_summary : null,
    permissions: detail.may,
  };
}

const unseen = 'No peer review with that id that you can read';

function writeResponses(description: string, status: 200 | 201) {
  const { 200: _ok, ...rest } = docResponses('', {
    401: 'No one is signed in',
    403: 'You may not do this for this peer review',
    404: unseen,
    409: 'The review is not at a stage where this can be done',
    422: 'Field problems, each in `details` as `field: problem`',
  });
  return { [status]: { description, type: 'object' }, ...rest };
}

type Step = [
  string,
  string,
  string,
  z.ZodType,
  (context: UseCaseContext, id: number, body: Record<string, unknown>) => Promise<unknown>,
];

const steps: Step[] = [
  [
    'team',
    'Add someone to the peer team',
    'The host’s contributors and administrators add a Tend user of another organisation (invited; they accept) or a named person without an account, such as the patient or lay member.',
    teamBody,
    addPeerTeamMember,
  ],
  [
    'invitation',
    'Answer an invitation',
    'The invited peer accepts or declines.',
    invitationBody,
    answerPeerInvitation,
  ],
  [
    'on-site',
    'Confirm the on-site days',
    'The host confirms the on-site days; the team needs at least one patient or lay member first. The report is due within three months after them.',
    onSiteBody,
    confirmOnSiteDays,
  ],
  [
    'findings',
    'Record a finding or recommendation',
    'A peer who accepted records a finding or recommendation on one of the review’s themes, from the on-site days until the report is published.',
    findingBody,
    recordPeerFinding,
  ],
  [
    'report',
    'Publish the report and action plan',
    'The host publishes the report, chooses what is public, and agrees the action plan; each action gets a follow-up asked of its owner on its due date.',
    reportBody,
    publishPeerReviewReport,
  ],
  [
    'progress',
    'Publish the progress review',
    'The host publishes the progress review, about ten months after the report.',
    progressBody,
    publishProgressReview,
  ],
];

export async function registerPeerReviewApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/peer-reviews',
    {
      schema: routeSchema({
        summary: 'Peer reviews',
        description:
          'The published peer reviews, and — signed in — the caller’s own under way (of their organisations, or with them on the team).',
        ok: 'The reviews, as `published` and `yours`',
      }),
    },
    async (request) => {
      const lists = await listReadablePeerReviews(request.useCase());
      return { published: lists.published.map(summaryJson), yours: lists.yours.map(summaryJson) };
    },
  );

  app.post(
    '/peer-reviews',
    {
      attachValidation: true,
      schema: {
        ...routeSchema({ summary: 'Start a peer review', ok: '' }),
        description:
          'The host’s contributors and administrators start a peer review at its scoping stage: the questions, and the stage dates. Every field problem is listed at once.',
        body: jsonSchema(createBody),
        docResponses: writeResponses('The review, as `peerReview`', 201),
      },
    },
    async (request, reply) => {
      const context = request.useCase();
      authorise(context, context.actor.kind !== 'anonymous', 'start a peer review');
      const row = await createPeerReview(context, sentBody(request.body));
      const detail = await getPeerReview(context, row.id);
      return reply.status(201).send({ peerReview: detailJson(detail) });
    },
  );

  app.get(
    '/peer-reviews/:id',
    {
      schema: routeSchema({
        summary: 'One peer review',
        description:
          'A peer review with its stage dates, the team by role, and the sections the caller may read: the host’s people and the peer team read everything; everyone else only what the host made public, once the report is published.',
        params: idParams,
        ok: 'The review, as `peerReview`',
        notFound: unseen,
      }),
    },
    async (request) => ({
      peerReview: detailJson(await getPeerReview(request.useCase(), reviewId(request.params))),
    }),
  );

  for (const [path, summary, description, body, write] of steps) {
    app.post(
      `/peer-reviews/:id/${path}`,
      {
        attachValidation: true,
        schema: {
          ...routeSchema({ summary, params: idParams, ok: '' }),
          description: `${description} Every field problem is listed at once.`,
          body: jsonSchema(body),
          docResponses: writeResponses('The review, as `peerReview`', 200),
        },
      },
      async (request) => {
        const context = request.useCase();
        authorise(context, context.actor.kind !== 'anonymous', 'change a peer review');
        const id = reviewId(request.params);
        await write(context, id, sentBody(request.body));
        return { peerReview: detailJson(await getPeerReview(context, id)) };
      },
    );
  }
}
