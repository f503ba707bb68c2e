import { z } from 'zod';
import {
  type CapabilityComponent,
  type CapabilityLevel,
  capabilityComponentLabels,
  capabilityComponents,
  capabilityLevelLabels,
} from '../../domain/capability.ts';
import { AppError, validationFailedInFieldOrder } from '../../errors.ts';
import { actorLabel, actorUserId } from '../../policies/actor.ts';
import { canReadCapability, canWriteCapability } from '../../policies/capability.ts';
import {
  type CapabilityAssessmentRow,
  type CapabilityRatingRow,
  insertCapabilityAssessment,
  insertCapabilityRatings,
  listCapabilityAssessments,
  listCapabilityRatings,
} from '../../store/repos/capability-repo.ts';
import { findOrganisation, organisationContext } from '../../store/repos/organisation-repo.ts';
import { auditedWrite, authorise, isoDay, type UseCaseContext } from '../context.ts';
import { fieldChecker, isoDate, optionalText, text, valuesOf } from '../input-fields.ts';

/**
 * NHS IMPACT capability self-assessments: an organisation rates itself on the five components of NHS
 * IMPACT (1 not started … 5 leading, self-assessed), with its evidence and the support it asks for.
 * Every assessment is kept; the newest is shown with the history. It informs the offers of help and
 * the review conversation, and is read by the review's audience (`policies/capability.ts`). It never
 * changes a segment: the write does not bump the data version, and nothing the engines read is touched.
 */

export const evidenceMax = 4_000;
export const supportMax = 2_000;

/** One component's rating as pages, the API and the review pack show it. */
export interface CapabilityRatingView {
  readonly component: CapabilityComponent;
  readonly componentLabel: string;
  readonly level: CapabilityLevel;
  readonly levelLabel: string;
  readonly evidence: string;
  readonly supportAsked: string | null;
}

/** One self-assessment with its five ratings. */
export interface CapabilityAssessmentView {
  readonly id: number;
  readonly orgCode: string;
  readonly assessedOn: string;
  readonly recordedBy: string;
  readonly recordedAt: Date;
  readonly isExample: boolean;
  readonly ratings: readonly CapabilityRatingView[];
}

/** An organisation's assessments: the latest and the history (newest first, the latest included). */
export interface CapabilityHistory {
  readonly org: { readonly code: string; readonly name: string };
  readonly latest: CapabilityAssessmentView | null;
  readonly history: readonly CapabilityAssessmentView[];
  readonly may: { readonly write: boolean };
}

const level = z.coerce
  .number({ error: 'Choose a level from 1 (not started) to 5 (leading)' })
  .int('Choose a level from 1 (not started) to 5 (leading)')
  .min(1, 'Choose a level from 1 (not started) to 5 (leading)')
  .max(5, 'Choose a level from 1 (not started) to 5 (leading)');

const fieldRules: Record<string, z.ZodType> = {
  assessedOn: isoDate('Give the date of the assessment as YYYY-MM-DD'),
};
for (const component of capabilityComponents) {
  const label = capabilityComponentLabels[component];
  fieldRules[`${component}_level`] = level;
  fieldRules[`${component}_evidence`] = text(
    evidenceMax,
    `Give the evidence for ${label.toLowerCase()}`,
    'The evidence',
  );
  fieldRules[`${component}_support`] = optionalText(supportMax, 'The support asked for');
}
const checkField = fieldChecker(fieldRules);
const fieldOrder = Object.keys(fieldRules);

/** The flat field name of a component's level, evidence or support (`capabilityField`), as forms and the API name it. */
export function capabilityField(
  component: CapabilityComponent,
  part: 'level' | 'evidence' | 'support',
): string {
  return `${component}_${part}`;
}

function viewOf(
  row: CapabilityAssessmentRow,
  ratings: readonly CapabilityRatingRow[],
): CapabilityAssessmentView {
  const own = ratings.filter((rating) => rating.assessment_id === row.id);
  return {
    id: row.id,
    orgCode: row.org_code,
    assessedOn: row.assessed_on,
    recordedBy: row.created_by_label,
    recordedAt: row.created_at,
    isExample: row.is_example,
    ratings: capabilityComponents.flatMap((component) => {
      const rating = own.find((each) => each.component === component);
      if (!rating) return [];
      const value = rating.level as CapabilityLevel;
      return [
        {
          component,
          componentLabel: capabilityComponentLabels[component],
          level: value,
          levelLabel: capabilityLevelLabels[value],
          evidence: rating.evidence,
          supportAsked: rating.support_asked,
        },
      ];
    }),
  };
}

async function loadOrganisation(context: UseCaseContext, code: string) {
  const upper = code.toUpperCase();
  const organisation = await findOrganisation(context.db, upper);
  const org = organisation && (await organisationContext(context.db, organisation.code));
  if (!organisation || !org || !canReadCapability(context.actor, org))
    throw new AppError(
      'NOT_FOUND',
      `There is no capability self-assessment of ${upper.slice(0, 12)} that you can read.`,
    );
  return { organisation, org };
}

/**
 * An organisation's capability self-assessments (`readCapability`): the latest and the history.
 * UNAUTHENTICATED when signed out; NOT_FOUND for an organisation whose assessments the actor may not read.
 */
export async function readCapability(context: UseCaseContext, orgCode: string): Promise<CapabilityHistory> {
  authorise(context, context.actor.kind !== 'anonymous', 'read capability self-assessments');
  const { organisation, org } = await loadOrganisation(context, orgCode);
  const [rows, ratings] = await Promise.all([
    listCapabilityAssessments(context.db, organisation.code),
    listCapabilityRatings(context.db, organisation.code),
  ]);
  const history = rows.map((row) => viewOf(row, ratings));
  return {
    org: { code: organisation.code, name: organisation.name },
    latest: history[0] ?? null,
    history,
    may: { write: canWriteCapability(context.actor, org) },
  };
}

/**
 * The latest self-assessment of an organisation, or null, when the actor may read it and null
 * otherwise (`latestCapabilityFor`): for the organisation page and the review pack.
 */
export async function latestCapabilityFor(
  context: UseCaseContext,
  orgCode: string,
): Promise<CapabilityAssessmentView | null | undefined> {
  if (context.actor.kind === 'anonymous') return undefined;
  const org = await organisationContext(context.db, orgCode);
  if (!org || !canReadCapability(context.actor, org)) return undefined;
  const [rows, ratings] = await Promise.all([
    listCapabilityAssessments(context.db, orgCode),
    listCapabilityRatings(context.db, orgCode),
  ]);
  return rows[0] ? viewOf(rows[0], ratings) : null;
}

/**
 * Records a new self-assessment (`recordCapabilityAssessment`): `assessedOn` and, for each component,
 * `<component>_level` (1–5), `<component>_evidence`, `<component>_support` (optional). A new
 * assessment never overwrites the last. The organisation's contributors and administrators only.
 */
export async function recordCapabilityAssessment(
  context: UseCaseContext,
  orgCode: string,
  input: unknown,
): Promise<CapabilityAssessmentView> {
  authorise(context, context.actor.kind !== 'anonymous', 'record a capability self-assessment');
  const upper = orgCode.toUpperCase();
  const org = await organisationContext(context.db, upper);
  if (!org) throw new AppError('NOT_FOUND', `No organisation has the code ${upper.slice(0, 12)}.`);
  authorise(
    context,
    canWriteCapability(context.actor, org),
    `record a capability self-assessment for ${org.code}`,
  );
  const values = valuesOf(input);
  const problems: string[] = [];
  const assessedOn = checkField('assessedOn', values.assessedOn ?? isoDay(context.clock()), problems) as
    | string
    | undefined;
  if (assessedOn && assessedOn > isoDay(context.clock()))
    problems.push('assessedOn: The date of the assessment cannot be in the future');
  const ratings = capabilityComponents.map((component) => ({
    component,
    level: checkField(`${component}_level`, values[`${component}_level`], problems) as number | undefined,
    evidence: checkField(`${component}_evidence`, values[`${component}_evidence`], problems) as
      | string
      | undefined,
    support: checkField(`${component}_support`, values[`${component}_support`], problems) as
      | string
      | undefined,
  }));
  if (problems.length > 0 || !assessedOn)
    throw validationFailedInFieldOrder('capability self-assessment', problems, fieldOrder);
  return auditedWrite(context, {}, async (trx, at) => {
    const assessment = await insertCapabilityAssessment(trx, {
      org_code: org.code,
      assessed_on: assessedOn,
      created_by: actorUserId(context.actor),
      created_by_label: context.actor.kind === 'user' ? context.actor.name : actorLabel(context.actor),
      created_at: at,
    });
    const rows = await insertCapabilityRatings(
      trx,
      ratings.map((rating) => ({
        assessment_id: assessment.id,
        component: rating.component,
        level: rating.level as number,
        evidence: rating.evidence as string,
        support_asked: rating.support ?? null,
      })),
    );
    return {
      result: viewOf(assessment, rows),
      audit: {
        action: 'capability.record',
        entityType: 'capability_assessment',
        entityId: assessment.id,
        orgCode: org.code,
        after: { ...assessment, levels: Object.fromEntries(rows.map((row) => [row.component, row.level])) },
      },
    };
  });
}
