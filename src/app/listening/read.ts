import {
  isReportBackOverdue,
  type ListeningKind,
  type ListeningState,
  type ParticipantGroup,
  participantGroupLabels,
} from '../../domain/listening.ts';
import type { OrganisationKind } from '../../domain/organisation.ts';
import {
  canPublishListening,
  canReadListening,
  canReadQuote,
  canReadRawNotes,
  canReportBack,
  type ListeningResource,
  listeningScope,
  mayConveneAnywhere,
} from '../../policies/listening-inquiry.ts';
import {
  findListeningInquiry,
  findListeningRawNotes,
  type ListeningInquiryWithConvenor,
  listListeningConcerns,
  listListeningInquiries,
  listListeningParticipants,
  listListeningQuotes,
  listListeningThemes,
} from '../../store/repos/listening-repo.ts';
import { isoDay, type UseCaseContext } from '../context.ts';
import { notFound } from './input.ts';

/**
 * Reading listening inquiries: every inquiry the reader may see (published ones for all, drafts for
 * the convenor's writers), and one inquiry with who took part, its themes, the quotes the reader may
 * see (public only with consent, once published), what it concerns, what will change and the report
 * back. The convenor's raw notes are read only for the convenor's writers; an inquiry the reader may
 * not see is NOT_FOUND, so its existence is not revealed.
 */

/** An inquiry as lists show it. */
export interface ListeningSummary {
  readonly id: number;
  readonly kind: ListeningKind;
  readonly question: string;
  readonly state: ListeningState;
  readonly convenor: { readonly code: string; readonly name: string; readonly kind: OrganisationKind };
  readonly reportBackBy: string | null;
  readonly reportBackOverdue: boolean;
  readonly publishedAt: Date | null;
  readonly createdAt: Date;
  readonly isExample: boolean;
}

/** One inquiry in full, as the reader may see it. */
export interface ListeningDetail extends ListeningSummary {
  readonly participants: readonly {
    readonly group: ParticipantGroup;
    readonly groupLabel: string;
    readonly count: number;
    readonly roles: string | null;
    readonly names: string | null;
  }[];
  readonly participantCount: number;
  readonly themes: readonly string[];
  /** Quotes the reader may see; `consent` false ones only the convenor's writers see. */
  readonly quotes: readonly {
    readonly text: string;
    readonly speaker: string | null;
    readonly consent: boolean;
  }[];
  readonly orgCodes: readonly string[];
  readonly metricIds: readonly string[];
  readonly whatWillChange: string | null;
  readonly reportBackText: string | null;
  readonly reportedBackAt: Date | null;
  /** The convenor's raw notes: null for anyone but the convenor's writers. */
  readonly rawNotes: string | null;
  readonly may: { readonly publish: boolean; readonly reportBack: boolean };
}

/** An inquiry's facts for the policy. */
export function listeningResource(row: ListeningInquiryWithConvenor): ListeningResource {
  return {
    convenorOrgCode: row.convenor_org_code,
    convenorKind: row.convenor_kind as OrganisationKind,
    state: row.state,
  };
}

function summaryOf(row: ListeningInquiryWithConvenor, day: string): ListeningSummary {
  return {
    id: row.id,
    kind: row.kind,
    question: row.question,
    state: row.state,
    convenor: {
      code: row.convenor_org_code,
      name: row.convenor_name,
      kind: row.convenor_kind as OrganisationKind,
    },
    reportBackBy: row.report_back_by,
    reportBackOverdue: isReportBackOverdue({ state: row.state, reportBackBy: row.report_back_by }, day),
    publishedAt: row.published_at,
    createdAt: row.created_at,
    isExample: row.is_example,
  };
}

/**
 * Inquiries the reader may see, newest first (`listListening`): all, those an organisation convened
 * or that concern it (`orgCode`), or those that concern a metric (`metricId`).
 */
export async function listListening(
  context: UseCaseContext,
  filter: { orgCode?: string; metricId?: string } = {},
): Promise<ListeningSummary[]> {
  const day = isoDay(context.clock());
  const rows = await listListeningInquiries(context.db, listeningScope(context.actor), filter);
  return rows
    .filter((row) => canReadListening(context.actor, listeningResource(row)))
    .map((row) => summaryOf(row, day));
}

/** Loads an inquiry the reader may see, or NOT_FOUND (`loadListening`). */
export async function loadListening(
  context: UseCaseContext,
  id: number,
): Promise<ListeningInquiryWithConvenor> {
  const row = await findListeningInquiry(context.db, listeningScope(context.actor), id);
  if (!row || !canReadListening(context.actor, listeningResource(row))) throw notFound(id);
  return row;
}

/** One inquiry in full, as the reader may see it (`getListening`). */
export async function getListening(context: UseCaseContext, id: number): Promise<ListeningDetail> {
  const row = await loadListening(context, id);
  const resource = listeningResource(row);
  const writer = canReadRawNotes(context.actor, resource);
  const [participants, themes, quotes, concerns, rawNotes] = await Promise.all([
    listListeningParticipants(context.db, id),
    listListeningThemes(context.db, id),
    listListeningQuotes(context.db, id, !writer),
    listListeningConcerns(context.db, id),
    writer ? findListeningRawNotes(context.db, id) : Promise.resolve(undefined),
  ]);
  return {
    ...summaryOf(row, isoDay(context.clock())),
    participants: participants.map((each) => ({
      group: each.participant_group,
      groupLabel: participantGroupLabels[each.participant_group],
      count: each.head_count,
      roles: each.roles,
      names: each.names,
    })),
    participantCount: participants.reduce((sum, each) => sum + each.head_count, 0),
    themes: themes.map((each) => each.theme),
    quotes: quotes
      .filter((each) => canReadQuote(context.actor, resource, { consentRecorded: each.consent_recorded }))
      .map((each) => ({ text: each.quote, speaker: each.speaker, consent: each.consent_recorded })),
    orgCodes: concerns.flatMap((each) => (each.org_code ? [each.org_code] : [])),
    metricIds: concerns.flatMap((each) => (each.metric_id ? [each.metric_id] : [])),
    whatWillChange: row.what_will_change,
    reportBackText: row.report_back_text,
    reportedBackAt: row.reported_back_at,
    rawNotes: writer ? (rawNotes ?? null) : null,
    may: {
      publish: canPublishListening(context.actor, resource),
      reportBack: canReportBack(context.actor, resource),
    },
  };
}

/** Whether the reader may start an inquiry for some organisation (`mayStartListening`). */
export function mayStartListening(context: UseCaseContext): boolean {
  return mayConveneAnywhere(context.actor);
}
