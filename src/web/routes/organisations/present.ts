import type { Kysely } from 'kysely';
import { cachedExplanation, nofQuarters, rememberUntilNextImport } from '../../../app/assessment-cache.ts';
import { organisationDetail } from '../../../app/catalogue.ts';
import { organisationScorecard, storedSpc } from '../../../app/spc-view.ts';
import { renderIconSvg, renderSpcChart, renderSpcTable } from '../../../charts/index.ts';
import { isAppError } from '../../../errors.ts';
import { findOrganisation, listOrganisations } from '../../../store/repos/organisation-repo.ts';
import type { Database, OrganisationRow } from '../../../store/tables.ts';

/** ODS codes are letters and digits; anything else cannot name an organisation. */
export const odsCodePattern = /^[A-Za-z0-9]{2,10}$/;
/** Metric ids as the catalogue writes them. */
export const metricIdPattern = /^[A-Za-z0-9_.-]{1,64}$/;

const kindLabels: Record<string, string> = {
  trust: 'NHS trust',
  icb: 'Integrated care board',
  region: 'NHS England region',
  country: 'Country',
  group: 'Group of organisations',
  team: 'Team',
  independent_provider: 'Independent sector provider',
  other_provider: 'Other provider',
};

/** A plain-English name for an organisation's kind. */
export function kindLabel(kind: string): string {
  return kindLabels[kind] ?? kind;
}

/** The financial override in a sentence. */
export function financialOverrideText(override: {
  deficit: boolean | null;
  applied: boolean;
  unadjustedSegment: number | null;
  adjustedSegment: number | null;
}): string {
  if (override.applied)
    return `The trust is in financial deficit, so it moves from segment ${override.unadjustedSegment} to segment ${override.adjustedSegment}: segments 1 and 2 are for providers living within their allocation.`;
  if (override.deficit === true)
    return 'The trust is in financial deficit, but its score already puts it in segment 3 or 4, so the financial override changes nothing.';
  if (override.deficit === false)
    return 'The trust is not in financial deficit, so the financial override does not apply.';
  return 'Whether the trust is in financial deficit is not known, so no financial override is applied.';
}

function range(values: readonly [number, number] | null | undefined, format: (value: number) => string) {
  return values ? `${format(values[0])} to ${format(values[1])}` : 'not known';
}

/** Everything the organisation page shows, or `null` when no organisation has the code. */
/** The organisation page's data, remembered until the next import (it depends only on stored data). */
export function presentOrganisation(
  db: Kysely<Database>,
  code: string,
): ReturnType<typeof buildOrganisationView> {
  return rememberUntilNextImport(db, `organisation-page|${code.toUpperCase()}`, () =>
    buildOrganisationView(db, code),
  );
}

async function buildOrganisationView(db: Kysely<Database>, code: string) {
  if (!odsCodePattern.test(code) || !(await findOrganisation(db, code))) return null;
  const organisation = await organisationDetail(db, code);
  const current = organisation.memberships.filter(
    (row) => row.valid_to === null || row.valid_to >= new Date().toISOString().slice(0, 10),
  );
  const parent = (relation: string) => {
    const row = current.find((membership) => membership.relation === relation);
    return row ? { code: row.parent_code, name: row.parent_name } : null;
  };
  const icbOds = parent('icb_ods');
  const icbNhse = parent('icb_nhse');
  const quarters = await nofQuarters(db, organisation.code);
  let nof = null;
  let nofMessage: string | null = null;
  if (quarters.length === 0) {
    nofMessage = `Tend holds no NHS Oversight Framework data for ${organisation.name}, so it has no segment or league table rank here.`;
  } else {
    try {
      const explanation = await cachedExplanation(db, { quarter: quarters[0], org: organisation.code });
      nof = {
        quarter: explanation.quarter,
        segment: explanation.adjustedSegment,
        finalSegment: explanation.finalSegment,
        unadjustedSegment: explanation.unadjustedSegment,
        average: explanation.averageMetricScore?.toFixed(2) ?? 'not scored',
        averageRange: range(explanation.likelyRange?.average, (value) => value.toFixed(2)),
        rank: explanation.rank,
        rankRange: range(explanation.likelyRange?.rank, String),
        peerGroupSize: explanation.peerGroupSize,
        typeLabel: explanation.trust.organisationTypeLabel,
        financialOverride: financialOverrideText(explanation.financialOverride),
        sentences: explanation.sentences,
        leagueTableHref: `/league-tables/${slugify(explanation.trust.organisationTypeLabel)}?quarter=${encodeURIComponent(explanation.quarter)}`,
      };
    } catch (error) {
      if (!isAppError(error) || error.code !== 'NOT_FOUND') throw error;
      nofMessage = error.message;
    }
  }
  const scorecard = (await organisationScorecard(db, organisation.code)).map((row) => ({
    ...row,
    href: `/organisations/${encodeURIComponent(organisation.code)}/metrics/${encodeURIComponent(row.metric.id)}`,
    variationSvg: row.variationIcon
      ? renderIconSvg({ type: 'variation', icon: row.variationIcon }, 32)
      : null,
    assuranceSvg: row.assuranceIcon
      ? renderIconSvg({ type: 'assurance', icon: row.assuranceIcon }, 32)
      : null,
  }));
  return {
    organisation,
    kind: kindLabel(organisation.kind),
    region: parent('region'),
    icbOds,
    icbNhse,
    icbsDiffer: icbOds !== null && icbNhse !== null && icbOds.code !== icbNhse.code,
    nof,
    nofMessage,
    scorecard,
  };
}

/** Everything the metric chart page shows, or `null` when the organisation or metric is unknown or has no data. */
/** `buildPresentMetricChart`, remembered until the next import (the page depends only on stored data). */
export function presentMetricChart(
  db: Kysely<Database>,
  code: string,
  metricId: string,
): ReturnType<typeof buildPresentMetricChart> {
  return rememberUntilNextImport(db, `metric-chart|${code.toUpperCase()}|${metricId}`, () =>
    buildPresentMetricChart(db, code, metricId),
  );
}

async function buildPresentMetricChart(db: Kysely<Database>, code: string, metricId: string) {
  if (!odsCodePattern.test(code) || !metricIdPattern.test(metricId)) return null;
  let spc: Awaited<ReturnType<typeof storedSpc>>;
  try {
    spc = await storedSpc(db, code, metricId);
  } catch (error) {
    if (isAppError(error) && error.code === 'NOT_FOUND') return null;
    throw error;
  }
  if (spc.points.length === 0) return null;
  const options = { metricName: spc.metric.name, unit: spc.unit };
  return {
    organisation: spc.organisation,
    metric: spc.metric,
    reading: spc.reading,
    variationLabel: spc.variationLabel,
    assuranceLabel: spc.assuranceLabel,
    variationSvg: spc.series.variationIcon
      ? renderIconSvg({ type: 'variation', icon: spc.series.variationIcon }, 40)
      : null,
    assuranceSvg: spc.series.assuranceIcon
      ? renderIconSvg({ type: 'assurance', icon: spc.series.assuranceIcon }, 40)
      : null,
    chartSvg: renderSpcChart(spc.series, {
      ...options,
      id: 'metric-chart',
      title: `${spc.metric.name}: ${spc.organisation.name}`,
    }),
    tableHtml: renderSpcTable(spc.series, options),
    pointCount: spc.points.length,
    csvHref: `/api/v1/observations?org=${encodeURIComponent(spc.organisation.code)}&metric=${encodeURIComponent(spc.metric.id)}&format=csv`,
    organisationHref: `/organisations/${encodeURIComponent(spc.organisation.code)}`,
  };
}

/** Organisations whose code or name contains the search text (at most 200), or none without a search. */
export async function searchOrganisations(
  db: Kysely<Database>,
  search: string | undefined,
): Promise<OrganisationRow[]> {
  const text = search?.trim().slice(0, 100);
  if (!text) return [];
  return listOrganisations(db, { search: text, limit: 200 });
}

/** A URL slug: lower case, words joined by hyphens ("Mental health and community trust" → "mental-health-and-community-trust"). */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
