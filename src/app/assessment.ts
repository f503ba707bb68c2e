import type { Kysely } from 'kysely';
import { financialQuarterLabel, parseFinancialQuarter } from '../domain/period.ts';
import {
  assessQuarter,
  explainTrust,
  getFramework,
  type NofLongRow,
  type NofOptions,
  nofCoverage,
  organisationTypeFromLabel,
  type QuarterAssessment,
  type TrustExplanation,
  whyNoSegment,
} from '../engines/nof/index.ts';
import { AppError } from '../errors.ts';
import { nofSourceRows } from '../store/repos/series-repo.ts';
import type { Database } from '../store/tables.ts';
import { requireOrganisation } from './catalogue.ts';

/** The published league-table columns, in NHS England's order plus the unadjusted segment. */
export const leagueTableColumns = [
  'Quarter',
  'Trust_code',
  'Trust_name',
  'Trust_type',
  'Average_score',
  'Likely_range_of_average_score',
  'Segment',
  'Unadjusted_segment',
  'Trust_in_financial_deficit',
  'Rank',
  'Likely_range_of_rank',
] as const;

/** Checks a framework id, listing the ones Tend knows when it is not one. */
export function requireFramework(id: string): ReturnType<typeof getFramework> {
  try {
    return getFramework(id);
  } catch {
    throw new AppError(
      'NOT_FOUND',
      `No framework has the id ${JSON.stringify(id)}. Tend knows nof-2025-26 and nof-2026-27 (provisional).`,
    );
  }
}

/** Parses a quarter label ("Q4 2025/26"), or refuses it with an example. */
export function requireQuarter(label: string): string {
  const period = parseFinancialQuarter(label);
  if (!period)
    throw new AppError(
      'INVALID_ARGUMENT',
      `invalid quarter: ${JSON.stringify(label)} (write it like "Q4 2025/26")`,
    );
  return financialQuarterLabel(period.start);
}

/**
 * The Oversight Framework rows the store holds — every `OF…` observation, all quarters — in the
 * shape of NHS England's data file, for the NOF engine.
 */
export async function loadNofRows(db: Kysely<Database>): Promise<NofLongRow[]> {
  const rows = await nofSourceRows(db);
  const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);
  const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
  return rows.map((row) => ({
    quarter: financialQuarterLabel(row.period_start),
    trustCode: row.org_code,
    trustName: row.name,
    trustType: row.nof_trust_type ?? '',
    trustSubtype: row.nof_trust_subtype,
    region: text(row.detail?.region),
    metricId: row.metric_id,
    value: row.status === 'reported' ? row.value : null,
    median: number(row.detail?.median),
    lowerQuartile: number(row.detail?.lowerQuartile),
    upperQuartile: number(row.detail?.upperQuartile),
    rank: number(row.detail?.rank),
    units: text(row.detail?.units),
    reportingDate: text(row.detail?.reportingDate),
  }));
}

export interface AssessmentRequest {
  framework: string;
  quarter: string;
  trustType?: string;
  cutPoints?: readonly [number, number, number];
}

/** Assesses a quarter from the store: segments, league ranks and likely ranges for every trust held. */
export async function assessFromStore(
  db: Kysely<Database>,
  request: AssessmentRequest,
): Promise<QuarterAssessment> {
  const framework = requireFramework(request.framework);
  const quarter = requireQuarter(request.quarter);
  const rows = await loadNofRows(db);
  const held = [...new Set(rows.map((row) => row.quarter))];
  if (!held.includes(quarter)) {
    throw new AppError(
      'NOT_FOUND',
      held.length === 0
        ? 'The store holds no Oversight Framework data. Import the NHS Oversight Framework data file (tend import …), or run `tend demo`.'
        : `The store holds no Oversight Framework data for ${quarter}; it holds ${held.join(', ')}.`,
    );
  }
  const options: NofOptions = request.cutPoints
    ? { cutPoints: [...request.cutPoints] as [number, number, number] }
    : {};
  const assessment = assessQuarter(framework, quarter, rows, options);
  if (!request.trustType) return assessment;
  const wanted = request.trustType.trim().toLowerCase();
  const types = [...new Set(assessment.trusts.map((row) => row.Trust_type))];
  const trusts = assessment.trusts.filter((row) => row.Trust_type.toLowerCase() === wanted);
  if (trusts.length === 0)
    throw new AppError(
      'NOT_FOUND',
      `No trusts of type ${JSON.stringify(request.trustType)} in ${quarter}; types held: ${types.join(', ')}.`,
    );
  return { ...assessment, trusts };
}

/** Explains one organisation's assessment in a quarter: metric pulls, boundaries, what would move it, signal or noise. */
export async function explainFromStore(
  db: Kysely<Database>,
  request: {
    framework?: string;
    quarter: string;
    org: string;
    cutPoints?: readonly [number, number, number];
  },
): Promise<TrustExplanation> {
  const organisation = await requireOrganisation(db, request.org);
  const quarter = requireQuarter(request.quarter);
  const framework = requireFramework(request.framework ?? 'nof-2025-26');
  const rows = await loadNofRows(db);
  const options: NofOptions = request.cutPoints
    ? { cutPoints: [...request.cutPoints] as [number, number, number] }
    : {};
  const explanation = explainTrust(framework, quarter, rows, organisation.code, options);
  if (!explanation) {
    const quarters = [
      ...new Set(rows.filter((row) => row.trustCode === organisation.code).map((row) => row.quarter)),
    ];
    if (quarters.length === 0) {
      // Say why, and what the store does cover: an acute trust is not left with a bare "not found".
      const types = rows
        .map((row) => organisationTypeFromLabel(framework, row.trustType))
        .filter((type) => type !== undefined);
      const held = [...new Set(rows.map((row) => row.quarter))];
      const coverage = nofCoverage(framework, [...new Set(types)], held);
      const type = organisation.nof_trust_type
        ? (organisationTypeFromLabel(framework, organisation.nof_trust_type) ?? null)
        : null;
      throw new AppError(
        'NOT_FOUND',
        `${organisation.name} (${organisation.code}) has no Oversight Framework data in the store. ${whyNoSegment(framework, { name: organisation.name, kind: organisation.kind, type }, coverage)} ${coverage.publicationHref}`,
      );
    }
    throw new AppError(
      'NOT_FOUND',
      `${organisation.name} (${organisation.code}) has no Oversight Framework data for ${quarter}; it has ${quarters.join(', ')}.`,
    );
  }
  return explanation;
}

/** Parses `a,b,c` cut points. */
export function parseCutPoints(text: string): [number, number, number] {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (
    values.length !== 3 ||
    !values.every(Number.isFinite) ||
    !(values[0] < values[1] && values[1] < values[2])
  ) {
    throw new AppError(
      'INVALID_ARGUMENT',
      `invalid --cut-points: ${JSON.stringify(text)} (three increasing numbers, e.g. 1.8,2.2,2.6)`,
    );
  }
  return values as [number, number, number];
}
