import {
  type FollowThrough,
  type FollowThroughFigures,
  followThroughLines,
  shareOf,
} from '../../../app/follow-ups/follow-through.ts';
import type { FollowUpDetail } from '../../../app/follow-ups/read.ts';
import { outcomeLabels, outcomes } from '../../../domain/improvement.ts';
import type { InboxMessageRow, OutboxMessageRow } from '../../../store/repos/follow-up-repo.ts';
import { cell, type DataTable } from '../../data-table.ts';
import type { FieldError } from '../../forms.ts';
import { errorsByField } from '../../forms.ts';

/** Form values sent back after a problem. */
export type FormValues = Record<string, string>;

const dateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});
const dateOnly = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** A date and time as the pages show it (`whenText`). */
export function whenText(at: Date | string | null): string {
  return at ? dateTime.format(new Date(at)) : '';
}

/** An ISO date as the pages show it (`dayText`). */
export function dayText(day: string | null): string {
  return day ? dateOnly.format(new Date(`${day}T00:00:00Z`)) : '';
}

const stateLabels = {
  scheduled: 'Not asked yet',
  asked: 'Asked, waiting for an answer',
  answered: 'Answered',
} as const;

/** The follow-up page's view model (`presentFollowUp`). */
export function presentFollowUp(
  detail: FollowUpDetail,
  options: { errors?: FieldError[]; values?: FormValues; today: string },
) {
  const row = detail.followUp;
  const values = options.values ?? {};
  const errors = options.errors ?? [];
  const action = row.action_description ?? `the actions agreed with ${row.org_name}`;
  return {
    pageName: `How did it go with ${action}?`,
    action,
    followUp: {
      id: row.id,
      state: row.state,
      stateLabel: stateLabels[row.state],
      due: dayText(row.due_on),
      asked: whenText(row.asked_at),
      outcomeLabel: row.outcome ? outcomeLabels[row.outcome] : null,
      answer: row.state === 'answered' ? row.answer : null,
      changeMadeOn: row.change_made_on ? dayText(row.change_made_on) : null,
      answeredBy: row.answered_by_label,
      answeredAt: whenText(row.answered_at),
      isExample: row.is_example,
      owner: row.action_owner_name,
      actionDue: dayText(row.action_due_on),
    },
    organisation: {
      code: row.org_code,
      name: row.org_name,
      href: `/organisations/${encodeURIComponent(row.org_code)}`,
    },
    overseer: { code: row.overseer_org_code, name: row.overseer_name },
    review:
      row.peer_review_id === null
        ? {
            caption: `${row.org_name}: review with ${row.overseer_name}, ${row.quarter}`,
            agreedText: `The review held on ${dayText(row.held_on)}`,
            href: `/organisations/${encodeURIComponent(row.org_code)}/reviews/${row.review_id}`,
          }
        : {
            caption: `${row.org_name}: peer review action plan`,
            agreedText: `The peer review's action plan`,
            href: `/peer-reviews/${row.peer_review_id}`,
          },
    readings: detail.readings,
    mayAnswer: detail.mayAnswer,
    formAction: `/follow-ups/${row.id}`,
    outcomeItems: outcomes.map((outcome) => ({
      value: outcome,
      text: outcomeLabels[outcome],
      checked: values.outcome === outcome,
    })),
    values,
    today: options.today,
    errors,
    fieldErrors: errorsByField(errors),
  };
}

/** The inbox as a table (`inboxTable`). */
export function inboxTable(messages: readonly InboxMessageRow[]): DataTable {
  return {
    id: 'inbox',
    caption: 'Your messages',
    captionHidden: true,
    fileName: 'tend-inbox',
    columns: [{ label: 'Message' }, { label: 'Received' }, { label: 'Read' }],
    rows: messages.map((message) => ({
      key: String(message.id),
      cells: [
        cell(message.subject, { href: `/inbox/${message.id}` }),
        cell(whenText(message.created_at), { csv: new Date(message.created_at).toISOString() }),
        cell(message.read_at ? 'Read' : 'Unread'),
      ],
    })),
  };
}

const transportLabels = {
  smtp: 'Email (SMTP)',
  notify: 'Email (GOV.UK Notify)',
  inbox_only: 'Inbox only: email is not configured (no SMTP_URL)',
} as const;

/** What became of an outbox message, in words (`deliveryText`). */
export function deliveryText(message: OutboxMessageRow): string {
  if (message.transport === 'inbox_only') return 'Not sent: it went to the inbox only';
  if (message.error) return `Failed: ${message.error}`;
  if (message.sent_at) return `Sent ${whenText(message.sent_at)}`;
  return 'Waiting to be sent';
}

/** The outbox as a table (`outboxTable`). */
export function outboxTable(messages: readonly OutboxMessageRow[]): DataTable {
  return {
    id: 'outbox',
    caption: 'Emails Tend sent or would have sent',
    captionHidden: true,
    fileName: 'tend-outbox',
    columns: [
      { label: 'To' },
      { label: 'Subject' },
      { label: 'Made' },
      { label: 'How' },
      { label: 'What happened' },
    ],
    rows: messages.map((message) => ({
      key: String(message.id),
      cells: [
        cell(message.to_address),
        cell(message.subject, message.follow_up_id ? { href: `/follow-ups/${message.follow_up_id}` } : {}),
        cell(whenText(message.created_at), { csv: new Date(message.created_at).toISOString() }),
        cell(transportLabels[message.transport]),
        cell(deliveryText(message)),
      ],
    })),
  };
}

/** One level's follow-through for the partial (`followThroughSection`). */
export function followThroughSection(name: string, figures: FollowThroughFigures) {
  return {
    name,
    organisations: figures.organisations,
    lines: followThroughLines(figures).map((line) => ({
      ...line,
      text: line.whole === 0 ? 'None yet' : `${line.part} of ${line.whole} (${line.share}%)`,
    })),
  };
}

/** England's follow-through per organisation as a table, with its CSV (`followThroughTable`). */
export function followThroughTable(followThrough: FollowThrough): DataTable {
  const share = (part: number, whole: number) => {
    const value = shareOf(part, whole);
    return value === null
      ? cell('–', { csv: '', sortValue: -1 })
      : cell(`${value}%`, { csv: value, sortValue: value });
  };
  return {
    id: 'follow-through',
    caption: 'Follow-through by organisation',
    fileName: `tend-follow-through-${followThrough.day}`,
    columns: [
      { label: 'Organisation', sort: 'ascending' },
      { label: 'Code', csvOnly: true },
      { label: 'Actions due', numeric: true, sort: true },
      { label: 'Done on time', numeric: true, sort: true },
      { label: 'Offers made', numeric: true, sort: true },
      { label: 'Offers taken up', numeric: true, sort: true },
      { label: 'Follow-ups due', numeric: true, sort: true },
      { label: 'Answered', numeric: true, sort: true },
      { label: 'Asked on time', numeric: true, sort: true },
    ],
    rows: followThrough.organisations.map(({ code, name, figures }) => ({
      key: code,
      cells: [
        cell(name, { href: `/organisations/${encodeURIComponent(code)}` }),
        cell(code),
        cell(figures.actionsDue),
        share(figures.actionsDoneOnTime, figures.actionsDue),
        cell(figures.offersMade),
        share(figures.offersAccepted, figures.offersMade),
        cell(figures.followUpsDue),
        share(figures.followUpsAnswered, figures.followUpsDue),
        share(figures.followUpsAskedOnTime, figures.followUpsDue),
      ],
    })),
  };
}
