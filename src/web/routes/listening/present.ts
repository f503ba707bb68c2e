import type { UseCaseContext } from '../../../app/context.ts';
import { type ListeningDetail, type ListeningSummary, listListening } from '../../../app/listening/read.ts';
import {
  listeningKindLabels,
  listeningStateLabels,
  participantGroupLabels,
  participantGroups,
} from '../../../domain/listening.ts';
import { errorsByField, type FieldError } from '../../forms.ts';
import { longDate } from '../inquiries/present.ts';

/**
 * View models of the listening inquiry pages: every inquiry, one inquiry (who took part, themes,
 * quotes, what will change, the report back), the form to record one, and the conversion of that
 * form's fields into the use case's input (lists one per line).
 */

export type FormValues = Record<string, string>;

export const listeningPath = '/listening';
export function listeningItemPath(id: number): string {
  return `${listeningPath}/${id}`;
}

function organisationHref(code: string, kind: string): string {
  return kind === 'icb'
    ? `/systems/${encodeURIComponent(code)}`
    : `/organisations/${encodeURIComponent(code)}`;
}

/** An inquiry as lists show it (`listeningItem`). */
export function listeningItem(inquiry: ListeningSummary) {
  return {
    id: inquiry.id,
    href: listeningItemPath(inquiry.id),
    question: inquiry.question,
    kindLabel: listeningKindLabels[inquiry.kind],
    state: inquiry.state,
    stateLabel: listeningStateLabels[inquiry.state],
    convenorName: inquiry.convenor.name,
    convenorCode: inquiry.convenor.code,
    convenorHref: organisationHref(inquiry.convenor.code, inquiry.convenor.kind),
    reportBackBy: inquiry.reportBackBy ? longDate(inquiry.reportBackBy) : null,
    overdue: inquiry.reportBackOverdue,
    isExample: inquiry.isExample,
  };
}

/** The list of every inquiry the reader may see (`presentListeningList`). */
export function presentListeningList(inquiries: readonly ListeningSummary[], mayStart: boolean) {
  return {
    pageName: 'Listening inquiries',
    inquiries: inquiries.map(listeningItem),
    mayStart,
    newHref: `${listeningPath}/new`,
  };
}

/** One inquiry with the forms its reader may use (`presentListening`). */
export function presentListening(
  detail: ListeningDetail,
  options: { values?: FormValues; errors?: FieldError[] } = {},
) {
  const errors = options.errors ?? [];
  return {
    pageName: `${detail.question} – listening inquiry`,
    inquiry: listeningItem(detail),
    participants: detail.participants,
    participantCount: detail.participantCount,
    themes: detail.themes,
    quotes: detail.quotes,
    orgs: detail.orgCodes.map((code) => ({ code, href: organisationHref(code, '') })),
    metrics: detail.metricIds.map((id) => ({ id, href: `/metrics/${encodeURIComponent(id)}` })),
    whatWillChange: detail.whatWillChange,
    reportBackText: detail.reportBackText,
    reportedBackOn: detail.reportedBackAt ? longDate(detail.reportedBackAt) : null,
    published: detail.publishedAt ? longDate(detail.publishedAt) : null,
    rawNotes: detail.rawNotes,
    may: detail.may,
    publishAction: `${listeningItemPath(detail.id)}/publish`,
    reportBackAction: `${listeningItemPath(detail.id)}/report-back`,
    values: { reportBackBy: detail.reportBackBy ?? '', ...(options.values ?? {}) },
    errors,
    fieldErrors: errorsByField(errors),
  };
}

/** The form to record an inquiry (`presentNewListening`). */
export function presentNewListening(options: { values?: FormValues; errors?: FieldError[] } = {}) {
  const errors = options.errors ?? [];
  const values = options.values ?? {};
  return {
    pageName: 'Record a listening inquiry',
    action: listeningPath,
    groups: participantGroups.map((group) => ({ group, label: participantGroupLabels[group] })),
    kinds: [
      { value: 'inquiry', text: 'A listening inquiry', checked: values.kind !== 'assembly' },
      {
        value: 'assembly',
        text: 'A listening assembly of a system (convened by its ICB)',
        checked: values.kind === 'assembly',
      },
    ],
    values,
    errors,
    fieldErrors: errorsByField(errors),
  };
}

function lines(value: unknown): string[] {
  return typeof value === 'string'
    ? value
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
    : [];
}

function codes(value: unknown): string[] {
  return typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : [];
}

/**
 * The use case's input from the form's fields (`listeningInputFromForm`): a count and roles per group
 * (groups left empty did not take part), themes one per line, quotes one per line written
 * `quote — who said it`, with one box for whether everyone quoted consented, and codes separated by
 * commas or spaces.
 */
export function listeningInputFromForm(body: Record<string, unknown>): Record<string, unknown> {
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
  const consent = body.quotesConsent === 'yes';
  return {
    convenor: text('convenor'),
    kind: text('kind'),
    question: text('question'),
    participants: participantGroups
      .filter((group) => (text(`${group}Count`) ?? '').trim() !== '')
      .map((group) => ({
        group,
        count: text(`${group}Count`),
        roles: text(`${group}Roles`),
        names: text(`${group}Names`),
      })),
    themes: lines(body.themes),
    quotes: lines(body.quotes).map((line) => {
      const [quote, ...speaker] = line.split(/\s+[—–]\s+|\s+-\s+/);
      return { text: quote, speaker: speaker.join(' – ') || undefined, consent };
    }),
    orgs: codes(body.orgs),
    metrics: codes(body.metrics),
    whatWillChange: text('whatWillChange'),
    reportBackBy: text('reportBackBy'),
    rawNotes: text('rawNotes'),
  };
}

/**
 * The organisation page's listening inquiries that concern or were convened by it
 * (`listeningLinksFor`); what the reader may see.
 */
export async function listeningLinksFor(
  context: UseCaseContext,
  orgCode: string,
): Promise<{ listeningLinks: ReturnType<typeof listeningItem>[] }> {
  return { listeningLinks: (await listListening(context, { orgCode })).map(listeningItem) };
}

/** A metric page's listening inquiries that concern it (`listeningLinksForMetric`). */
export async function listeningLinksForMetric(
  context: UseCaseContext,
  metricId: string,
): Promise<{ listeningLinks: ReturnType<typeof listeningItem>[] }> {
  return { listeningLinks: (await listListening(context, { metricId })).map(listeningItem) };
}
