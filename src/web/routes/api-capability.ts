import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  type CapabilityAssessmentView,
  readCapability,
  recordCapabilityAssessment,
} from '../../app/capability/capability.ts';
import { authorise } from '../../app/context.ts';
import { capabilityComponents } from '../../domain/capability.ts';
import { AppError } from '../../errors.ts';
import { docResponses, routeSchema } from './api.ts';

/**
 * The NHS IMPACT capability self-assessment API of an organisation: the latest assessment and the
 * history (read by the organisation's people and those who oversee it), and recording a new one
 * (its contributors and administrators). Levels are self-assessed, 1 not started, 2 emerging,
 * 3 developing, 4 embedded, 5 leading; they never change the Oversight Framework segment.
 */

const codeParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'must be an ODS code')
    .describe('ODS code of the organisation'),
});

const rating = z.object({
  level: z
    .number()
    .int()
    .min(1)
    .max(5)
    .describe('1 not started, 2 emerging, 3 developing, 4 embedded, 5 leading'),
  evidence: z.string().max(8_000).describe('The evidence, 1 to 4,000 characters'),
  support: z.string().max(4_000).optional().describe('The support asked for'),
});

/** The body of POST: one rating per component. */
const recordBody = z.object({
  assessedOn: z
    .string()
    .max(20)
    .optional()
    .describe('The date of the assessment, YYYY-MM-DD; today if not given'),
  ratings: z.object(
    Object.fromEntries(capabilityComponents.map((component) => [component, rating])) as Record<
      (typeof capabilityComponents)[number],
      typeof rating
    >,
  ),
});

function orgCode(params: unknown): string {
  const parsed = codeParams.safeParse(params);
  if (!parsed.success) throw new AppError('NOT_FOUND', 'No organisation has that code.');
  return parsed.data.code.toUpperCase();
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

function assessmentJson(assessment: CapabilityAssessmentView) {
  return {
    id: assessment.id,
    assessedOn: assessment.assessedOn,
    recordedBy: assessment.recordedBy,
    recordedAt: assessment.recordedAt.toISOString(),
    isExample: assessment.isExample,
    ratings: assessment.ratings.map((each) => ({
      component: each.component,
      componentLabel: each.componentLabel,
      level: each.level,
      levelLabel: each.levelLabel,
      evidence: each.evidence,
      supportAsked: each.supportAsked,
    })),
  };
}

export async function registerCapabilityApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/organisations/:code/capability',
    {
      schema: routeSchema({
        summary: 'Capability self-assessments of an organisation',
        description:
          'The organisation’s NHS IMPACT capability self-assessments: `latest` and `history` (newest first). Self-assessed, shown apart from the Oversight Framework segment, which it never changes. Read by the organisation’s people and those who oversee it.',
        params: codeParams,
        ok: 'The self-assessments, as `capability`',
        notFound: 'No organisation with that code whose self-assessments you may read',
      }),
    },
    async (request) => {
      const history = await readCapability(request.useCase(), orgCode(request.params));
      return {
        capability: {
          org: history.org,
          latest: history.latest ? assessmentJson(history.latest) : null,
          history: history.history.map(assessmentJson),
          doesNotAffectSegment: true,
        },
      };
    },
  );

  app.post(
    '/organisations/:code/capability',
    {
      schema: {
        ...routeSchema({ summary: 'Record a capability self-assessment', params: codeParams, ok: '' }),
        description:
          'Records a new self-assessment on the five components of NHS IMPACT; the last one is kept. The organisation’s contributors and administrators. Every field problem is listed at once.',
        body: jsonSchema(recordBody),
        docResponses: (() => {
          const { 200: _ok, ...rest } = docResponses('', {
            401: 'No one is signed in',
            403: 'You do not write for this organisation',
            404: 'No organisation has that code',
            422: 'Field problems, each in `details` as `field: problem`',
          });
          return { 201: { description: 'The self-assessment, as `assessment`', type: 'object' }, ...rest };
        })(),
      },
    },
    async (request, reply) => {
      const context = request.useCase();
      authorise(context, context.actor.kind !== 'anonymous', 'record a capability self-assessment');
      const code = orgCode(request.params);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const ratings = (
        typeof body.ratings === 'object' && body.ratings !== null ? body.ratings : {}
      ) as Record<string, Record<string, unknown> | undefined>;
      const flat: Record<string, unknown> = { assessedOn: body.assessedOn };
      for (const component of capabilityComponents) {
        flat[`${component}_level`] = ratings[component]?.level;
        flat[`${component}_evidence`] = ratings[component]?.evidence;
        flat[`${component}_support`] = ratings[component]?.support;
      }
      const assessment = await recordCapabilityAssessment(context, code, flat);
      return reply.status(201).send({ assessment: assessmentJson(assessment) });
    },
  );
}
