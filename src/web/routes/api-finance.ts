import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { systemFinanceView } from '../../app/finance/system-finance.ts';
import { routeSchema, validate } from './api.ts';
import { learningPartnerLinks } from './finance/present.ts';

/**
 * The system finance API: an ICB's providers' published finance positions together (planned surplus
 * or deficit and year-to-date variance to plan, from the NHS Oversight Framework), with counts of who
 * is under pressure and learning-partner links for them. Published figures, so public.
 */

const systemParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'must be an ODS code')
    .describe('ODS code of the integrated care board'),
});

/** Registers GET /systems/{code}/finance. */
export async function registerFinanceApi(app: FastifyInstance): Promise<void> {
  app.get(
    '/systems/:code/finance',
    {
      schema: routeSchema({
        summary: "A system's finance view",
        description:
          "An integrated care board's member trusts with each one's published planned surplus/deficit (% of income) and year-to-date variance to plan (%) for the latest quarter any of them has one, in name order, and counts of the members in each position. Figures a member lacks are named in `missing`. The publication gives percentages, not pounds, so totals are counts. Public.",
        params: systemParams,
        ok: 'The finance view, as `finance`',
        notFound: 'No integrated care board has this code',
      }),
    },
    async (request) => {
      const params = validate(systemParams, request.params);
      const view = await systemFinanceView(request.useCase(), params.code);
      return {
        finance: {
          icb: view.icb,
          quarterStart: view.quarterStart,
          totals: view.totals,
          members: view.members.map((member) => ({
            ...member,
            learningPartners: member.underPressure ? learningPartnerLinks(member.code) : [],
          })),
        },
      };
    },
  );
}
