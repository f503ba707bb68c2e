import type { Transaction } from 'kysely';
import { AppError } from '../../errors.ts';
import { actorLabel } from '../../policies/actor.ts';
import { type AnnotationAction, canAnnotation } from '../../policies/annotation.ts';
import { scope } from '../../policies/scope.ts';
import {
  type AnnotationChanges,
  findAnnotation,
  removeSeriesRebaseDate,
  updateAnnotation,
} from '../../store/repos/annotation-repo.ts';
import { metricPart } from '../../store/repos/version-repo.ts';
import type { AnnotationRow, Database } from '../../store/tables.ts';
import { auditedWrite, authorise, type UseCaseContext } from '../context.ts';
import { computeSignals } from '../signals/compute.ts';
import { annotationResource, getAnnotation } from './read.ts';
import {
  auditView,
  checkKind,
  checkVisibility,
  dateProblem,
  reasonProblems,
  textProblems,
  validationError,
} from './rules.ts';

/** Changing an annotation: edit its fields, publish a draft, withdraw it (a withdrawn rebase restores the limits). */

const actionWords: Record<AnnotationAction, string> = {
  read: 'read',
  edit: 'change',
  publish: 'publish',
  withdraw: 'withdraw',
};

/** The annotation, if the actor may read it (else NOT_FOUND) and may do `action` to it (else 401/403). */
async function annotationFor(context: UseCaseContext, id: number, action: AnnotationAction) {
  const row = await getAnnotation(context, id);
  const resource = await annotationResource(context, row);
  authorise(
    context,
    canAnnotation(context.actor, action, resource),
    `${actionWords[action]} this annotation`,
  );
  return row;
}

/** The annotation's row, locked for the transaction, as it was when it was checked; CONFLICT if it changed since. */
async function lockUnchanged(
  context: UseCaseContext,
  trx: Transaction<Database>,
  checked: AnnotationRow,
): Promise<AnnotationRow> {
  const row = await findAnnotation(trx, scope(context.actor, 'read', 'annotation'), checked.id, {
    forUpdate: true,
  });
  if (!row || row.status !== checked.status || row.on_date !== checked.on_date || row.kind !== checked.kind)
    throw new AppError('CONFLICT', `Annotation ${checked.id} changed while you were changing it.`);
  return row;
}

/** What may be changed of an annotation; absent fields stay as they are. */
export interface AnnotationEdit {
  date?: string;
  kind?: string;
  text?: string;
  visibility?: string;
  /** A rebase's reason. */
  rebaseReason?: string | null;
}

/**
 * editAnnotation: changes an annotation's date, kind, text or visibility — or a rebase's text and
 * reason (a rebase's date, kind and visibility stay; withdraw it and add another to move it).
 * Withdrawn annotations are not changed (CONFLICT). Every problem is listed at once.
 */
export async function editAnnotation(
  context: UseCaseContext,
  id: number,
  edit: AnnotationEdit,
): Promise<AnnotationRow> {
  const row = await annotationFor(context, id, 'edit');
  if (row.status === 'withdrawn')
    throw new AppError('CONFLICT', 'A withdrawn annotation cannot be changed; add a new one instead.');
  const problems: string[] = [];
  const changes: Omit<AnnotationChanges, 'at'> = {};
  const isRebase = row.kind === 'rebase';

  if (edit.text !== undefined) {
    const text = edit.text.trim();
    problems.push(...textProblems(text));
    if (text !== row.text) changes.text = text;
  }
  if (edit.date !== undefined && edit.date.trim() !== row.on_date) {
    const date = edit.date.trim();
    if (isRebase)
      problems.push("date: A rebase's date stays as it is: withdraw it and add a new one to move it");
    else {
      const problem = dateProblem(date);
      if (problem) problems.push(problem);
      else changes.onDate = date;
    }
  }
  if (edit.kind !== undefined && edit.kind.trim() !== row.kind) {
    const { kind, problem } = checkKind(edit.kind.trim());
    if (isRebase) problems.push('kind: A rebase stays a rebase: withdraw it to restore the limits');
    else if (problem) problems.push(problem);
    else if (kind === 'rebase') problems.push('kind: Add a rebase as a new annotation, with its reason');
    else changes.kind = kind;
  }
  if (edit.visibility !== undefined && edit.visibility.trim() !== row.visibility) {
    const { visibility, problem } = checkVisibility(edit.visibility.trim());
    if (isRebase)
      problems.push('visibility: A rebase is public: everyone reading the chart sees why its limits changed');
    else if (problem) problems.push(problem);
    else changes.visibility = visibility;
  }
  if (edit.rebaseReason !== undefined && edit.rebaseReason !== null) {
    const reason = edit.rebaseReason.trim();
    if (!isRebase) problems.push('reason: Only a rebase has a reason');
    else {
      problems.push(...reasonProblems(reason));
      if (reason !== row.rebase_reason) changes.rebaseReason = reason;
    }
  }
  if (problems.length) throw validationError(problems);
  if (Object.keys(changes).length === 0) return row;

  // A rebase's reason is on its chart, which is kept until the data change.
  return auditedWrite(
    context,
    { changesData: isRebase && { parts: [metricPart(row.metric_id)] } },
    async (trx, at) => {
      const before = await lockUnchanged(context, trx, row);
      const after = await updateAnnotation(trx, row.id, { ...changes, at });
      return {
        result: after,
        audit: {
          action: 'annotation.edit',
          entityType: 'annotation',
          entityId: row.id,
          orgCode: row.org_code,
          before: auditView(before),
          after: auditView(after),
        },
      };
    },
  );
}

/** publishAnnotation: publishes a draft (a published one is left as it is; a withdrawn one is a CONFLICT). */
export async function publishAnnotation(context: UseCaseContext, id: number): Promise<AnnotationRow> {
  const row = await annotationFor(context, id, 'publish');
  if (row.status === 'published') return row;
  if (row.status === 'withdrawn')
    throw new AppError('CONFLICT', 'A withdrawn annotation cannot be published; add a new one instead.');
  return auditedWrite(context, {}, async (trx, at) => {
    const before = await lockUnchanged(context, trx, row);
    const after = await updateAnnotation(trx, row.id, { status: 'published', at });
    return {
      result: after,
      audit: {
        action: 'annotation.publish',
        entityType: 'annotation',
        entityId: row.id,
        orgCode: row.org_code,
        before: auditView(before),
        after: auditView(after),
      },
    };
  });
}

/**
 * withdrawAnnotation: withdraws an annotation (one already withdrawn is left as it is). Withdrawing a
 * rebase reverses it: its date leaves the series' configuration in the same transaction, and the
 * chart's limits are calculated as before it.
 */
export async function withdrawAnnotation(context: UseCaseContext, id: number): Promise<AnnotationRow> {
  const row = await annotationFor(context, id, 'withdraw');
  if (row.status === 'withdrawn') return row;
  const isRebase = row.kind === 'rebase';
  const withdrawn = await auditedWrite(
    context,
    { changesData: isRebase && { parts: [metricPart(row.metric_id)] } },
    async (trx, at) => {
      const before = await lockUnchanged(context, trx, row);
      const after = await updateAnnotation(trx, row.id, { status: 'withdrawn', at });
      const rebaseDates = isRebase
        ? await removeSeriesRebaseDate(trx, {
            orgCode: row.org_code,
            metricId: row.metric_id,
            date: row.on_date,
            updatedBy: actorLabel(context.actor),
            at,
          })
        : undefined;
      return {
        result: after,
        audit: {
          action: 'annotation.withdraw',
          entityType: 'annotation',
          entityId: row.id,
          orgCode: row.org_code,
          before: auditView(before),
          after: { ...auditView(after), ...(rebaseDates ? { seriesRebaseDates: rebaseDates } : {}) },
        },
      };
    },
  );
  // the series' limits changed: its signals are read again from the new chart
  if (isRebase)
    await computeSignals(context.db, context.clock, { orgCode: row.org_code, metricIds: [row.metric_id] });
  return withdrawn;
}
