import type { Kysely } from 'kysely';
import { AppError } from '../errors.ts';
import { anonymous } from '../policies/actor.ts';
import { scope } from '../policies/scope.ts';
import { findMetric, listMetrics } from '../store/repos/metric-repo.ts';
import {
  type CoverageRow,
  countObservationsOf,
  countOrganisationsWithMetric,
  coverageByOrganisation,
  listSeriesObservations,
  metricsHeldBy,
  metricsWithObservations,
  periodSpanOf,
} from '../store/repos/observation-repo.ts';
import { findOrganisation, listOrganisations, membershipsOf } from '../store/repos/organisation-repo.ts';
import type { Database, MetricRow, ObservationRow, OrganisationRow } from '../store/tables.ts';
import { rememberAndKeep } from './assessment-cache.ts';
import { closest } from './suggest.ts';

/** An organisation or a NOT_FOUND error that says what to try instead. */
export async function requireOrganisation(db: Kysely<Database>, code: string): Promise<OrganisationRow> {
  const organisation = await findOrganisation(db, code);
  if (organisation) return organisation;
  const byName = await listOrganisations(db, { search: code, limit: 5 });
  const suggestions =
    byName.length > 0
      ? byName.map((row) => `${row.code} (${row.name})`)
      : closest(
          code,
          (await listOrganisations(db)).map((row) => row.code),
        );
  throw new AppError(
    'NOT_FOUND',
    `No organisation has the code ${JSON.stringify(code)}.${suggestions.length ? ` Did you mean ${suggestions.join(', ')}?` : ''} List organisations with \`tend orgs\`.`,
  );
}

/** A metric or a NOT_FOUND error that names the closest ids. */
export async function requireMetric(db: Kysely<Database>, id: string): Promise<MetricRow> {
  const metric = await findMetric(db, id);
  if (metric) return metric;
  const suggestions = closest(
    id,
    (await listMetrics(db)).map((row) => row.id),
  );
  throw new AppError(
    'NOT_FOUND',
    `No metric has the id ${JSON.stringify(id)}.${suggestions.length ? ` Did you mean ${suggestions.join(', ')}?` : ''} List metrics with \`tend metrics\`.`,
  );
}

export interface OrganisationSummary extends OrganisationRow {
  memberships: {
    relation: string;
    parent_code: string;
    parent_name: string;
    valid_from: string;
    valid_to: string | null;
  }[];
  observationCount: number;
}

export async function organisationDetail(db: Kysely<Database>, code: string): Promise<OrganisationSummary> {
  const organisation = await requireOrganisation(db, code);
  const memberships = await membershipsOf(db, organisation.code);
  // Shared by every reader (the organisation page's view model is kept per data version): counted as anyone may read.
  const count = await countObservationsOf(db, organisation.code, scope(anonymous, 'read', 'team_indicator'));
  return {
    ...organisation,
    memberships: memberships.map(({ relation, parent_code, parent_name, valid_from, valid_to }) => ({
      relation,
      parent_code,
      parent_name,
      valid_from,
      valid_to,
    })),
    observationCount: count,
  };
}

export type { CoverageRow };

export interface Coverage {
  metric: MetricRow;
  organisations: CoverageRow[];
  periods: { first: string | null; last: string | null; count: number };
  /** When the metric has no observations: which metrics do, so the answer is never a silent empty. */
  metricsWithData: { id: string; name: string; observations: number }[];
}

/** Which organisations and periods hold observations of a metric. */
export async function metricCoverage(db: Kysely<Database>, metricId: string): Promise<Coverage> {
  const metric = await requireMetric(db, metricId);
  // Two aggregates over every observation of the metric (a second at national practice scale):
  // remembered and kept in the store until the metric's data change, and kept up to date by imports.
  const { organisations, periods } = await rememberAndKeep(
    db,
    `metric-coverage|${metric.id}`,
    async () => ({
      organisations: await coverageByOrganisation(db, metric.id),
      periods: await periodSpanOf(db, metric.id),
    }),
    { metrics: [metric.id] },
  );
  const metricsWithData = organisations.length > 0 ? [] : await metricsWithObservations(db);
  return { metric, organisations, periods, metricsWithData };
}

export interface ObservationSeries {
  organisation: OrganisationRow;
  metric: MetricRow;
  observations: ObservationRow[];
  /** When there are none: the metrics this organisation does have, and how many organisations have this metric. */
  metricsForOrganisation: { id: string; name: string; observations: number }[];
  organisationsWithMetric: number;
}

/** Every observation of one metric for one organisation, oldest first. */
export async function observationSeries(
  db: Kysely<Database>,
  orgCode: string,
  metricId: string,
): Promise<ObservationSeries> {
  const organisation = await requireOrganisation(db, orgCode);
  const metric = await requireMetric(db, metricId);
  const observations = await listSeriesObservations(db, organisation.code, metric.id);
  let metricsForOrganisation: ObservationSeries['metricsForOrganisation'] = [];
  let organisationsWithMetric = 0;
  if (observations.length === 0) {
    metricsForOrganisation = await metricsHeldBy(db, organisation.code);
    organisationsWithMetric = await countOrganisationsWithMetric(db, metric.id);
  }
  return { organisation, metric, observations, metricsForOrganisation, organisationsWithMetric };
}
