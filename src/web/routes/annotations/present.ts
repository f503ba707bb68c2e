import type { FastifyRequest } from 'fastify';
import {
  annotationActions,
  annotationResource,
  listSeriesAnnotations,
  mayAnnotate,
  numberForChart,
} from '../../../app/annotations/read.ts';
import {
  renderSpcChart,
  renderSpcTable,
  type SpcAnnotation,
  type SpcChartOptions,
} from '../../../charts/index.ts';
import { annotationKindLabels } from '../../../domain/people.ts';
import type { SpcSeriesResult } from '../../../engines/spc/types.ts';

/** What the chart page's shared view model gives to draw its chart again with the reader's annotations. */
export interface AnnotatedChartPage {
  organisation: { code: string; name: string };
  metric: { id: string; name: string };
  spcSeries: SpcSeriesResult;
  chartOptions: SpcChartOptions;
}

const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** A date in words: "1 September 2024". */
export function dateInWords(date: string): string {
  return longDate.format(new Date(`${date}T00:00:00Z`));
}

/** The address of a series' annotations: `/organisations/RJ1/metrics/ae-4hr-type1/annotations`. */
export function annotationsPath(orgCode: string, metricId: string): string {
  return `/organisations/${encodeURIComponent(orgCode)}/metrics/${encodeURIComponent(metricId)}/annotations`;
}

/** At most `length` characters, with an ellipsis where cut. */
function shorten(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1).trimEnd()}…`;
}

/**
 * The chart page's annotations for the person asking: the numbered list under the chart and, when
 * there are any, the chart and its data table drawn again with their markers. Computed per request
 * (the page's shared view model holds no annotations, since who may read them differs).
 */
export async function chartAnnotations(request: FastifyRequest, page: AnnotatedChartPage) {
  const context = request.useCase();
  const rows = await listSeriesAnnotations(context, page.organisation.code, page.metric.id);
  const numbered = numberForChart(rows);
  const canAnnotate = mayAnnotate(context, page.organisation.code);
  const base = annotationsPath(page.organisation.code, page.metric.id);
  const resource =
    numbered.length > 0 && context.actor.kind !== 'anonymous'
      ? await annotationResource(context, numbered[0].row)
      : undefined;
  const annotations = numbered.map(({ number, row }) => {
    const actions = resource
      ? annotationActions(context, row, {
          ...resource,
          status: row.status,
          visibility: row.visibility,
          createdBy: row.created_by,
        })
      : { canEdit: false, canPublish: false, canWithdraw: false };
    return {
      number,
      id: row.id,
      kind: row.kind,
      kindLabel: row.kind === 'rebase' ? 'Rebase' : annotationKindLabels[row.kind],
      date: row.on_date,
      dateText: dateInWords(row.on_date),
      text: row.text,
      rebaseReason: row.kind === 'rebase' ? (row.rebase_reason ?? '') : null,
      draft: row.status === 'draft',
      organisationOnly: row.visibility === 'organisation',
      canPublish: actions.canPublish,
      canWithdraw: actions.canWithdraw,
      publishAction: `${base}/${row.id}/publish`,
      withdrawAction: `${base}/${row.id}/withdraw`,
    };
  });
  const view = {
    annotations,
    canAnnotate,
    newAnnotationHref: `${base}/new`,
  };
  if (numbered.length === 0) return view;
  const markers: SpcAnnotation[] = annotations.map((note) => ({
    number: note.number,
    date: note.date,
    kind: note.kindLabel,
    label: shorten(note.rebaseReason !== null ? `Limits recalculated: ${note.rebaseReason}` : note.text, 200),
  }));
  return {
    ...view,
    chartSvg: renderSpcChart(page.spcSeries, { ...page.chartOptions, annotations: markers }),
    chartSvgNarrow: renderSpcChart(page.spcSeries, {
      ...page.chartOptions,
      id: `${page.chartOptions.id ?? 'spc-chart'}-narrow`,
      annotations: markers,
      compact: true,
    }),
    tableHtml: renderSpcTable(page.spcSeries, {
      metricName: page.chartOptions.metricName,
      unit: page.chartOptions.unit,
      annotations: markers,
    }),
  };
}
