import type { UseCaseContext } from '../../../app/context.ts';
import { renderMarkdown } from '../../../app/narratives/markdown.ts';
import {
  type NarrativeDetail,
  organisationNarratives,
  type VersionComparison,
  type VersionEntry,
} from '../../../app/narratives/read.ts';
import {
  type NarrativeKind,
  type NarrativeVisibility,
  narrativeKindLabels,
  narrativeKinds,
  narrativeVisibilities,
  type PublicationStatus,
  statusLabels,
  visibilityLabels,
} from '../../../domain/people.ts';
import type { NarrativeWithBody } from '../../../store/repos/narrative-repo.ts';
import type { MetricRow, OrganisationRow } from '../../../store/tables.ts';
import { cell, type DataTable } from '../../data-table.ts';
import type { FieldError } from '../../forms.ts';
import { errorsByField } from '../../forms.ts';

/** Narrative pages' view models: the lists, one narrative, its versions, the form, and the sections on other pages. */

const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});
const dayDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const dateAndTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

/** `/organisations/RYY/narratives`, or one narrative's address with `id` and an optional `rest`. */
export function narrativesPath(orgCode: string, id?: number, rest = ''): string {
  const base = `/organisations/${encodeURIComponent(orgCode)}/narratives`;
  return id === undefined ? base : `${base}/${id}${rest}`;
}

const statusTagClasses: Record<PublicationStatus, string> = {
  draft: 'nhsuk-tag--yellow',
  published: 'nhsuk-tag--green',
  withdrawn: 'nhsuk-tag--grey',
};
const visibilityTagClasses: Record<NarrativeVisibility, string> = {
  public: 'nhsuk-tag--blue',
  organisation: 'nhsuk-tag--purple',
  named: 'nhsuk-tag--orange',
};

/** A calendar date, `2025-04-01`, in words. */
function dayInWords(day: string): string {
  return dayDate.format(new Date(`${day}T00:00:00Z`));
}

/** The period a narrative covers, in words, or null. */
export function periodText(from: string | null, to: string | null): string | null {
  if (from && to) return from === to ? dayInWords(from) : `${dayInWords(from)} to ${dayInWords(to)}`;
  if (from) return `From ${dayInWords(from)}`;
  if (to) return `Up to ${dayInWords(to)}`;
  return null;
}

/** One narrative as every list and section shows it. */
export function narrativeSummary(narrative: NarrativeWithBody) {
  const date =
    narrative.status === 'published' && narrative.published_at
      ? narrative.published_at
      : narrative.updated_at;
  return {
    id: narrative.id,
    title: narrative.title,
    href: narrativesPath(narrative.org_code, narrative.id),
    versionsHref: narrativesPath(narrative.org_code, narrative.id, '/versions'),
    kind: narrativeKindLabels[narrative.kind],
    isStewardship: narrative.kind === 'financial_stewardship',
    status: narrative.status,
    statusLabel: statusLabels[narrative.status],
    statusTagClass: statusTagClasses[narrative.status],
    visibility: narrative.visibility,
    visibilityLabel: visibilityLabels[narrative.visibility],
    visibilityTagClass: visibilityTagClasses[narrative.visibility],
    dateLabel: narrative.status === 'published' ? 'Published' : 'Last changed',
    date: longDate.format(date),
    dateIso: date.toISOString(),
    version: narrative.current_version,
    metric: narrative.metric_id
      ? {
          id: narrative.metric_id,
          name: narrative.metric_name ?? narrative.metric_id,
          href: `/organisations/${encodeURIComponent(narrative.org_code)}/metrics/${encodeURIComponent(narrative.metric_id)}`,
        }
      : null,
    period: periodText(narrative.period_from, narrative.period_to),
    bodyHtml: renderMarkdown(narrative.body),
  };
}

export type NarrativeSummary = ReturnType<typeof narrativeSummary>;

/**
 * The narratives table of an organisation's page and its download (`?download=narratives`): what the
 * reader may see, the text as Markdown in the CSV.
 */
export function narrativesTable(
  orgCode: string,
  orgName: string,
  narratives: readonly NarrativeWithBody[],
): DataTable {
  return {
    id: 'narratives',
    caption: `Narratives of ${orgName}`,
    captionHidden: true,
    fileName: `tend-narratives-${orgCode}`,
    columns: [
      { label: 'Title' },
      { label: 'Kind' },
      { label: 'Metric' },
      { label: 'Metric id', csvOnly: true },
      { label: 'Period' },
      { label: 'Period from', csvOnly: true },
      { label: 'Period to', csvOnly: true },
      { label: 'Status' },
      { label: 'Who can read it' },
      { label: 'Published' },
      { label: 'URL', csvOnly: true },
      { label: 'Text (Markdown)', csvOnly: true },
    ],
    rows: narratives.map((narrative) => {
      const summary = narrativeSummary(narrative);
      return {
        key: String(narrative.id),
        cells: [
          cell(narrative.title, { href: summary.href }),
          cell(summary.kind),
          cell(summary.metric?.name ?? '', summary.metric ? { href: summary.metric.href } : {}),
          cell(narrative.metric_id ?? ''),
          cell(summary.period ?? ''),
          cell(narrative.period_from ?? ''),
          cell(narrative.period_to ?? ''),
          cell(summary.statusLabel),
          cell(summary.visibilityLabel),
          cell(narrative.published_at ? longDate.format(narrative.published_at) : '', {
            csv: narrative.published_at ? narrative.published_at.toISOString() : null,
          }),
          cell(summary.href),
          cell(narrative.body),
        ],
      };
    }),
  };
}

/** How many narratives the organisation page lists; the narratives page lists them all. */
export const organisationPageNarratives = 10;

/**
 * The organisation page's narratives for this reader (`organisationNarrativeSection`): Financial
 * Stewardship Narratives first, then the latest, at most `organisationPageNarratives` of them, as a
 * table with its CSV, and how many there are in all. Loaded per request: who may read what differs.
 * `organisation` is the page's own row when it has one, so it is not read again.
 */
export async function organisationNarrativeSection(
  context: UseCaseContext,
  orgCode: string,
  organisationRow?: OrganisationRow,
) {
  const { organisation, narratives, total, canWrite } = await organisationNarratives(context, orgCode, {
    limit: organisationPageNarratives,
    ...(organisationRow ? { organisation: organisationRow } : {}),
  });
  return {
    narrativeSection: {
      count: total,
      shown: narratives.length,
      stewardship: narratives
        .filter((narrative) => narrative.kind === 'financial_stewardship' && narrative.status === 'published')
        .slice(0, 1)
        .map(narrativeSummary)[0],
      table: narrativesTable(organisation.code, organisation.name, narratives),
      allHref: narrativesPath(organisation.code),
      newHref: canWrite ? `${narrativesPath(organisation.code)}/new` : null,
    },
  };
}

/**
 * The chart page's narratives about its organisation and metric for this reader
 * (`chartNarrativeSection`), with the link to write one for those who may.
 */
export async function chartNarrativeSection(context: UseCaseContext, orgCode: string, metricId: string) {
  const { organisation, narratives, canWrite } = await organisationNarratives(context, orgCode, { metricId });
  return {
    chartNarratives: {
      items: narratives.map(narrativeSummary),
      allHref: narrativesPath(organisation.code),
      newHref: canWrite
        ? `${narrativesPath(organisation.code)}/new?metric=${encodeURIComponent(metricId)}`
        : null,
    },
  };
}

/** One narrative's page. */
export function presentNarrative(detail: NarrativeDetail) {
  const orgName = detail.narrative.org_name;
  const summary = narrativeSummary(detail.narrative);
  const base = narrativesPath(detail.narrative.org_code, detail.narrative.id);
  return {
    pageName: detail.narrative.title,
    organisation: {
      code: detail.narrative.org_code,
      name: orgName,
      href: `/organisations/${encodeURIComponent(detail.narrative.org_code)}`,
    },
    // The text sits under the page's h1: its headings start at h2.
    narrative: { ...summary, bodyHtml: renderMarkdown(detail.narrative.body, { topHeading: 2 }) },
    readers: detail.readers,
    permissions: detail.permissions,
    editHref: `${base}/edit`,
    publishAction: `${base}/publish`,
    withdrawAction: `${base}/withdraw`,
    listHref: narrativesPath(detail.narrative.org_code),
    updated: dateAndTime.format(detail.narrative.updated_at),
  };
}

/** A narrative's versions page: a table of the versions the reader may see and a form to compare two. */
export function presentVersions(detail: NarrativeDetail, versions: readonly VersionEntry[]) {
  const orgName = detail.narrative.org_name;
  const base = narrativesPath(detail.narrative.org_code, detail.narrative.id);
  const numbers = versions.map((version) => version.version);
  return {
    pageName: `Versions of ${detail.narrative.title}`,
    organisation: { code: detail.narrative.org_code, name: orgName },
    narrative: narrativeSummary(detail.narrative),
    compareAction: `${base}/versions/compare`,
    versions: versions
      .map((version, index) => ({
        version: version.version,
        title: version.title,
        status: statusLabels[version.status],
        statusTagClass: statusTagClasses[version.status],
        visibility: visibilityLabels[version.visibility],
        kind: narrativeKindLabels[version.kind],
        writtenAt: dateAndTime.format(version.written_at),
        writtenBy: version.writtenByName,
        compareHref:
          index > 0
            ? `${base}/versions/compare?from=${versions[index - 1].version}&to=${version.version}`
            : null,
        previous: index > 0 ? versions[index - 1].version : null,
      }))
      .reverse(),
    options: numbers,
    defaultFrom: numbers.length > 1 ? numbers[numbers.length - 2] : numbers[0],
    defaultTo: numbers[numbers.length - 1],
  };
}

/** The side-by-side comparison page of two versions. */
export function presentComparison(comparison: VersionComparison) {
  const orgName = comparison.narrative.org_name;
  const base = narrativesPath(comparison.narrative.org_code, comparison.narrative.id);
  return {
    pageName: `Changes from version ${comparison.from.version} to ${comparison.to.version} of ${comparison.narrative.title}`,
    organisation: { code: comparison.narrative.org_code, name: orgName },
    narrative: narrativeSummary(comparison.narrative),
    versionsHref: `${base}/versions`,
    from: { version: comparison.from.version, writtenAt: dateAndTime.format(comparison.from.written_at) },
    to: { version: comparison.to.version, writtenAt: dateAndTime.format(comparison.to.written_at) },
    fields: comparison.fields,
    rows: comparison.rows,
    changedLines: comparison.rows.filter((row) => row.kind !== 'same').length,
  };
}

export interface NarrativeFormValues {
  kind: string;
  title: string;
  metric: string;
  periodFrom: string;
  periodTo: string;
  body: string;
  visibility: string;
  readers: string;
  baseVersion?: number;
}

const kindHints: Record<NarrativeKind, string> = {
  metric_commentary: 'What one chart shows, why, what you are doing about it, and the risks.',
  financial_stewardship:
    'The public account of how the organisation made its resource decisions, with their clinical, moral and community reasons.',
  team_story: 'A team’s own account of its work and what it has learned.',
  patient_story: 'A patient’s experience, told with their consent.',
  listening_walk: 'Notes from a listening walk: what staff and patients said, and what will follow.',
};

const visibilityHints: Record<NarrativeVisibility, string> = {
  public: 'Anyone, once it is published.',
  organisation:
    'People of the organisation; once published, also its ICB’s system leads and regional and national oversight.',
  named: 'Only the people you name below, once it is published. Only you can edit it.',
};

/** The narrative form (new or edit), keeping what was typed and showing every problem. */
export function presentForm(options: {
  mode: 'new' | 'edit';
  organisation: { code: string; name: string };
  values: NarrativeFormValues;
  metrics: readonly MetricRow[];
  errors?: FieldError[];
  action: string;
  cancelHref: string;
  conflict?: { message: string; compareHref: string } | null;
}) {
  const errors = options.errors ?? [];
  const heading = options.mode === 'new' ? 'Write a narrative' : 'Edit the narrative';
  return {
    pageName: `${errors.length || options.conflict ? 'Error: ' : ''}${heading} – ${options.organisation.name}`,
    heading,
    mode: options.mode,
    organisation: options.organisation,
    values: options.values,
    errors,
    fieldErrors: errorsByField(errors),
    conflict: options.conflict ?? null,
    action: options.action,
    cancelHref: options.cancelHref,
    kinds: narrativeKinds.map((kind) => ({
      value: kind,
      text: narrativeKindLabels[kind],
      hint: { text: kindHints[kind] },
      checked: options.values.kind === kind,
    })),
    visibilities: narrativeVisibilities.map((visibility) => ({
      value: visibility,
      text: visibilityLabels[visibility],
      hint: { text: visibilityHints[visibility] },
      checked: options.values.visibility === visibility,
    })),
    metricItems: [
      { value: '', text: 'None', selected: options.values.metric === '' },
      ...[...options.metrics]
        .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'))
        .map((metric) => ({
          value: metric.id,
          text: `${metric.name} (${metric.id})`,
          selected: options.values.metric === metric.id,
        })),
    ],
  };
}

/** A form's values from what was sent, kept as typed (only strings, each cut to a sane length). */
export function formValuesFrom(body: unknown, base?: number): NarrativeFormValues {
  const sent = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (name: string, max: number) =>
    typeof sent[name] === 'string' ? (sent[name] as string).slice(0, max) : '';
  return {
    kind: text('kind', 40),
    title: text('title', 1000),
    metric: text('metric', 100),
    periodFrom: text('periodFrom', 20),
    periodTo: text('periodTo', 20),
    body: text('body', 60_000),
    visibility: text('visibility', 40),
    readers: text('readers', 10_000),
    ...(base === undefined ? {} : { baseVersion: base }),
  };
}

/** A narrative's current values for the edit form. */
export function formValuesOf(detail: NarrativeDetail): NarrativeFormValues {
  const narrative = detail.narrative;
  return {
    kind: narrative.kind,
    title: narrative.title,
    metric: narrative.metric_id ?? '',
    periodFrom: narrative.period_from ?? '',
    periodTo: narrative.period_to ?? '',
    body: narrative.body,
    visibility: narrative.visibility,
    readers: detail.readers.map((reader) => reader.email).join('\n'),
    baseVersion: narrative.current_version,
  };
}
