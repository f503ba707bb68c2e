import { actorLabel, actorUserId } from '../../policies/actor.ts';
import { canCreateAnnotation } from '../../policies/annotation.ts';
import {
  addSeriesRebaseDate,
  insertAnnotation,
  seriesPeriods,
  seriesRebaseDates,
} from '../../store/repos/annotation-repo.ts';
import { findMetric } from '../../store/repos/metric-repo.ts';
import { findOrganisation } from '../../store/repos/organisation-repo.ts';
import { metricPart } from '../../store/repos/version-repo.ts';
import type { AnnotationRow } from '../../store/tables.ts';
import { auditedWrite, authorise, type UseCaseContext } from '../context.ts';
import { computeSignals } from '../signals/compute.ts';
import {
  auditView,
  checkKind,
  checkStatus,
  checkVisibility,
  dateProblem,
  reasonProblems,
  rebasePublicationProblems,
  rebaseStart,
  textProblems,
  validationError,
} from './rules.ts';

/** What a new annotation is made of, as a form or the API gives it (checked here). */
export interface NewAnnotationInput {
  org: string;
  metric: string;
  /** YYYY-MM-DD. A rebase starts at the start of the series' period holding it. */
  date: string;
  kind: string;
  text: string;
  /** `public` or `organisation`; default `organisation`, and `public` for a rebase. */
  visibility?: string;
  /** `draft` or `published`; default `published`. */
  status?: string;
  /** Why the limits are recalculated: a rebase needs it. */
  rebaseReason?: string | null;
}

/**
 * createAnnotation: adds a dated note to an organisation × metric series — an event, a change idea,
 * a data issue, or a rebase, which recalculates the chart's limits from the start of the period
 * holding its date. Contributors and admins of the organisation only. Every problem is listed at
 * once (VALIDATION_FAILED). A rebase must be public and published, give a reason, fall in one of
 * the series' periods after the first, and not repeat a rebase already in force; it is added to
 * the series' configuration in the same transaction, which changes what the charts compute.
 */
export async function createAnnotation(
  context: UseCaseContext,
  input: NewAnnotationInput,
): Promise<AnnotationRow> {
  const orgCode = input.org.trim().toUpperCase();
  authorise(
    context,
    canCreateAnnotation(context.actor, orgCode),
    `annotate ${orgCode || 'this organisation'}'s charts`,
  );

  const problems: string[] = [];
  const organisation = orgCode ? await findOrganisation(context.db, orgCode) : undefined;
  if (!organisation) problems.push(`org: No organisation has the code ${orgCode || '(none given)'}`);
  const metricId = input.metric.trim();
  const metric = metricId ? await findMetric(context.db, metricId) : undefined;
  if (!metric) problems.push(`metric: No metric has the id ${metricId || '(none given)'}`);

  const { kind, problem: kindProblem } = checkKind(input.kind.trim());
  if (kindProblem) problems.push(kindProblem);
  const date = input.date.trim();
  const badDate = dateProblem(date);
  if (badDate) problems.push(badDate);
  const text = input.text.trim();
  problems.push(...textProblems(text));

  const isRebase = kind === 'rebase';
  const visibilityGiven = input.visibility?.trim() || (isRebase ? 'public' : 'organisation');
  const statusGiven = input.status?.trim() || 'published';
  const { visibility, problem: visibilityProblem } = checkVisibility(visibilityGiven);
  if (visibilityProblem) problems.push(visibilityProblem);
  const { status, problem: statusProblem } = checkStatus(statusGiven);
  if (statusProblem) problems.push(statusProblem);

  let onDate = date;
  const reason = input.rebaseReason?.trim() ?? '';
  if (isRebase) {
    problems.push(...reasonProblems(reason));
    if (visibility && status) problems.push(...rebasePublicationProblems(visibility, status));
    if (!badDate && organisation && metric) {
      const periods = await seriesPeriods(context.db, organisation.code, metric.id);
      const active = await seriesRebaseDates(context.db, organisation.code, metric.id);
      const start = rebaseStart(date, periods, active);
      if (start.problem) problems.push(start.problem);
      else if (start.start) onDate = start.start;
    }
  } else if (kind && reason)
    problems.push('reason: Only a rebase has a reason: leave it out, or make the kind rebase');
  if (problems.length || !organisation || !metric || !kind || !visibility || !status)
    throw validationError(problems);

  const created = await auditedWrite(
    context,
    { changesData: isRebase && { parts: [metricPart(metric.id)] } },
    async (trx, at) => {
      const row = await insertAnnotation(trx, {
        orgCode: organisation.code,
        metricId: metric.id,
        onDate,
        kind,
        text,
        visibility,
        status,
        rebaseReason: isRebase ? reason : null,
        createdBy: actorUserId(context.actor),
        at,
      });
      let rebaseDates: string[] | undefined;
      if (isRebase) {
        rebaseDates = await addSeriesRebaseDate(trx, {
          orgCode: organisation.code,
          metricId: metric.id,
          date: onDate,
          updatedBy: actorLabel(context.actor),
          at,
        });
        // Another rebase on the same date committed since the check above.
        if (!rebaseDates) throw validationError([`date: The limits are already recalculated from ${onDate}`]);
      }
      return {
        result: row,
        audit: {
          action: 'annotation.create',
          entityType: 'annotation',
          entityId: row.id,
          orgCode: row.org_code,
          after: { ...auditView(row), ...(rebaseDates ? { seriesRebaseDates: rebaseDates } : {}) },
        },
      };
    },
  );
  // the series' limits changed: its signals are read again from the new chart
  if (isRebase)
    await computeSignals(context.db, context.clock, { orgCode: organisation.code, metricIds: [metric.id] });
  return created;
}
