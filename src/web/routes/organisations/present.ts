import type { Kysely } from 'kysely';
import { cachedExplanation, nofQuarters, rememberUntilNextImport } from '../../../app/assessment-cache.ts';
import { organisationDetail } from '../../../app/catalogue.ts';
import {
  improvingOrganisationsOn,
  keptSignalsStamp,
  type PeerGroup,
  type PeerRank,
  peerRankOn,
  peerRanksOf,
} from '../../../app/metric-across.ts';
import { coverageFromStore, publishedLeagueTable } from '../../../app/nof-coverage.ts';
import { findOrganisations } from '../../../app/search.ts';
import { formatMetricValue, organisationScorecard, periodLabel, storedSpc } from '../../../app/spc-view.ts';
import { isTeamMetricId } from '../../../app/teams/access.ts';
import { rateReadInsteadOf } from '../../../app/who-has-improved.ts';
import { renderIconSvg, renderSpcChart, renderSpcTable } from '../../../charts/index.ts';
import { noBetterDirection } from '../../../domain/metric.ts';
import { closedOnText, isOpenOn } from '../../../domain/organisation.ts';
import { frameworkIdForQuarter } from '../../../domain/quarter.ts';
import {
  describeSegment,
  getFramework,
  organisationTypeFromLabel,
  whyNoSegment,
} from '../../../engines/nof/index.ts';
import { isAppError } from '../../../errors.ts';
import { findOrganisation } from '../../../store/repos/organisation-repo.ts';
import type { Database, MetricRow, OrganisationRow } from '../../../store/tables.ts';
import { cell, type DataTable } from '../../data-table.ts';
import { boundariesTable, metricScoresTable, movesTable } from './explanation-tables.ts';

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

/** A peer rank as a cell: "3rd of 61", sorted and downloaded as the rank. */
function rankCell(peers: PeerRank | null) {
  if (!peers) return cell('No value', { sortValue: 99999, csv: null });
  if (peers.rank === null) return cell(noBetterDirection, { sortValue: 99998, csv: null });
  return cell(`${ordinal(peers.rank)} of ${peers.peerCount}`, {
    sortValue: peers.rank / peers.peerCount,
    csv: peers.rank,
  });
}

/** Everything the organisation page shows, or `null` when no organisation has the code. */
/** The organisation page's data, remembered until the next import (it depends only on stored data). */
export function presentOrganisation(
  db: Kysely<Database>,
  code: string,
  quarter?: string,
): ReturnType<typeof buildOrganisationView> {
  return rememberUntilNextImport(db, `organisation-page|${code.toUpperCase()}|${quarter ?? ''}`, () =>
    buildOrganisationView(db, code, quarter),
  );
}

/** `quarter`: the Oversight Framework quarter to show (`?quarter=`); the latest held when not given. */
async function buildOrganisationView(db: Kysely<Database>, code: string, quarter?: string) {
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
  const shownQuarter = quarter ?? quarters[0];
  if (quarters.length === 0) {
    nofMessage = `Tend holds no NHS Oversight Framework data for ${organisation.name}, so it has no segment or league table rank here.`;
  } else if (!quarters.includes(shownQuarter)) {
    nofMessage = `Tend holds no NHS Oversight Framework data for ${organisation.name} in ${shownQuarter.slice(0, 20)}; it holds ${quarters.join(', ')}.`;
  } else {
    try {
      const explanation = await cachedExplanation(db, { quarter: shownQuarter, org: organisation.code });
      const published = (await publishedLeagueTable(db, shownQuarter)).get(organisation.code);
      nof = {
        quarter: explanation.quarter,
        segment: explanation.adjustedSegment,
        segmentMeaning: describeSegment(explanation.adjustedSegment),
        finalSegment: explanation.finalSegment,
        unadjustedSegment: explanation.unadjustedSegment,
        average: explanation.averageMetricScore?.toFixed(2) ?? 'not scored',
        averageRange: range(explanation.likelyRange?.average, (value) => value.toFixed(2)),
        rank: explanation.rank,
        rankRange: range(explanation.likelyRange?.rank, String),
        /** NHS England's published likely ranges, where the store holds its league table for the quarter. */
        publishedAverageRange: published?.averageRange
          ? range(published.averageRange, (value) => value.toFixed(2))
          : null,
        publishedRankRange: published?.rankRange ? range(published.rankRange, String) : null,
        peerGroupSize: explanation.peerGroupSize,
        typeLabel: explanation.trust.organisationTypeLabel,
        financialOverride: financialOverrideText(explanation.financialOverride),
        sentences: explanation.sentences,
        metricScores: metricScoresTable(explanation),
        boundaries: explanation.boundaries.length ? boundariesTable(explanation) : null,
        moves: explanation.moves.length ? movesTable(explanation) : null,
        leagueTableHref: `/league-tables/${slugify(explanation.trust.organisationTypeLabel)}?quarter=${encodeURIComponent(explanation.quarter)}`,
      };
    } catch (error) {
      if (!isAppError(error) || error.code !== 'NOT_FOUND') throw error;
      nofMessage = error.message;
    }
  }
  // Say what the Oversight Framework data covers, and why this organisation has no segment.
  const nofCoverage = await coverageFromStore(db);
  const coverageFramework = getFramework(
    frameworkIdForQuarter(nofCoverage.quarters[0] ?? '') ?? 'nof-2025-26',
  );
  const noSegmentReason =
    nof === null && quarters.length === 0
      ? whyNoSegment(
          coverageFramework,
          {
            name: organisation.name,
            kind: organisation.kind,
            type: organisation.nof_trust_type
              ? (organisationTypeFromLabel(coverageFramework, organisation.nof_trust_type) ?? null)
              : null,
          },
          nofCoverage,
        )
      : null;
  const scorecardRows = await organisationScorecard(db, organisation.code);
  const peerRanks: Map<string, PeerRank> = await peerRanksOf(db, organisation.code);
  const scorecard: DataTable = {
    id: 'scorecard',
    caption: `Metrics held for ${organisation.name}`,
    fileName: `tend-scorecard-${organisation.code}`,
    columns: [
      { label: 'Metric', sort: true },
      { label: 'Metric id', csvOnly: true },
      { label: 'Latest value', numeric: true, sort: true },
      { label: 'Period', sort: true },
      { label: 'Points', numeric: true, sort: true },
      { label: 'Rank among peers', numeric: true, sort: true },
      { label: 'Peers with a value', numeric: true, csvOnly: true },
      { label: 'Variation', sort: true },
      { label: 'Assurance', sort: true },
    ],
    rows: scorecardRows.map((row) => ({
      key: row.metric.id,
      cells: [
        cell(row.metric.name, {
          href: `/organisations/${encodeURIComponent(organisation.code)}/metrics/${encodeURIComponent(row.metric.id)}`,
          note: `(${row.metric.id})`,
        }),
        cell(row.metric.id),
        cell(row.latestValue, { sortValue: row.latestNumber ?? undefined, csv: row.latestNumber }),
        cell(row.latestPeriod ?? '', { sortValue: row.latestDate ?? '' }),
        cell(row.points),
        rankCell(peerRanks.get(row.metric.id) ?? null),
        cell(peerRanks.get(row.metric.id)?.peerCount ?? '', {
          csv: peerRanks.get(row.metric.id)?.peerCount ?? null,
        }),
        row.variationIcon
          ? cell(row.variationLabel ?? '', {
              svg: renderIconSvg({ type: 'variation', icon: row.variationIcon }, 32),
            })
          : cell('Too few points to read'),
        row.assuranceIcon
          ? cell(row.assuranceLabel ?? '', {
              svg: renderIconSvg({ type: 'assurance', icon: row.assuranceIcon }, 32),
            })
          : cell('No target'),
      ],
    })),
  };
  // A closed organisation says so, with the one that took over from it.
  const successor = organisation.successor_code
    ? await findOrganisation(db, organisation.successor_code)
    : undefined;
  const closure = organisation.closed_on
    ? {
        text: closedOnText(organisation.closed_on),
        open: isOpenOn(organisation, new Date().toISOString().slice(0, 10)),
        successor: successor ? { code: successor.code, name: successor.name } : null,
      }
    : null;
  return {
    organisation,
    closure,
    kind: kindLabel(organisation.kind),
    region: parent('region'),
    group: parent('group'),
    icbOds,
    icbNhse,
    icbsDiffer: icbOds !== null && icbNhse !== null && icbOds.code !== icbNhse.code,
    nof,
    nofMessage,
    nofCoverage,
    noSegmentReason,
    /** The quarters the reader can choose between (`?quarter=`), latest first, and the one shown. */
    nofQuarters: quarters,
    nofQuarter: quarters.includes(shownQuarter) ? shownQuarter : null,
    scorecard,
    hasScorecard: scorecardRows.length > 0,
  };
}

/** Everything the metric chart page shows, or `null` when the organisation or metric is unknown or has no data. */
/**
 * `buildPresentMetricChart`, remembered until the next import or signal computation (the page depends
 * only on stored data, and reads who is improving from the kept signals).
 */
export async function presentMetricChart(
  db: Kysely<Database>,
  code: string,
  metricId: string,
): ReturnType<typeof buildPresentMetricChart> {
  const key = `metric-chart|${code.toUpperCase()}|${metricId}|${await keptSignalsStamp(db)}`;
  return rememberUntilNextImport(db, key, () => buildPresentMetricChart(db, code, metricId));
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
  // Its peer rank from one query of its peers' latest values; who is improving from the kept signals.
  const ranked = await peerRankOn(db, spc.organisation.code, spc.metric.id);
  // A count read through its rate lists no improvers of its own (see app/who-has-improved.ts).
  const readAsRate = await rateReadInsteadOf(db, spc.metric.id);
  const self = {
    code: spc.organisation.code,
    kind: spc.organisation.kind,
    trustType: spc.organisation.nof_trust_type,
  };
  const improving = (readAsRate ? [] : await improvingOrganisationsOn(db, spc.metric.id, self)).map(
    (reading) => ({
      code: reading.code,
      name: reading.name,
      latestValue: reading.latest ? formatMetricValue(reading.latest.value, spc.metric) : 'No value',
      latestPeriod: reading.latest ? periodLabel(reading.latest.date, reading.granularity) : '',
      href: `/organisations/${encodeURIComponent(reading.code)}/metrics/${encodeURIComponent(spc.metric.id)}`,
    }),
  );
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
    /** The simplified chart a phone shows instead (text at least 12 px). */
    chartSvgNarrow: renderSpcChart(spc.series, {
      ...options,
      id: 'metric-chart-narrow',
      title: `${spc.metric.name}: ${spc.organisation.name}`,
      compact: true,
    }),
    tableHtml: renderSpcTable(spc.series, options),
    /** What the chart is drawn from, to draw it again with the reader's annotations. */
    spcSeries: spc.series,
    chartOptions: { ...options, id: 'metric-chart', title: `${spc.metric.name}: ${spc.organisation.name}` },
    pointCount: spc.points.length,
    peerRankText: ranked
      ? peerRankSentence(ranked.peers, {
          format: (value) => formatMetricValue(value, spc.metric),
          period: periodLabel(ranked.peers.period, ranked.granularity),
        })
      : `${spc.organisation.name} has no value of this metric to rank.`,
    // A team's own indicator is described on its team's page, not among the national metrics.
    metricHref: isTeamMetricId(spc.metric.id)
      ? `/teams/${encodeURIComponent(spc.organisation.code)}`
      : `/metrics/${encodeURIComponent(spc.metric.id)}`,
    improving: improving.slice(0, 10),
    improvingCount: improving.length,
    inConcern: spc.series.summary.latestPointType === 'special_cause_concern',
    improvementPossible: spc.metric.direction !== 'neutral',
    csvHref: `/api/v1/observations?org=${encodeURIComponent(spc.organisation.code)}&metric=${encodeURIComponent(spc.metric.id)}&format=csv`,
    organisationHref: `/organisations/${encodeURIComponent(spc.organisation.code)}`,
  };
}

/** A list of organisations as a table: code, name (linked), type. */
export function organisationsTable(rows: readonly OrganisationRow[], caption: string): DataTable {
  return {
    id: 'organisations',
    caption,
    captionHidden: true,
    fileName: 'tend-organisations',
    rowHeaderColumn: 1,
    columns: [
      { label: 'Code', sort: true },
      { label: 'Name', sort: true },
      { label: 'Type', sort: true },
    ],
    rows: rows.map((row) => ({
      key: row.code,
      cells: [
        cell(row.code),
        cell(row.name, {
          href: `/organisations/${encodeURIComponent(row.code)}`,
          note: row.closed_on ? `(${closedOnText(row.closed_on).replace(/^Closed/, 'closed')})` : undefined,
        }),
        cell(row.nof_trust_type ? `${kindLabel(row.kind)} (${row.nof_trust_type})` : kindLabel(row.kind)),
      ],
    })),
  };
}

const kindPlurals: Record<string, string> = {
  trust: 'NHS trusts',
  icb: 'integrated care boards',
  region: 'NHS England regions',
  country: 'countries',
  independent_provider: 'independent sector providers',
  other_provider: 'other providers',
};

/** Who an organisation's peers are, in words: "mental health and community trusts", "NHS trusts". */
export function peerGroupText(group: PeerGroup): string {
  if (group.trustType) return `${group.trustType.toLowerCase()}s`;
  return (group.kind && kindPlurals[group.kind]) || 'organisations of the same kind';
}

/** 1 → "1st", 2 → "2nd", 11 → "11th", 23 → "23rd". */
export function ordinal(value: number): string {
  const lastTwo = value % 100;
  const suffix = lastTwo >= 11 && lastTwo <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[value % 10] ?? 'th');
  return `${value}${suffix}`;
}

/** An organisation's rank among its peers in a sentence, with their median for scale. */
export function peerRankSentence(
  peers: PeerRank,
  options: { format: (value: number) => string; period: string },
): string {
  const group = peerGroupText(peers.peerGroup);
  if (peers.peerCount === 1)
    return `Its value for ${options.period}, ${options.format(peers.value)}, is the only one among ${group} that Tend holds, so there is no one to rank it against.`;
  if (peers.rank === null)
    return `Its value for ${options.period} is ${options.format(peers.value)}. This metric has no better direction (a higher value is neither better nor worse), so Tend does not rank it; the median of the ${peers.peerCount} ${group} with a value for that period is ${options.format(peers.peerMedian)}.`;
  const order = '1 is the best';
  return `Its value for ${options.period}, ${options.format(peers.value)}, ranks ${ordinal(peers.rank)} of the ${peers.peerCount} ${group} with a value for that period (${order}; equal values share a rank). Their median is ${options.format(peers.peerMedian)}.`;
}

/**
 * Organisations matching the search text (at most 200: code, name, the names people use, a typo
 * or two forgiven; see `findOrganisations`), or none without a search.
 */
export async function searchOrganisations(
  db: Kysely<Database>,
  search: string | undefined,
): Promise<OrganisationRow[]> {
  const text = search?.trim();
  if (!text) return [];
  return findOrganisations(db, text, 200);
}

/** The system and region pages a search offers: one for each ICB and region among the results. */
export function placesOffered(
  rows: readonly OrganisationRow[],
): { name: string; href: string; what: string }[] {
  return rows
    .filter((row) => row.kind === 'icb' || row.kind === 'region')
    .slice(0, 10)
    .map((row) =>
      row.kind === 'icb'
        ? { name: row.name, href: `/systems/${encodeURIComponent(row.code)}`, what: 'the system' }
        : { name: row.name, href: `/regions/${encodeURIComponent(row.code)}`, what: 'the region' },
    );
}

/** Metrics a search found, as a table: name (linked to the metric across organisations), id, domain. */
export function metricsFoundTable(rows: readonly MetricRow[]): DataTable {
  return {
    id: 'metrics-found',
    caption: 'Metrics matching the search',
    captionHidden: true,
    fileName: 'tend-metrics-found',
    columns: [
      { label: 'Metric', sort: true },
      { label: 'Metric id', sort: true },
      { label: 'Domain', sort: true },
    ],
    rows: rows.map((row) => ({
      key: row.id,
      cells: [
        cell(row.name, { href: `/metrics/${encodeURIComponent(row.id)}` }),
        cell(row.id),
        cell(row.domain ?? ''),
      ],
    })),
  };
}

/** A URL slug: lower case, words joined by hyphens ("Mental health and community trust" → "mental-health-and-community-trust"). */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
