import type { TeamIndicatorView } from '../../../app/teams/read.ts';
import { cell, type DataTable } from '../../data-table.ts';

const directionLabels: Record<string, string> = {
  higher_is_better: 'Higher is better',
  lower_is_better: 'Lower is better',
  neutral: 'Neither',
};

/** A team indicator's visibility in words. */
export function visibilityText(visibility: string): string {
  return visibility === 'public' ? 'Public' : 'Organisation only';
}

/** The team path: `/teams/RYYT01`. */
export function teamPath(code: string): string {
  return `/teams/${encodeURIComponent(code)}`;
}

/**
 * Team indicators as a table (with its CSV): name linked to the chart, the team, latest value,
 * points, target, direction and who may read it. `withTeam` adds the team column (the organisation
 * page lists every team's).
 */
export function teamIndicatorsTable(
  indicators: readonly TeamIndicatorView[],
  options: { id: string; caption: string; fileName: string; withTeam: boolean },
): DataTable {
  return {
    id: options.id,
    caption: options.caption,
    fileName: options.fileName,
    columns: [
      { label: 'Indicator', sort: true },
      { label: 'Indicator id', csvOnly: true },
      ...(options.withTeam ? [{ label: 'Team', sort: true }] : []),
      { label: 'Latest value', sort: true },
      { label: 'Points', numeric: true, sort: true },
      { label: 'Target', numeric: true },
      { label: 'Direction' },
      { label: 'Who can see it', sort: true },
    ],
    rows: indicators.map((indicator) => ({
      key: indicator.id,
      cells: [
        cell(indicator.name, {
          href: indicator.chartHref,
          note: indicator.isExample ? '(example)' : undefined,
        }),
        cell(indicator.id),
        ...(options.withTeam ? [cell(indicator.teamName, { href: teamPath(indicator.teamCode) })] : []),
        cell(indicator.latestText, {
          sortValue: indicator.latestValue ?? undefined,
          csv: indicator.latestValue,
        }),
        cell(indicator.points),
        cell(indicator.target === null ? 'None' : String(indicator.target), { csv: indicator.target }),
        cell(directionLabels[indicator.direction] ?? indicator.direction),
        cell(visibilityText(indicator.visibility)),
      ],
    })),
  };
}
