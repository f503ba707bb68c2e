import type { Kysely } from 'kysely';
import { cachedAssessment, nofQuarters, rememberUntilNextImport } from '../../../app/assessment-cache.ts';
import { keptSignalsStamp, signalsByOrganisation } from '../../../app/metric-across.ts';
import { coverageFromStore } from '../../../app/nof-coverage.ts';
import { organisationScorecard } from '../../../app/spc-view.ts';
import { listSystems, type SystemMember, systemMembers } from '../../../app/systems.ts';
import { renderIconSvg } from '../../../charts/index.ts';
import { findMetric } from '../../../store/repos/metric-repo.ts';
import type { Database } from '../../../store/tables.ts';
import { cell, type DataTable } from '../../data-table.ts';
import { frameworkForQuarter } from '../league-tables/present.ts';
import { kindLabel, odsCodePattern } from '../organisations/present.ts';

/**
 * The metrics a system page shows for each member, where the member holds them: urgent care,
 * cancer, diagnostics, ambulance response, workforce and capacity, and the Oversight Framework score.
 */
export const systemKeyMetrics = [
  'ae-4hr-type1',
  'ae-4hr-all',
  'cwt-fds-28day',
  'cwt-62day',
  'dm01-6wk',
  'amb-c2-mean',
  'nss-engagement',
  'kh03-ga-occupancy',
  'OF5002',
] as const;

/** The link to a system's page. */
export function systemHref(code: string): string {
  return `/systems/${encodeURIComponent(code)}`;
}

/** Every ICB with its member counts. */
export async function presentSystemList(db: Kysely<Database>) {
  const systems = await listSystems(db);
  const table: DataTable = {
    id: 'systems',
    caption: 'Integrated care boards and their member counts',
    captionHidden: true,
    fileName: 'tend-systems',
    columns: [
      { label: 'Integrated care board', sort: true },
      { label: 'Code', sort: true },
      { label: 'Members (NHS England)', numeric: true, sort: true },
      { label: 'Members (ODS geography)', numeric: true, sort: true },
    ],
    rows: systems.map((row) => ({
      key: row.code,
      cells: [
        cell(row.name, { href: systemHref(row.code) }),
        cell(row.code),
        cell(row.nhseMembers),
        cell(row.odsMembers),
      ],
    })),
  };
  return { systemCount: systems.length, systems: table };
}

function mappingText(member: SystemMember): string {
  if (member.inNhse && member.inOds) return 'Both';
  return member.inNhse ? 'NHS England only' : 'ODS geography only';
}

/** A count of metrics showing a signal, as a cell whose note names up to three of them. */
function signalCell(metricIds: readonly string[]) {
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

/** Everything the system page shows, or `null` when no ICB has the code. */
/** `buildPresentSystem`, remembered until the next import or signal computation (the page depends only on stored data). */
export async function presentSystem(
  db: Kysely<Database>,
  code: string,
): ReturnType<typeof buildPresentSystem> {
  const key = `system-page|${code.toUpperCase()}|${await keptSignalsStamp(db)}`;
  return rememberUntilNextImport(db, key, () => buildPresentSystem(db, code));
}

async function buildPresentSystem(db: Kysely<Database>, code: string) {
  if (!odsCodePattern.test(code)) return null;
  const system = await systemMembers(db, code);
  if (!system) return null;
  const quarter = (await nofQuarters(db))[0] ?? null;
  const assessment = quarter
    ? await cachedAssessment(db, { framework: frameworkForQuarter(quarter), quarter })
    : null;
  const members = [];
  for (const member of system.members) {
    const nof = assessment?.details.find((row) => row.code === member.code) ?? null;
    const scorecard = await organisationScorecard(db, member.code, systemKeyMetrics);
    const href = `/organisations/${encodeURIComponent(member.code)}`;
    members.push({
      ...member,
      kindLabel: kindLabel(member.kind),
      mapping: mappingText(member),
      href,
      nof: nof && {
        segment: nof.adjustedSegment,
        rank: nof.rank,
        peerGroupSize: nof.peerGroupSize,
        typeLabel: nof.organisationTypeLabel,
      },
      metrics: systemKeyMetrics.map((id) => {
        const row = scorecard.find((entry) => entry.metric.id === id);
        return row
          ? {
              held: true,
              value: row.latestValue,
              number: row.latestNumber,
              period: row.latestPeriod,
              href: `${href}/metrics/${encodeURIComponent(id)}`,
              variationLabel: row.variationLabel,
              variationSvg: row.variationIcon
                ? renderIconSvg({ type: 'variation', icon: row.variationIcon }, 24)
                : null,
            }
          : { held: false };
      }),
    });
  }
  const metricNames = new Map<string, string>();
  for (const id of systemKeyMetrics) {
    const name = (await findMetric(db, id))?.name;
    metricNames.set(id, name ?? id);
  }
  const keyMetrics = systemKeyMetrics.map((id) => ({ id, name: metricNames.get(id) ?? id }));
  const signals = await signalsByOrganisation(db);
  const membersTable: DataTable = {
    id: 'members',
    caption: `Members of ${system.icb.name}: NHS Oversight Framework${quarter ? ` (${quarter})` : ''} and key metrics`,
    fileName: `tend-system-${system.icb.code}`,
    columns: [
      { label: 'Organisation', sort: true },
      { label: 'ODS code', csvOnly: true },
      { label: 'Mapping', sort: true },
      { label: 'Segment', numeric: true, sort: true },
      { label: 'Rank', sort: true },
      { label: 'Concerns', numeric: true, sort: true },
      { label: 'Concern metrics', csvOnly: true },
      { label: 'Improving', numeric: true, sort: true },
      { label: 'Improving metrics', csvOnly: true },
      ...keyMetrics.flatMap((metric) => [
        { label: metric.name, hint: metric.id, sort: true },
        { label: `${metric.name} period`, hint: metric.id, csvOnly: true },
        { label: `${metric.name} variation`, hint: metric.id, csvOnly: true },
      ]),
    ],
    rows: members.map((member) => ({
      key: member.code,
      cells: [
        cell(member.name, { href: member.href, note: `(${member.code})` }),
        cell(member.code),
        cell(member.mapping),
        member.nof?.segment
          ? cell(`Segment ${member.nof.segment}`, { sortValue: member.nof.segment, csv: member.nof.segment })
          : cell('Not held', { sortValue: 99, csv: null }),
        member.nof?.rank
          ? cell(`${member.nof.rank} of ${member.nof.peerGroupSize}`, {
              sortValue: member.nof.rank,
              csv: member.nof.rank,
            })
          : cell('Not held', { sortValue: 9999, csv: null }),
        signalCell(signals.get(member.code)?.concerns ?? []),
        cell((signals.get(member.code)?.concerns ?? []).join(' ')),
        signalCell(signals.get(member.code)?.improving ?? []),
        cell((signals.get(member.code)?.improving ?? []).join(' ')),
        ...member.metrics.flatMap((metric) =>
          metric.held
            ? [
                cell(metric.value ?? '', {
                  href: metric.href,
                  note: metric.period ?? undefined,
                  svg: metric.variationSvg ?? undefined,
                  sortValue: metric.number ?? undefined,
                  csv: metric.number,
                }),
                cell(metric.period ?? ''),
                cell(metric.variationLabel ?? ''),
              ]
            : [cell('Not held', { csv: null }), cell(''), cell('')],
        ),
      ],
    })),
  };
  const nhse = members.filter((member) => member.inNhse);
  const ods = members.filter((member) => member.inOds);
  return {
    context: await systemContext(db, system.icb.code),
    icb: system.icb,
    quarter,
    members,
    nhseCount: nhse.length,
    odsCount: ods.length,
    odsOnly: members.filter((member) => member.inOds && !member.inNhse),
    nhseOnly: members.filter((member) => member.inNhse && !member.inOds),
    membersTable,
    coverage: await coverageFromStore(db),
  };
}

/** The ICB's own context metrics: registered population and need per head (ICB allocations). */
const contextMetricIds = [
  'icb-registered-population',
  'icb-need-index-core',
  'icb-need-index-health-inequalities',
] as const;

/** The system's population and need, where Tend holds them, each with its period and a link to its chart. */
async function systemContext(db: Kysely<Database>, icbCode: string) {
  const scorecard = await organisationScorecard(db, icbCode);
  return contextMetricIds.flatMap((id) => {
    const row = scorecard.find((entry) => entry.metric.id === id);
    return row?.latestValue
      ? [
          {
            id,
            name: row.metric.name,
            value: row.latestValue,
            period: row.latestPeriod,
            href: `/organisations/${encodeURIComponent(icbCode)}/metrics/${encodeURIComponent(id)}`,
          },
        ]
      : [];
  });
}
