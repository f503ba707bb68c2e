import type { Kysely } from 'kysely';
import { cachedAssessment, nofQuarters, rememberUntilNextImport } from '../../../app/assessment-cache.ts';
import { keptSignalsStamp, signalsByOrganisation } from '../../../app/metric-across.ts';
import { coverageFromStore } from '../../../app/nof-coverage.ts';
import { listRegions, regionTrusts } from '../../../app/regions.ts';
import { nhsEnglandRegions } from '../../../ingest/formats/ods.ts';
import type { Database } from '../../../store/tables.ts';
import { cell, type DataTable } from '../../data-table.ts';
import { frameworkForQuarter } from '../league-tables/present.ts';
import { kindLabel, odsCodePattern } from '../organisations/present.ts';
import { systemHref } from '../systems/present.ts';

/** The link to a region's page. */
export function regionHref(code: string): string {
  return `/regions/${encodeURIComponent(code)}`;
}

/** Whether a region code is one of NHS England's seven regions (Wales's W00 is not). */
export function isEnglishRegion(code: string): boolean {
  return code in nhsEnglandRegions && code !== 'W00';
}

/** Every region with its trust and ICB counts: NHS England's seven first, then any outside England. */
export function presentRegionList(db: Kysely<Database>) {
  return rememberUntilNextImport(db, 'region-list', async () => {
    const regions = await listRegions(db);
    const table = (id: string, caption: string, rows: typeof regions): DataTable => ({
      id,
      caption,
      captionHidden: true,
      fileName: `tend-${id}`,
      columns: [
        { label: 'Region', sort: true },
        { label: 'Code', sort: true },
        { label: 'Trusts', numeric: true, sort: true },
        { label: 'Integrated care boards', numeric: true, sort: true },
      ],
      rows: rows.map((row) => ({
        key: row.code,
        cells: [
          cell(row.name, { href: regionHref(row.code) }),
          cell(row.code),
          cell(row.trusts),
          cell(row.icbs),
        ],
      })),
    });
    const english = regions.filter((row) => isEnglishRegion(row.code));
    const outside = regions.filter((row) => !isEnglishRegion(row.code));
    return {
      regionCount: english.length,
      regions: table('regions', 'NHS England regions', english),
      outsideCount: outside.length,
      outside: outside.length ? table('regions-outside', 'Regions outside England', outside) : null,
    };
  });
}

/** A count of metrics as a cell whose note names up to three of them. */
function metricsCell(metricIds: readonly string[]) {
  const named = metricIds.slice(0, 3).join(', ');
  return cell(metricIds.length, {
    note:
      metricIds.length === 0
        ? undefined
        : metricIds.length > 3
          ? `${named} and ${metricIds.length - 3} more`
          : named,
  });
}

/** Everything a region's page shows, remembered until the next import or signal computation; `null` when no region has the code. */
export async function presentRegion(db: Kysely<Database>, code: string): ReturnType<typeof buildRegionView> {
  const key = `region-page|${code.toUpperCase()}|${await keptSignalsStamp(db)}`;
  return rememberUntilNextImport(db, key, () => buildRegionView(db, code));
}

async function buildRegionView(db: Kysely<Database>, code: string) {
  if (!odsCodePattern.test(code)) return null;
  const held = await regionTrusts(db, code);
  if (!held) return null;
  const { region, trusts } = held;
  const quarter = (await nofQuarters(db))[0] ?? null;
  const assessment = quarter
    ? await cachedAssessment(db, { framework: frameworkForQuarter(quarter), quarter })
    : null;
  const assessed = new Map((assessment?.details ?? []).map((row) => [row.code, row]));
  const signals = await signalsByOrganisation(db);

  const icbs = new Map<string, { code: string; name: string; trusts: number; concerns: number }>();
  const segmentCounts = new Map<string, number>();
  let concernCount = 0;
  let improvingCount = 0;
  for (const trust of trusts) {
    const concerns = signals.get(trust.code)?.concerns.length ?? 0;
    concernCount += concerns;
    improvingCount += signals.get(trust.code)?.improving.length ?? 0;
    if (trust.icbCode) {
      const entry = icbs.get(trust.icbCode) ?? {
        code: trust.icbCode,
        name: trust.icbName ?? trust.icbCode,
        trusts: 0,
        concerns: 0,
      };
      entry.trusts++;
      entry.concerns += concerns;
      icbs.set(trust.icbCode, entry);
    }
    const segment = assessed.get(trust.code)?.adjustedSegment;
    const key = segment ? `Segment ${segment}` : 'No segment held';
    segmentCounts.set(key, (segmentCounts.get(key) ?? 0) + 1);
  }
  const segmentsTable: DataTable = {
    id: 'segments',
    caption: `Trusts in ${region.name} by NHS Oversight Framework segment${quarter ? `, ${quarter}` : ''}`,
    fileName: `tend-region-segments-${region.code}`,
    columns: [{ label: 'Segment' }, { label: 'Trusts', numeric: true }],
    rows: [...segmentCounts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([label, count]) => ({ key: label, cells: [cell(label), cell(count)] })),
  };
  const icbTable: DataTable = {
    id: 'icbs',
    caption: `Integrated care boards of the trusts in ${region.name}`,
    fileName: `tend-region-icbs-${region.code}`,
    columns: [
      { label: 'Integrated care board', sort: true },
      { label: 'Code', sort: true },
      { label: 'Trusts in this region', numeric: true, sort: true },
      { label: 'Concerns among them', numeric: true, sort: true },
    ],
    rows: [...icbs.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((icb) => ({
        key: icb.code,
        cells: [
          cell(icb.name, { href: systemHref(icb.code) }),
          cell(icb.code),
          cell(icb.trusts),
          cell(icb.concerns),
        ],
      })),
  };
  const trustTable: DataTable = {
    id: 'trusts',
    caption: `Trusts in ${region.name}`,
    fileName: `tend-region-trusts-${region.code}`,
    columns: [
      { label: 'Trust', sort: true },
      { label: 'ODS code', csvOnly: true },
      { label: 'Type', sort: true },
      { label: 'Integrated care board', sort: true },
      { label: 'Segment', numeric: true, sort: true },
      { label: 'Concerns', numeric: true, sort: true },
      { label: 'Concern metrics', csvOnly: true },
      { label: 'Improving', numeric: true, sort: true },
      { label: 'Improving metrics', csvOnly: true },
    ],
    rows: trusts.map((trust) => {
      const segment = assessed.get(trust.code)?.adjustedSegment ?? null;
      const concerns = signals.get(trust.code)?.concerns ?? [];
      const improving = signals.get(trust.code)?.improving ?? [];
      return {
        key: trust.code,
        cells: [
          cell(trust.name, {
            href: `/organisations/${encodeURIComponent(trust.code)}`,
            note: `(${trust.code})`,
          }),
          cell(trust.code),
          cell(trust.nofTrustType ?? kindLabel(trust.kind)),
          trust.icbCode
            ? cell(trust.icbName ?? trust.icbCode, { href: systemHref(trust.icbCode) })
            : cell('Not recorded'),
          segment
            ? cell(`Segment ${segment}`, { sortValue: segment, csv: segment })
            : cell('Not held', { sortValue: 99, csv: null }),
          metricsCell(concerns),
          cell(concerns.join(' ')),
          metricsCell(improving),
          cell(improving.join(' ')),
        ],
      };
    }),
  };
  return {
    region,
    inEngland: isEnglishRegion(region.code),
    quarter,
    trustCount: trusts.length,
    icbCount: icbs.size,
    concernCount,
    improvingCount,
    segmentsTable,
    icbTable,
    trustTable,
    coverage: await coverageFromStore(db),
  };
}
