import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authorise, type UseCaseContext } from '../../app/context.ts';
import { type AgreementDetail, getAgreement, listReadableAgreements } from '../../app/risk-sharing/read.ts';
import {
  addReviewDate,
  createAgreement,
  decideProposal,
  editAgreement,
  proposeRebalance,
  recordReviewHeld,
  setAgreementStatus,
} from '../../app/risk-sharing/write.ts';
import { proposalDecisions, sharingRules } from '../../domain/risk-sharing.ts';
import { AppError } from '../../errors.ts';
import type { AgreementWithIcb } from '../../store/repos/risk-sharing-repo.ts';
import { docResponses, routeSchema, validate } from './api.ts';
import { agreementPath } from './risk-sharing/present.ts';

/**
 * The risk-sharing API, under the same policy as the pages: an ICB's agreements (`?icb=`), one
 * agreement with its parties, review dates, and the proposals the caller may read with each named
 * party's decision; and every write — propose an agreement, change the draft, mark it agreed or
 * ended, add a review date or record one held, propose a rebalance, decide for a party. Agreed
 * agreements are public; drafts and open proposals are read by those involved. Every field problem
 * is listed at once. Writing is authenticated by the session cookie (with `x-csrf-token`) or
 * `Authorization: Bearer <token>`.
 */

const basePath = '/risk-sharing-agreements';

const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be an agreement id')
    .describe('Risk-sharing agreement id'),
});
const reviewParams = idParams.extend({
  reviewId: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a review id')
    .describe('Review date id'),
});
const proposalParams = idParams.extend({
  proposalId: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a proposal id')
    .describe('Proposal id'),
});

const listQuery = z.object({
  icb: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'must be an ODS code')
    .optional()
    .describe('Only the agreements of this integrated care board, e.g. QKS'),
});

const date = (what: string) => z.string().max(20).describe(`${what}, YYYY-MM-DD`);
const thousands = (what: string) =>
  z.union([z.number(), z.string().max(20)]).describe(`${what}, whole £ thousands`);

const agreementFields = {
  title: z.string().max(1_000).describe('Title, 1 to 200 characters'),
  baseline: z
    .string()
    .max(12_000)
    .describe('The baseline in words, such as "2026/27 system control total: £12.4m deficit"'),
  baselineThousands: thousands('The baseline as an amount (negative for a deficit)').optional(),
  rule: z.enum(sharingRules).describe('How the parties share a variance from the baseline'),
  ruleDescription: z.string().max(12_000).optional().describe('The rule in words; required for `described`'),
};

const createBody = z.object({
  icb: z.string().max(20).describe('The integrated care board’s ODS code'),
  ...agreementFields,
  parties: z
    .array(
      z.union([
        z.string().max(20),
        z.object({ org: z.string().max(20), share: z.string().max(600).optional() }),
      ]),
    )
    .max(41)
    .describe(
      'At least two of the ICB’s members: ODS codes, or `{ org, share }` with a share or basis in words',
    ),
});
const editBody = z.object(agreementFields);
const statusBody = z.object({
  status: z.enum(['agreed', 'ended']).describe('Mark a draft agreed, or an agreed one ended'),
});
const reviewBody = z.object({ dueOn: date('The review date') });
const heldBody = z.object({
  heldOn: date('The day the review was held'),
  notes: z.string().max(12_000).optional().describe('What the review found'),
});
const proposalBody = z.object({
  supporting: z.string().max(20).describe('The party giving support (ODS code)'),
  supported: z.string().max(20).describe('The party supported (ODS code)'),
  amount: thousands('How much'),
  why: z.string().max(12_000).describe('Why this support is proposed'),
  peerReview: z.number().int().optional().describe('A peer review to name as the learning partnership'),
  directoryEntry: z
    .number()
    .int()
    .optional()
    .describe('An improvement directory entry to name as the learning partnership'),
});
const decisionBody = z.object({
  decision: z.enum(proposalDecisions).describe('agree or disagree'),
  party: z
    .string()
    .max(20)
    .optional()
    .describe('The named party decided for, when the caller decides for both'),
  note: z.string().max(12_000).optional().describe('A note with the decision'),
});

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

/** The body as sent; the use case checks it after it has checked who is asking (`sentBody`). */
function sentBody(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

function pathNumber(value: unknown, what: string): number {
  if (typeof value === 'string' && /^[1-9]\d{0,8}$/.test(value)) return Number(value);
  throw new AppError('NOT_FOUND', `There is no ${what} with that id that you can read.`);
}

function summaryJson(row: AgreementWithIcb) {
  return {
    id: row.id,
    url: agreementPath(row.id),
    title: row.title,
    icb: { code: row.icb_code, name: row.icb_name },
    status: row.status,
    agreedOn: row.agreed_on,
    rule: row.sharing_rule,
    isExample: row.is_example,
  };
}

function detailJson(detail: AgreementDetail) {
  const { agreement } = detail;
  return {
    ...summaryJson(agreement),
    baseline: agreement.baseline,
    baselineThousands: agreement.baseline_thousands,
    ruleDescription: agreement.rule_description,
    parties: detail.parties.map((party) => ({
      code: party.org_code,
      name: party.org_name,
      share: party.share,
    })),
    reviews: detail.reviews.map((review) => ({
      id: review.id,
      dueOn: review.due_on,
      heldOn: review.held_on,
      notes: review.notes,
    })),
    proposals: detail.proposals.map((proposal) => ({
      id: proposal.id,
      supporting: { code: proposal.supporting_org_code, name: proposal.supporting_name },
      supported: { code: proposal.supported_org_code, name: proposal.supported_name },
      amountThousands: proposal.amount_thousands,
      why: proposal.why,
      status: proposal.status,
      learningPartnership: {
        peerReview: proposal.peer_review_id ? `/peer-reviews/${proposal.peer_review_id}` : null,
        directoryEntry: proposal.directory_entry_id
          ? `/improvement/entries/${proposal.directory_entry_id}`
          : null,
      },
      createdAt: proposal.created_at.toISOString(),
      decisions: proposal.decisions.map((decision) => ({
        party: decision.party_org_code,
        decision: decision.decision,
        note: decision.note,
        decidedAt: decision.decided_at.toISOString(),
      })),
      decideAs: proposal.decideAs,
    })),
    permissions: detail.may,
  };
}

const unseen = 'No risk-sharing agreement with that id that you can read';

function writeResponses(description: string, status: 200 | 201) {
  const { 200: _ok, ...rest } = docResponses('', {
    401: 'No one is signed in',
    403: 'You may not do this for this agreement',
    404: unseen,
    409: 'The agreement or proposal is not in a state where this can be done',
    422: 'Field problems, each in `details` as `field: problem`',
  });
  return { [status]: { description, type: 'object' }, ...rest };
}

type Step = [
  string,
  z.ZodType,
  string,
  string,
  z.ZodType,
  (
    context: UseCaseContext,
    id: number,
    body: Record<string, unknown>,
    params: Record<string, string>,
  ) => Promise<unknown>,
];

const steps: Step[] = [
  [
    'edit',
    idParams,
    'Change a draft agreement',
    'The ICB’s system leads and administrators and the parties’ administrators change a draft’s title, baseline and rule.',
    editBody,
    (context, id, body) => editAgreement(context, id, body),
  ],
  [
    'status',
    idParams,
    'Mark an agreement agreed or ended',
    'The ICB’s system leads and administrators mark a draft agreed (on today’s date; it becomes public) or an agreed agreement ended.',
    statusBody,
    (context, id, body) => setAgreementStatus(context, id, body),
  ],
  [
    'reviews',
    idParams,
    'Add a review date',
    'Those who write for the agreement add a review date; the ICB’s and parties’ administrators and the ICB’s system leads are reminded 14 days before it, and once if it passes before the review is recorded.',
    reviewBody,
    (context, id, body) => addReviewDate(context, id, body),
  ],
  [
    'reviews/:reviewId/held',
    reviewParams,
    'Record a review held',
    'Those who write for the agreement record the day a review was held, with optional notes.',
    heldBody,
    (context, id, body, params) => recordReviewHeld(context, id, pathNumber(params.reviewId, 'review'), body),
  ],
  [
    'proposals',
    idParams,
    'Propose a rebalance',
    'The ICB or a party’s administrators propose that one party supports another by an amount, saying why, optionally naming a peer review or directory entry as the learning partnership.',
    proposalBody,
    (context, id, body) => proposeRebalance(context, id, body),
  ],
  [
    'proposals/:proposalId/decisions',
    proposalParams,
    'Decide on a proposal',
    'An administrator of a party the proposal names records that party’s decision, once. The proposal is agreed when both named parties agree, and not agreed as soon as one disagrees.',
    decisionBody,
    (context, id, body, params) =>
      decideProposal(context, id, pathNumber(params.proposalId, 'proposal'), body),
  ],
];

export async function registerRiskSharingApi(app: FastifyInstance): Promise<void> {
  app.get(
    basePath,
    {
      schema: routeSchema({
        summary: 'Risk-sharing agreements',
        description:
          'The risk-sharing agreements the caller may read, the newest first: agreed and ended ones for everyone, drafts for those involved (the parties’ people, the ICB’s system leads and people, oversight of a party’s region, national oversight).',
        querystring: listQuery,
        ok: 'The agreements, as `agreements`',
      }),
    },
    async (request) => {
      const query = validate(listQuery, request.query);
      const rows = await listReadableAgreements(request.useCase(), query.icb ?? null);
      return { agreements: rows.map(summaryJson) };
    },
  );

  app.post(
    basePath,
    {
      attachValidation: true,
      schema: {
        ...routeSchema({ summary: 'Propose a risk-sharing agreement', ok: '' }),
        description:
          'The ICB’s system leads and administrators, or an administrator of one of the parties, propose a draft agreement between at least two of the ICB’s members. Every field problem is listed at once.',
        body: jsonSchema(createBody),
        docResponses: writeResponses('The agreement, as `agreement`', 201),
      },
    },
    async (request, reply) => {
      const context = request.useCase();
      authorise(context, context.actor.kind !== 'anonymous', 'propose a risk-sharing agreement');
      const row = await createAgreement(context, sentBody(request.body));
      return reply.status(201).send({ agreement: detailJson(await getAgreement(context, row.id)) });
    },
  );

  app.get(
    `${basePath}/:id`,
    {
      schema: routeSchema({
        summary: 'One risk-sharing agreement',
        description:
          'An agreement with its parties, baseline, rule, review dates and the proposals the caller may read, each with the named parties’ decisions and its learning partnership. Open proposals are read by those involved only.',
        params: idParams,
        ok: 'The agreement, as `agreement`',
        notFound: unseen,
      }),
    },
    async (request) => ({
      agreement: detailJson(
        await getAgreement(
          request.useCase(),
          pathNumber((request.params as { id?: unknown }).id, 'agreement'),
        ),
      ),
    }),
  );

  for (const [path, params, summary, description, body, write] of steps) {
    app.post(
      `${basePath}/:id/${path}`,
      {
        attachValidation: true,
        schema: {
          ...routeSchema({ summary, params, ok: '' }),
          description: `${description} Every field problem is listed at once.`,
          body: jsonSchema(body),
          docResponses: writeResponses('The agreement, as `agreement`', 200),
        },
      },
      async (request) => {
        const context = request.useCase();
        authorise(context, context.actor.kind !== 'anonymous', 'change a risk-sharing agreement');
        const sent = request.params as Record<string, string>;
        const id = pathNumber(sent.id, 'agreement');
        await write(context, id, sentBody(request.body), sent);
        return { agreement: detailJson(await getAgreement(context, id)) };
      },
    );
  }
}
