import type { UseCaseContext } from '../../../app/context.ts';
import { participantLines } from '../../../app/inquiries/input.ts';
import type { InquiryDetail } from '../../../app/inquiries/read.ts';
import { organisationInquiries, sharedIssuesOf } from '../../../app/inquiries/read.ts';
import { openConcernOn } from '../../../app/inquiries/signal-link.ts';
import {
  closingReasonLabels,
  closingReasons,
  factorControlLabels,
  inquiryKindLabels,
  inquiryStateLabels,
  type Participant,
  type PromptField,
  participantGroupLabels,
  participantGroups,
  promptDomainLabels,
  workingStates,
} from '../../../domain/inquiry.ts';
import { visibilityLabels } from '../../../domain/people.ts';
import type { PromptSetRow } from '../../../store/inquiry-tables.ts';
import type { InquiryWithNames, SharedIssue } from '../../../store/repos/inquiry-repo.ts';
import { cell, type DataTable } from '../../data-table.ts';
import { errorsByField, type FieldError } from '../../forms.ts';

/**
 * View models of the inquiry pages, the chart page's and organisation page's inquiry sections and
 * the system page's shared issues, each built per request for its reader.
 */

/** The address of an organisation's inquiries, or of one of them. */
export function inquiriesPath(orgCode: string, id?: number): string {
  const base = `/organisations/${encodeURIComponent(orgCode)}/inquiries`;
  return id === undefined ? base : `${base}/${id}`;
}

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "1 March 2026" from an ISO date or a Date. */
export function longDate(value: string | Date | null): string {
  if (value === null) return '';
  const date = typeof value === 'string' ? new Date(`${value.slice(0, 10)}T00:00:00Z`) : value;
  return Number.isNaN(date.getTime()) ? String(value) : dateFormat.format(date);
}

/** An inquiry as lists show it. */
export function inquirySummary(inquiry: InquiryWithNames) {
  return {
    id: inquiry.id,
    href: inquiriesPath(inquiry.org_code, inquiry.id),
    title: inquiry.title,
    kind: inquiryKindLabels[inquiry.kind],
    state: inquiry.state,
    stateLabel: inquiryStateLabels[inquiry.state],
    visibilityLabel: visibilityLabels[inquiry.visibility],
    promptTitle: inquiry.prompt_title,
    domainLabel: promptDomainLabels[inquiry.prompt_domain],
    metric: inquiry.metric_id
      ? {
          id: inquiry.metric_id,
          name: inquiry.metric_name ?? inquiry.metric_id,
          href: `/organisations/${encodeURIComponent(inquiry.org_code)}/metrics/${encodeURIComponent(inquiry.metric_id)}`,
        }
      : null,
    orgName: inquiry.org_name,
    updated: longDate(inquiry.updated_at),
    isExample: inquiry.is_example,
  };
}

/** The table of an organisation's inquiries (and its CSV). */
export function inquiriesTable(
  orgCode: string,
  orgName: string,
  inquiries: readonly InquiryWithNames[],
): DataTable {
  return {
    id: 'inquiries',
    caption: `Inquiries and learning reviews of ${orgName}`,
    captionHidden: true,
    fileName: `tend-inquiries-${orgCode}`,
    columns: [
      { label: 'Title' },
      { label: 'Kind' },
      { label: 'Stage' },
      { label: 'Metric' },
      { label: 'Metric id', csvOnly: true },
      { label: 'Prompts' },
      { label: 'Who can read it' },
      { label: 'Last changed' },
      { label: 'Learning summary', csvOnly: true },
      { label: 'URL', csvOnly: true },
    ],
    rows: inquiries.map((inquiry) => {
      const summary = inquirySummary(inquiry);
      return {
        key: String(inquiry.id),
        cells: [
          cell(inquiry.title, { href: summary.href }),
          cell(summary.kind),
          cell(summary.stateLabel),
          cell(summary.metric?.name ?? '', summary.metric ? { href: summary.metric.href } : {}),
          cell(inquiry.metric_id ?? ''),
          cell(summary.domainLabel),
          cell(summary.visibilityLabel),
          cell(summary.updated, { csv: inquiry.updated_at.toISOString() }),
          cell(inquiry.learning_summary ?? ''),
          cell(summary.href),
        ],
      };
    }),
  };
}

/**
 * The inquiries section of a chart page (`chartInquirySection`): this chart's inquiries and the links to
 * open one or invite the organisation into one — from the chart's open concern, when there is one.
 */
export async function chartInquirySection(context: UseCaseContext, orgCode: string, metricId: string) {
  const { organisation, inquiries, canOpen, canInvite } = await organisationInquiries(context, orgCode, {
    metricId,
  });
  const signalId =
    canOpen || canInvite ? await openConcernOn(context, organisation.code, metricId) : undefined;
  const query = `?metric=${encodeURIComponent(metricId)}${signalId ? `&signal=${signalId}` : ''}`;
  return {
    chartInquiries: {
      items: inquiries.map(inquirySummary),
      allHref: inquiriesPath(organisation.code),
      openHref: canOpen ? `${inquiriesPath(organisation.code)}/new${query}` : null,
      inviteHref: canInvite ? `${inquiriesPath(organisation.code)}/invite${query}` : null,
    },
  };
}

/** The organisation page's inquiries section (`organisationInquirySection`). */
export async function organisationInquirySection(context: UseCaseContext, orgCode: string) {
  const { organisation, inquiries, canOpen, canInvite } = await organisationInquiries(context, orgCode);
  return {
    orgInquiries: {
      items: inquiries.slice(0, 5).map(inquirySummary),
      count: inquiries.length,
      allHref: inquiriesPath(organisation.code),
      openHref: canOpen ? `${inquiriesPath(organisation.code)}/new` : null,
      inviteHref: canInvite ? `${inquiriesPath(organisation.code)}/invite` : null,
    },
  };
}

/** The system page's shared issues (`systemSharedIssueSection`): factors its members tagged to a system partner. */
export async function systemSharedIssueSection(context: UseCaseContext, icbCode: string) {
  const issues = await sharedIssuesOf(context, icbCode);
  return { sharedIssues: { items: issues.map(sharedIssueSummary) } };
}

function sharedIssueSummary(issue: SharedIssue) {
  return {
    description: issue.description,
    partner: issue.partner_org_name ?? issue.partner_name ?? issue.partner_org_code ?? '',
    partnerHref: issue.partner_org_code
      ? `/organisations/${encodeURIComponent(issue.partner_org_code)}`
      : null,
    orgName: issue.org_name,
    orgHref: `/organisations/${encodeURIComponent(issue.org_code)}`,
    inquiryTitle: issue.inquiry_title,
    inquiryHref: inquiriesPath(issue.org_code, issue.inquiry_id),
    stateLabel: inquiryStateLabels[issue.inquiry_state],
    added: longDate(issue.created_at),
  };
}

function participantsByGroup(participants: readonly Participant[]) {
  return participantGroups
    .map((group) => ({
      label: participantGroupLabels[group],
      items: participants
        .filter((each) => each.group === group)
        .map(
          (each) =>
            `${each.role}${each.name ? ` (${each.name})` : ''}${each.count ? `, ${each.count} people` : ''}`,
        ),
    }))
    .filter((group) => group.items.length);
}

/** The values a form shows: what was sent back after a problem, else what is stored. */
export type FormValues = Record<string, string>;

/** One inquiry's page, with the forms its reader may use. */
export function presentInquiry(
  detail: InquiryDetail,
  options: { errors?: FieldError[]; values?: FormValues; today: string },
) {
  const { inquiry } = detail;
  const base = inquiriesPath(inquiry.org_code, inquiry.id);
  const values: FormValues = {
    noteDate: options.today,
    learningSummary: inquiry.learning_summary ?? '',
    ...Object.fromEntries(
      participantGroups.map((group) => [
        `participants_${group}`,
        participantLines(inquiry.participants, group),
      ]),
    ),
    ...Object.fromEntries(
      inquiry.prompt_fields.map((field) => [`answer_${field.id}`, inquiry.answers[field.id] ?? '']),
    ),
    ...(options.values ?? {}),
  };
  const summary = inquirySummary(inquiry);
  // Who wrote a note or sent the invitation: named only to those who take part in the inquiry.
  const namesShown = detail.permissions.work || detail.permissions.respond || detail.readers.length > 0;
  return {
    pageName: inquiry.title,
    inquiry: {
      ...summary,
      version: inquiry.version,
      signalId: inquiry.signal_id,
      invitedBy: inquiry.invited_by_label
        ? namesShown
          ? inquiry.invited_by_label.replace(/^user:\d+ /, '')
          : 'Those who oversee the organisation'
        : null,
      invitationMessage: inquiry.invitation_message,
      declinedReason: inquiry.declined_reason,
      learningSummary: inquiry.learning_summary,
      closingReason: inquiry.closing_reason ? closingReasonLabels[inquiry.closing_reason] : null,
      closingNote: inquiry.closing_note,
      passedTo: inquiry.passed_to_org_name ?? inquiry.passed_to_name ?? inquiry.passed_to_org_code,
      followUp: longDate(inquiry.follow_up_date),
      opened: longDate(inquiry.created_at),
    },
    organisation: {
      code: inquiry.org_code,
      name: inquiry.org_name,
      href: `/organisations/${encodeURIComponent(inquiry.org_code)}`,
    },
    listHref: inquiriesPath(inquiry.org_code),
    promptSet: { title: inquiry.prompt_title, version: inquiry.prompt_version, domain: summary.domainLabel },
    prompts: inquiry.prompt_fields.map((field: PromptField) => ({
      ...field,
      name: `answer_${field.id}`,
      answer: inquiry.answers[field.id] ?? null,
    })),
    participants: participantsByGroup(inquiry.participants),
    participantGroups: participantGroups.map((group) => ({
      name: `participants_${group}`,
      label: participantGroupLabels[group],
    })),
    notes: detail.notes.map((note) => ({
      date: longDate(note.on_date),
      dateIso: note.on_date,
      text: note.text,
      by: namesShown ? note.written_by_label : 'A member of the inquiry',
    })),
    factors: detail.factors.map((factor) => ({
      description: factor.description,
      control: factorControlLabels[factor.control],
      partner: factor.partner_org_name ?? factor.partner_name ?? factor.partner_org_code,
      partnerHref: factor.partner_org_code
        ? `/organisations/${encodeURIComponent(factor.partner_org_code)}`
        : null,
    })),
    actions: detail.actions.map((action) => ({
      id: action.id,
      description: action.description,
      owner: action.owner,
      due: longDate(action.due_date),
      done: action.done_at !== null,
      doneAction: `${base}/actions/${action.id}/done`,
    })),
    readers: detail.readers,
    permissions: detail.permissions,
    actionsBase: base,
    stateItems: workingStates.map((state) => ({
      value: state,
      text: inquiryStateLabels[state],
      checked: state === inquiry.state,
    })),
    closingItems: closingReasons.map((reason) => ({
      value: reason,
      text: closingReasonLabels[reason],
      checked: values.closingReason === reason,
    })),
    values,
    errors: options.errors ?? [],
    fieldErrors: errorsByField(options.errors ?? []),
  };
}

/** A prompt set as its page shows it. */
export function presentPromptSet(set: PromptSetRow) {
  return {
    domain: set.domain,
    domainLabel: promptDomainLabels[set.domain],
    version: set.version,
    title: set.title,
    description: set.description,
    fields: set.fields,
    created: longDate(set.created_at),
    createdBy: set.created_by.replace(/^user:\d+ /, ''),
    href: `/prompt-sets/${set.domain}`,
  };
}

/**
 * A signal page's inquiries (`signalInquirySection`): those opened from the signal that the reader may
 * read, and — while the signal is open — the link to open one (the organisation's writers) or to
 * invite the organisation into one (its overseers).
 */
export async function signalInquirySection(
  context: UseCaseContext,
  signal: { id: number; org_code: string; metric_id: string; closed_at: Date | null },
) {
  const { organisation, inquiries, canOpen, canInvite } = await organisationInquiries(
    context,
    signal.org_code,
    {
      metricId: signal.metric_id,
    },
  );
  const query = `?metric=${encodeURIComponent(signal.metric_id)}&signal=${signal.id}`;
  const open = signal.closed_at === null;
  return {
    signalInquiries: {
      items: inquiries.filter((inquiry) => inquiry.signal_id === signal.id).map(inquirySummary),
      openHref: open && canOpen ? `${inquiriesPath(organisation.code)}/new${query}` : null,
      inviteHref: open && canInvite ? `${inquiriesPath(organisation.code)}/invite${query}` : null,
    },
  };
}
