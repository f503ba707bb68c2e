import type { UseCaseContext } from '../../../app/context.ts';
import type {
  EscalationClock,
  EscalationDetail,
  OrganisationEscalations,
  ReceivedEscalations,
} from '../../../app/escalations/read.ts';
import {
  type EscalationTopic,
  escalationStateLabels,
  type WouldRaiseAgain,
  wouldRaiseAgainAnswers,
} from '../../../domain/improvement.ts';
import { workingDaysText } from '../../../domain/working-days.ts';
import { canReadRaisedEscalations, canReadReceivedEscalations } from '../../../policies/escalation.ts';
import type { EscalationWithNames } from '../../../store/repos/escalation-repo.ts';
import { organisationContext } from '../../../store/repos/organisation-repo.ts';
import { cell, type DataTable } from '../../data-table.ts';
import { errorsByField, type FieldError } from '../../forms.ts';
import { longDate } from '../inquiries/present.ts';

/**
 * View models of the escalation pages: an organisation's escalations with the form to raise one, one
 * escalation's timeline with its clocks and the forms for the next step, and a recipient's ageing
 * view. Clocks are shown in working days (Monday to Friday, bank holidays in England left out), with
 * calendar days beside them.
 */

export type FormValues = Record<string, string>;

export const topicLabels: Record<EscalationTopic, string> = {
  performance: 'Performance',
  finance: 'Finance',
  quality: 'Quality',
};

export const wouldRaiseAgainLabels: Record<WouldRaiseAgain, string> = {
  yes: 'Yes',
  no: 'No',
  not_sure: 'Not sure',
};

/** The address of an organisation's escalations, or of one escalation. */
export function escalationsPath(orgCode: string): string {
  return `/organisations/${encodeURIComponent(orgCode)}/escalations`;
}

export function escalationPath(id: number): string {
  return `/escalations/${id}`;
}

export function receivedPath(recipientCode: string): string {
  return `${escalationsPath(recipientCode)}/received`;
}

/** "3 working days (5 calendar days)". */
export function elapsedText(elapsed: { workingDays: number; calendarDays: number }): string {
  return `${workingDaysText(elapsed.workingDays)} (${elapsed.calendarDays} calendar day${elapsed.calendarDays === 1 ? '' : 's'})`;
}

/** The clock as a sentence: "Raised 6 working days ago; acknowledged 2 working days ago". */
export function clockText(clock: EscalationClock): string {
  if (clock.stopped) return `Closed after ${elapsedText(clock.sinceRaised)}`;
  const since = `${workingDaysText(clock.sinceRaised.workingDays)} since raised`;
  if (clock.lastStep === 'raised') return `${since}, waiting to be acknowledged`;
  return `${since}; ${workingDaysText(clock.sinceLastStep.workingDays)} since ${escalationStateLabels[clock.lastStep].toLowerCase()}`;
}

function recipientText(escalation: EscalationWithNames): string {
  return `${escalation.recipient_name} (${escalation.recipient_kind === 'region' ? 'NHS England region' : 'ICB'})`;
}

/** The table of an organisation's escalations (and its CSV). */
export function raisedTable(page: OrganisationEscalations): DataTable {
  return {
    id: 'escalations',
    caption: `Concerns ${page.organisation.name} has escalated`,
    captionHidden: true,
    fileName: `tend-escalations-${page.organisation.code}`,
    columns: [
      { label: 'Title' },
      { label: 'Raised with' },
      { label: 'Topic' },
      { label: 'State' },
      { label: 'Raised' },
      { label: 'Working days since raised', numeric: true },
      { label: 'Clock' },
    ],
    rows: page.escalations.map(({ escalation, clock }) => ({
      key: String(escalation.id),
      cells: [
        cell(escalation.title, { href: escalationPath(escalation.id) }),
        cell(recipientText(escalation)),
        cell(topicLabels[escalation.topic]),
        cell(escalationStateLabels[escalation.state]),
        cell(longDate(escalation.raised_at), { csv: escalation.raised_at.toISOString() }),
        cell(clock.sinceRaised.workingDays),
        cell(clockText(clock)),
      ],
    })),
  };
}

/** The raiser's page (`presentRaised`): the list and, for its writers, the form to raise a concern. */
export function presentRaised(
  page: OrganisationEscalations,
  options: { values?: FormValues; errors?: FieldError[] } = {},
) {
  const values = options.values ?? {};
  const errors = options.errors ?? [];
  return {
    pageName: `Escalated concerns – ${page.organisation.name}`,
    organisation: {
      code: page.organisation.code,
      name: page.organisation.name,
      href: `/organisations/${encodeURIComponent(page.organisation.code)}`,
    },
    count: page.escalations.length,
    table: raisedTable(page),
    canRaise: page.canRaise && page.recipients.length > 0,
    action: escalationsPath(page.organisation.code),
    recipients: page.recipients.map((recipient) => ({
      value: recipient.code,
      text: `${recipient.name} (${recipient.kind === 'region' ? 'your NHS England region' : 'your integrated care board'})`,
      checked: values.recipient === recipient.code,
    })),
    topics: (Object.keys(topicLabels) as EscalationTopic[]).map((topic) => ({
      value: topic,
      text: topicLabels[topic],
      checked: values.topic === topic,
    })),
    values,
    errors,
    fieldErrors: errorsByField(errors),
  };
}

/** One escalation's page (`presentEscalation`): timeline with clocks and the next step's forms. */
export function presentEscalation(
  detail: EscalationDetail,
  options: { values?: FormValues; errors?: FieldError[] } = {},
) {
  const { escalation, clock, permissions } = detail;
  const errors = options.errors ?? [];
  return {
    pageName: `${escalation.title} – escalated concern`,
    escalation: {
      id: escalation.id,
      title: escalation.title,
      body: escalation.body,
      topic: topicLabels[escalation.topic],
      state: escalation.state,
      stateLabel: escalationStateLabels[escalation.state],
      raiser: {
        code: escalation.raiser_org_code,
        name: escalation.raiser_name,
        href: escalationsPath(escalation.raiser_org_code),
      },
      recipient: {
        code: escalation.recipient_org_code,
        text: recipientText(escalation),
        href: receivedPath(escalation.recipient_org_code),
      },
      raisedBy: escalation.raised_by_label,
      raised: longDate(escalation.raised_at),
      response: escalation.response,
      wouldRaiseAgain: escalation.would_raise_again
        ? wouldRaiseAgainLabels[escalation.would_raise_again]
        : null,
      closingComment: escalation.closing_comment,
      version: escalation.version,
      isExample: escalation.is_example,
    },
    clock: {
      text: clockText(clock),
      sinceRaised: elapsedText(clock.sinceRaised),
      sinceLastStep: elapsedText(clock.sinceLastStep),
      lastStep: escalationStateLabels[clock.lastStep].toLowerCase(),
      stopped: clock.stopped,
    },
    // A closed event after the closing is the raiser's later answer to the question.
    steps: detail.steps.map((step, index) => ({
      stateLabel:
        step.event.state === 'closed' &&
        detail.steps.slice(0, index).some((earlier) => earlier.event.state === 'closed')
          ? 'Answered “would you raise a concern this way again?”'
          : escalationStateLabels[step.event.state],
      date: longDate(step.event.at),
      at: step.event.at.toISOString(),
      by: step.event.by_label,
      note: step.event.note,
      sinceRaised: elapsedText(step.sinceRaised),
      sincePrevious: elapsedText(step.sincePrevious),
    })),
    permissions,
    actionsBase: escalationPath(escalation.id),
    answers: wouldRaiseAgainAnswers.map((answer) => ({
      value: answer,
      text: wouldRaiseAgainLabels[answer],
      checked: options.values?.wouldRaiseAgain === answer,
    })),
    values: options.values ?? {},
    errors,
    fieldErrors: errorsByField(errors),
  };
}

/** The recipient's ageing view (`presentReceived`): open concerns by age band, oldest first. */
export function presentReceived(page: ReceivedEscalations) {
  const row = ({ escalation, clock }: { escalation: EscalationWithNames; clock: EscalationClock }) => ({
    key: String(escalation.id),
    cells: [
      cell(escalation.title, { href: escalationPath(escalation.id) }),
      cell(escalation.raiser_name, { note: escalation.raiser_org_code }),
      cell(topicLabels[escalation.topic]),
      cell(escalationStateLabels[escalation.state]),
      cell(longDate(escalation.raised_at), { csv: escalation.raised_at.toISOString() }),
      cell(clock.sinceRaised.workingDays),
      cell(clock.sinceLastStep.workingDays),
    ],
  });
  const columns = [
    { label: 'Title' },
    { label: 'Raised by' },
    { label: 'Topic' },
    { label: 'State' },
    { label: 'Raised' },
    { label: 'Working days since raised', numeric: true },
    { label: 'Working days in this state', numeric: true },
  ];
  const name = page.recipient.name;
  return {
    pageName: `Concerns escalated to ${name}`,
    recipient: {
      code: page.recipient.code,
      name,
      kind: page.recipientKind === 'region' ? 'NHS England region' : 'Integrated care board',
      href:
        page.recipientKind === 'region'
          ? `/regions/${encodeURIComponent(page.recipient.code)}`
          : `/systems/${encodeURIComponent(page.recipient.code)}`,
    },
    openCount: page.openCount,
    bands: page.bands.map((band) => ({
      key: band.key,
      label: band.label,
      count: band.escalations.length,
    })),
    table: {
      id: 'open-escalations',
      caption: `Open concerns escalated to ${name}, oldest first`,
      captionHidden: true,
      fileName: `tend-escalations-received-${page.recipient.code}`,
      rowHeaderColumn: 1,
      columns: [{ label: 'Age band' }, ...columns],
      rows: page.bands.flatMap((band) =>
        band.escalations.map((each) => {
          const built = row(each);
          return { ...built, cells: [cell(band.label), ...built.cells] };
        }),
      ),
    } satisfies DataTable,
    closedTable: {
      id: 'closed-escalations',
      caption: `Closed concerns escalated to ${name}`,
      captionHidden: true,
      fileName: `tend-escalations-closed-${page.recipient.code}`,
      columns: [
        { label: 'Title' },
        { label: 'Raised by' },
        { label: 'Topic' },
        { label: 'Raised' },
        { label: 'Working days open', numeric: true },
        { label: 'Would raise a concern this way again' },
      ],
      rows: page.closed.map(({ escalation, clock }) => ({
        key: String(escalation.id),
        cells: [
          cell(escalation.title, { href: escalationPath(escalation.id) }),
          cell(escalation.raiser_name, { note: escalation.raiser_org_code }),
          cell(topicLabels[escalation.topic]),
          cell(longDate(escalation.raised_at), { csv: escalation.raised_at.toISOString() }),
          cell(clock.sinceRaised.workingDays),
          cell(
            escalation.would_raise_again
              ? wouldRaiseAgainLabels[escalation.would_raise_again]
              : 'Not answered',
          ),
        ],
      })),
    } satisfies DataTable,
    closedCount: page.closed.length,
  };
}

/**
 * The organisation page's links to escalations, per reader (`organisationEscalationLinks`): the
 * organisation's escalated concerns for those who may read them, and — on a region's or an ICB's
 * page — what was escalated to it, for those who receive it.
 */
export async function organisationEscalationLinks(
  context: UseCaseContext,
  organisation: { code: string; kind: string },
): Promise<{ escalationsHref: string | null; escalationsReceivedHref: string | null }> {
  if (context.actor.kind === 'anonymous') return { escalationsHref: null, escalationsReceivedHref: null };
  const org = await organisationContext(context.db, organisation.code);
  const raises = organisation.kind !== 'region' && organisation.kind !== 'icb';
  return {
    escalationsHref:
      raises && org && canReadRaisedEscalations(context.actor, org)
        ? escalationsPath(organisation.code)
        : null,
    escalationsReceivedHref:
      (organisation.kind === 'region' || organisation.kind === 'icb') &&
      canReadReceivedEscalations(context.actor, organisation.kind, organisation.code)
        ? receivedPath(organisation.code)
        : null,
  };
}
