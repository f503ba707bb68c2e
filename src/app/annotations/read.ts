import { type AnnotationKind, annotationKindLabels, type PublicationStatus } from '../../domain/people.ts';
import { AppError } from '../../errors.ts';
import { type AnnotationResource, canAnnotation, canCreateAnnotation } from '../../policies/annotation.ts';
import { scope } from '../../policies/scope.ts';
import { findAnnotation, listAnnotations } from '../../store/repos/annotation-repo.ts';
import { organisationContext } from '../../store/repos/organisation-repo.ts';
import type { AnnotationRow } from '../../store/tables.ts';
import type { UseCaseContext } from '../context.ts';

/** Reading annotations: one, a series', an organisation's — each only as far as the reader's scope allows. */

/** An annotation as the API and pages show it. */
export interface AnnotationView {
  id: number;
  org: string;
  metric: string;
  date: string;
  kind: AnnotationKind;
  kindLabel: string;
  text: string;
  visibility: AnnotationRow['visibility'];
  status: PublicationStatus;
  /** For a rebase: why the limits were recalculated. */
  rebase: { reason: string } | null;
  createdAt: string;
  updatedAt: string;
}

/** annotationView: a stored annotation as the API and pages show it. */
export function annotationView(row: AnnotationRow): AnnotationView {
  return {
    id: row.id,
    org: row.org_code,
    metric: row.metric_id,
    date: row.on_date,
    kind: row.kind,
    kindLabel: annotationKindLabels[row.kind],
    text: row.text,
    visibility: row.visibility,
    status: row.status,
    rebase: row.kind === 'rebase' ? { reason: row.rebase_reason ?? '' } : null,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** The policy's view of an annotation, with its organisation's ICBs and region. */
export async function annotationResource(
  context: UseCaseContext,
  row: AnnotationRow,
): Promise<AnnotationResource> {
  const org = (await organisationContext(context.db, row.org_code)) ?? {
    code: row.org_code,
    icbCodes: [],
    regionCodes: [],
  };
  return { org, status: row.status, visibility: row.visibility, createdBy: row.created_by };
}

/** getAnnotation: one annotation the actor may read; NOT_FOUND otherwise (whether or not it exists). */
export async function getAnnotation(context: UseCaseContext, id: number): Promise<AnnotationRow> {
  const row = Number.isSafeInteger(id)
    ? await findAnnotation(context.db, scope(context.actor, 'read', 'annotation'), id)
    : undefined;
  if (!row) throw new AppError('NOT_FOUND', `No annotation ${id} that you can read.`);
  return row;
}

/**
 * listSeriesAnnotations: the annotations of one organisation × metric series the actor may read,
 * by date; withdrawn ones only when asked for.
 */
export function listSeriesAnnotations(
  context: UseCaseContext,
  orgCode: string,
  metricId: string,
  options: { withdrawn?: boolean } = {},
): Promise<AnnotationRow[]> {
  return listAnnotations(context.db, scope(context.actor, 'read', 'annotation'), {
    orgCode: orgCode.toUpperCase(),
    metricId,
    statuses: options.withdrawn ? undefined : ['draft', 'published'],
  });
}

/** listOrganisationAnnotations: every annotation of an organisation's series the actor may read, by date. */
export function listOrganisationAnnotations(
  context: UseCaseContext,
  orgCode: string,
  options: { withdrawn?: boolean } = {},
): Promise<AnnotationRow[]> {
  return listAnnotations(context.db, scope(context.actor, 'read', 'annotation'), {
    orgCode: orgCode.toUpperCase(),
    statuses: options.withdrawn ? undefined : ['draft', 'published'],
  });
}

/** What the actor may do to an annotation they can read. */
export interface AnnotationActions {
  canEdit: boolean;
  canPublish: boolean;
  canWithdraw: boolean;
}

/** annotationActions: whether the actor may edit, publish or withdraw an annotation (pure, given its resource). */
export function annotationActions(
  context: Pick<UseCaseContext, 'actor'>,
  row: AnnotationRow,
  resource: AnnotationResource,
): AnnotationActions {
  const open = row.status !== 'withdrawn';
  return {
    canEdit: open && canAnnotation(context.actor, 'edit', resource),
    canPublish: row.status === 'draft' && canAnnotation(context.actor, 'publish', resource),
    canWithdraw: open && canAnnotation(context.actor, 'withdraw', resource),
  };
}

/** Whether the actor may annotate an organisation's series (contributor or admin of it). */
export function mayAnnotate(context: Pick<UseCaseContext, 'actor'>, orgCode: string): boolean {
  return canCreateAnnotation(context.actor, orgCode.toUpperCase());
}

/** An annotation numbered as it is marked on a chart. */
export interface NumberedAnnotation {
  number: number;
  row: AnnotationRow;
}

/**
 * numberForChart: the annotations a chart marks (drafts and published, not withdrawn), numbered
 * from 1 in date order — the numbers on the chart, in its list, its table and its CSV.
 */
export function numberForChart(rows: readonly AnnotationRow[]): NumberedAnnotation[] {
  return rows
    .filter((row) => row.status !== 'withdrawn')
    .sort((a, b) => (a.on_date < b.on_date ? -1 : a.on_date > b.on_date ? 1 : a.id - b.id))
    .map((row, index) => ({ number: index + 1, row }));
}

/** The one-line text of an annotation: "Event: text", or for a rebase "Limits recalculated from DATE: reason". */
export function annotationSummary(row: AnnotationRow): string {
  if (row.kind === 'rebase') return `Limits recalculated from ${row.on_date}: ${row.rebase_reason ?? ''}`;
  return `${annotationKindLabels[row.kind]}: ${row.text}`;
}

/** numberedSummary: "1. Event: text", marked "(draft)" or "(organisation only)" where so. */
export function numberedSummary(note: NumberedAnnotation): string {
  const marks = [
    ...(note.row.status === 'draft' ? ['draft'] : []),
    ...(note.row.visibility === 'organisation' ? ['organisation only'] : []),
  ];
  return `${note.number}. ${annotationSummary(note.row)}${marks.length ? ` (${marks.join(', ')})` : ''}`;
}

/** notesInPeriod: the numbered annotations dated from `start` to `end` (inclusive), as one line of text. */
export function notesInPeriod(numbered: readonly NumberedAnnotation[], start: string, end: string): string {
  return numbered
    .filter((note) => note.row.on_date >= start && note.row.on_date <= end)
    .map(numberedSummary)
    .join('; ');
}
