import type { UseCaseContext } from '../../../app/context.ts';
import { SIGNAL_AGES, type SignalQuery, signalFilter, signalQuery } from '../../../app/signals/filter.ts';
import { canChangeSignal, nextStatuses, SIGNAL_NOTE_MAX } from '../../../app/signals/lifecycle.ts';
import { readSignals, SIGNAL_LIST_LIMIT, type SignalListRow } from '../../../app/signals/read.ts';
import { formatMetricValue } from '../../../app/spc-view.ts';
import { requireReadableMetric } from '../../../app/teams/access.ts';
import {
  SIGNAL_CLOSED_REASON_LABELS,
  SIGNAL_KIND_LABELS,
  SIGNAL_KINDS,
  SIGNAL_STATUS_LABELS,
  SIGNAL_STATUSES,
  type SignalStatus,
} from '../../../domain/signal.ts';
import type { SignalRow } from '../../../store/tables.ts';
import { cell, type DataTable } from '../../data-table.ts';
import type { FieldError } from '../../forms.ts';

/** How many signals a page lists; the CSV holds them all. */
export const SIGNAL_PAGE_ROWS = 50;

/** Parses the query, listing every problem as a field error for the filter form's error summary. */
export function parseSignalQuery(query: unknown): { query?: SignalQuery; errors: FieldError[] } {
  const raw = (query ?? {}) as Record<string, unknown>;
  const { download: _download, ...rest } = raw;
  const parsed = signalQuery.safeParse(rest);
  if (parsed.success) return { query: parsed.data, errors: [] };
  return {
    errors: parsed.error.issues.map((issue) => ({
      field: String(issue.path[0] ?? 'form'),
      message: issue.message,
    })),
  };
}

export function signalPath(id: number): string {
  return `/signals/${id}`;
}

export function chartPath(orgCode: string, metricId: string): string {
  return `/organisations/${encodeURIComponent(orgCode)}/metrics/${encodeURIComponent(metricId)}`;
}

const dateWords = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** A date (YYYY-MM-DD) in words: "1 May 2025". */
export function dayInWords(date: string): string {
  return dateWords.format(new Date(`${date}T00:00:00Z`));
}

/** The conversation column: whether an inquiry is open from the signal. */
function conversationText(status: SignalStatus): string {
  return status === 'inquiry_opened' ? 'Inquiry open' : 'None yet';
}

/** A list of signals as a table: the page's and its CSV's. */
export function signalTable(
  rows: readonly SignalListRow[],
  options: { id: string; caption: string; fileName: string },
): DataTable {
  return {
    id: options.id,
    caption: options.caption,
    fileName: options.fileName,
    stackOnPhone: true,
    columns: [
      { label: 'Organisation', sort: true },
      { label: 'ODS code', csvOnly: true },
      { label: 'Metric', sort: true },
      { label: 'Metric id', csvOnly: true },
      { label: 'Signal', sort: true },
      { label: 'Status', sort: true },
      { label: 'Conversation', sort: true },
      { label: 'From', sort: true },
      { label: 'Latest', sort: 'descending' },
      { label: 'Points', numeric: true, sort: true },
      { label: 'Latest value', numeric: true },
      { label: 'What signalled', csvOnly: true },
      { label: 'Signal id', csvOnly: true },
      { label: 'Link', csvOnly: true },
    ],
    rows: rows.map((row) => ({
      key: String(row.id),
      cells: [
        cell(row.org_name, { href: `/organisations/${encodeURIComponent(row.org_code)}` }),
        cell(row.org_code),
        cell(row.metric_name, { href: chartPath(row.org_code, row.metric_id) }),
        cell(row.metric_id),
        cell(SIGNAL_KIND_LABELS[row.kind], { href: signalPath(row.id), csv: row.kind }),
        cell(SIGNAL_STATUS_LABELS[row.status], { csv: row.status }),
        cell(conversationText(row.status), { csv: row.status === 'inquiry_opened' ? 'open' : 'none' }),
        cell(dayInWords(row.first_date), { sortValue: row.first_date, csv: row.first_date }),
        cell(dayInWords(row.latest_date), { sortValue: row.latest_date, csv: row.latest_date }),
        cell(row.points),
        cell(formatMetricValue(row.latest_value, { unit: row.metric_unit }), { csv: row.latest_value }),
        cell(row.detail),
        cell(row.id),
        cell(signalPath(row.id)),
      ],
    })),
  };
}

/** The select options of the filter form, with the chosen one selected. */
function options(pairs: readonly [string, string][], chosen: string | undefined) {
  return pairs.map(([value, text]) => ({ value, text, selected: value === (chosen ?? '') }));
}

/** The `/signals` page: the filters, the counts and the table. */
export async function presentSignalList(context: Pick<UseCaseContext, 'db' | 'actor'>, rawQuery: unknown) {
  const { query, errors } = parseSignalQuery(rawQuery);
  const raw = (rawQuery ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string).slice(0, 64) : '');
  const values = {
    org: text('org'),
    icb: text('icb'),
    region: text('region'),
    metric: text('metric'),
    kind: text('kind'),
    status: text('status'),
    age: text('age'),
    conversation: text('conversation'),
    page: text('page'),
  };
  const form = {
    kinds: options(
      [['', 'Any kind'], ...SIGNAL_KINDS.map((kind) => [kind, SIGNAL_KIND_LABELS[kind]] as [string, string])],
      values.kind,
    ),
    statuses: options(
      [
        ['', 'Open (not closed)'],
        ['all', 'Any status, closed included'],
        ...SIGNAL_STATUSES.map((status) => [status, SIGNAL_STATUS_LABELS[status]] as [string, string]),
      ],
      values.status === 'open' ? '' : values.status,
    ),
    ages: options(
      [['', 'Any'], ...Object.entries(SIGNAL_AGES).map(([key, age]) => [key, age.label] as [string, string])],
      values.age,
    ),
    conversations: options(
      [
        ['', 'Either'],
        ['open', 'An inquiry is open'],
        ['none', 'No inquiry yet'],
      ],
      values.conversation,
    ),
  };
  if (!query) return { errors, values, form, list: null, table: null };
  // a team's organisation-only indicator is not there for those who may not read it
  if (query.metric) await requireReadableMetric(context, query.metric);
  // a page lists SIGNAL_PAGE_ROWS rows; its CSV holds every signal that matches (up to the list's limit)
  const download = raw.download !== undefined;
  const offset = download ? 0 : (query.page - 1) * SIGNAL_PAGE_ROWS;
  const list = await readSignals(
    context,
    signalFilter(query),
    download ? SIGNAL_LIST_LIMIT : SIGNAL_PAGE_ROWS,
    offset,
  );
  const filtered = Object.entries(values).some(
    ([key, value]) => key !== 'page' && value !== '' && value !== 'open',
  );
  const pageHref = (page: number) => {
    const params = new URLSearchParams(
      Object.entries(values).filter(([key, value]) => key !== 'page' && value !== ''),
    );
    if (page > 1) params.set('page', String(page));
    const search = params.toString();
    return `/signals${search ? `?${search}` : ''}`;
  };
  const pages = Math.max(1, Math.ceil(list.total / SIGNAL_PAGE_ROWS));
  return {
    errors,
    values,
    form,
    filtered,
    list: {
      total: list.total,
      unstartedConcerns: list.unstartedConcerns,
      shown: list.rows.length,
      from: list.rows.length ? offset + 1 : 0,
      to: offset + list.rows.length,
      page: query.page,
      pages,
      previousHref: query.page > 1 ? pageHref(query.page - 1) : null,
      nextHref: query.page < pages ? pageHref(query.page + 1) : null,
      lastHref: pageHref(pages),
    },
    table: signalTable(list.rows, {
      id: 'signals',
      caption: filtered ? 'Signals matching the filters' : 'Open signals',
      fileName: 'tend-signals',
    }),
  };
}

/** One signal's page: what signalled, where it stands, and (for those who may) the lifecycle form. */
export async function presentSignal(
  context: Pick<UseCaseContext, 'db' | 'actor'>,
  signal: SignalRow,
  names: { orgName: string; metricName: string; metricUnit: string },
) {
  const canChange = await canChangeSignal(context, signal);
  const next = nextStatuses(signal.status);
  return {
    signal,
    kindLabel: SIGNAL_KIND_LABELS[signal.kind],
    statusLabel: SIGNAL_STATUS_LABELS[signal.status],
    closedReasonLabel: signal.closed_reason ? SIGNAL_CLOSED_REASON_LABELS[signal.closed_reason] : null,
    firstDate: dayInWords(signal.first_date),
    latestDate: dayInWords(signal.latest_date),
    latestValue: formatMetricValue(signal.latest_value, { unit: names.metricUnit }),
    orgName: names.orgName,
    metricName: names.metricName,
    chartHref: chartPath(signal.org_code, signal.metric_id),
    organisationHref: `/organisations/${encodeURIComponent(signal.org_code)}`,
    canChange: canChange && next.length > 0,
    statusChoices: next.map((status) => ({
      value: status,
      text: SIGNAL_STATUS_LABELS[status],
      hint: {
        text:
          status === 'acknowledged'
            ? 'You have seen it and will come back to it.'
            : status === 'understood'
              ? 'You know what explains it: write the reason below.'
              : status === 'data_question'
                ? 'The data may be wrong: say what looks wrong below.'
                : 'Nothing more to do about it.',
      },
    })),
    noteMax: SIGNAL_NOTE_MAX,
  };
}

/** A short list of signals for the chart, organisation and system pages. */
export function signalSection(
  rows: readonly SignalListRow[],
  counts: { total: number; unstartedConcerns: number },
  allHref: string,
) {
  return {
    items: rows.map((row) => ({
      href: signalPath(row.id),
      kindLabel: SIGNAL_KIND_LABELS[row.kind],
      kind: row.kind,
      statusLabel: SIGNAL_STATUS_LABELS[row.status],
      orgName: row.org_name,
      orgCode: row.org_code,
      metricName: row.metric_name,
      chartHref: chartPath(row.org_code, row.metric_id),
      detail: row.detail,
      since: dayInWords(row.first_date),
      latest: dayInWords(row.latest_date),
    })),
    total: counts.total,
    unstartedConcerns: counts.unstartedConcerns,
    allHref,
  };
}

/** The signals section of a chart page: this series' open signals. */
export async function chartSignalSection(
  context: Pick<UseCaseContext, 'db' | 'actor'>,
  orgCode: string,
  metricId: string,
) {
  const list = await readSignals(context, { orgCode, metricId }, 50);
  const own = list.rows.filter((row) => row.org_code === orgCode);
  return {
    chartSignals: signalSection(
      own,
      {
        total: own.length,
        unstartedConcerns: own.filter(
          (row) => row.kind === 'concern' && (row.status === 'new' || row.status === 'acknowledged'),
        ).length,
      },
      `/signals?org=${encodeURIComponent(orgCode)}&metric=${encodeURIComponent(metricId)}`,
    ),
  };
}

/** The most signals the organisation and system pages list before linking to `/signals`. */
const SECTION_LIMIT = 20;

/** The signals section of an organisation page: its open signals (its teams' included). */
export async function organisationSignalSection(
  context: Pick<UseCaseContext, 'db' | 'actor'>,
  orgCode: string,
) {
  const list = await readSignals(context, { orgCode }, SECTION_LIMIT);
  return {
    organisationSignals: signalSection(list.rows, list, `/signals?org=${encodeURIComponent(orgCode)}`),
  };
}

/** The signals section of an ICB's system page: its members' open signals. */
export async function systemSignalSection(context: Pick<UseCaseContext, 'db' | 'actor'>, icbCode: string) {
  const list = await readSignals(context, { icbCode }, SECTION_LIMIT);
  return { systemSignals: signalSection(list.rows, list, `/signals?icb=${encodeURIComponent(icbCode)}`) };
}
