import type { Command } from 'commander';
import { storedRebases, storedRebasesOfMetric } from '../../app/annotations/rebases.ts';
import { toCsv } from '../../app/csv.ts';
import { improvementDirection, loadSeries } from '../../app/series.ts';
import { spcForSeries } from '../../app/spc-view.ts';
import type { ImprovementDirection } from '../../engines/spc/options.ts';
import type { SpcSeriesResult } from '../../engines/spc/types.ts';
import { AppError } from '../../errors.ts';
import { configFrom, type GlobalOptions, print, withStore } from '../context.ts';
import { formatSpcOutput, type SpcCommandOptions } from './spc-output.ts';

/** The columns of `tend spc --metric ID --all`: one row per organisation, the scorecard of icons. */
export const spcScorecardColumns = [
  'org_code',
  'org_name',
  'points',
  'first_date',
  'latest_date',
  'latest_value',
  'mean',
  'lower_process_limit',
  'upper_process_limit',
  'latest_point_type',
  'variation_icon',
  'assurance_icon',
  'warnings',
] as const;

/** One scorecard row for a series result. */
export function scorecardRow(
  orgCode: string,
  orgName: string,
  result: SpcSeriesResult,
): (string | number | null)[] {
  const latestGroup = result.groups.at(-1);
  return [
    orgCode,
    orgName,
    result.summary.valueCount,
    result.dates[0] ?? null,
    result.summary.latestDate,
    result.summary.latestValue,
    latestGroup?.centreLine ?? null,
    latestGroup?.lowerProcessLimit ?? null,
    latestGroup?.upperProcessLimit ?? null,
    result.summary.latestPointType,
    result.variationIcon,
    result.assuranceIcon,
    result.warnings.map((warning) => warning.code).join(' ') || null,
  ];
}

/**
 * `tend spc --org CODE --metric ID` (one series from the store, as JSON, CSV or SVG) and
 * `tend spc --metric ID --all` (every organisation's variation and assurance icons: the scorecard).
 * The improvement direction comes from the metric unless `--direction` is given; the rebases
 * recorded for each series apply (with any `--rebase` given, for `--org`).
 */
export async function runStoreSpc(options: SpcCommandOptions, command?: Command): Promise<void> {
  if (!options.metric)
    throw new AppError(
      'INVALID_ARGUMENT',
      '--org and --all need --metric ID (list metrics with `tend metrics`)',
    );
  if (options.all && options.org)
    throw new AppError('INVALID_ARGUMENT', 'give either --org CODE or --all, not both');
  if (!options.all && !options.org)
    throw new AppError(
      'INVALID_ARGUMENT',
      'give --org CODE for one organisation, or --all for every organisation with the metric',
    );
  const directionGiven = command?.getOptionValueSource('direction') === 'cli';
  const config = configFrom(command?.optsWithGlobals<GlobalOptions>() ?? {});
  await withStore(config, async (store) => {
    if (options.org) {
      const { organisation, metric, points } = await loadSeries(
        store.db,
        options.org,
        options.metric as string,
      );
      if (points.length === 0) {
        throw new AppError(
          'NOT_FOUND',
          `${organisation.code} has no observations of ${metric.id}; see \`tend coverage ${metric.id}\` for who does.`,
        );
      }
      const direction: ImprovementDirection = directionGiven
        ? options.direction
        : improvementDirection(metric);
      const stored = await storedRebases(store.db, organisation.code, metric.id);
      const result = spcForSeries(points, {
        improvementDirection: direction,
        facet: `${organisation.code} ${organisation.name}`,
        target: options.target ?? null,
        rebase: [...stored, ...options.rebase],
      });
      await print(
        formatSpcOutput([result], options.format, {
          metricName: metric.name,
          unit: options.unit ?? metric.unit,
          annotations: options.annotate,
        }),
      );
      return;
    }
    // Every series of the metric read as one text value and split here: far quicker than a row object
    // per observation at national scale (756,000 rows for 6,300 practices over ten years).
    const { requireMetric } = await import('../../app/catalogue.ts');
    const { seriesFromText } = await import('../../app/series-text.ts');
    const { metricObservationsText } = await import('../../store/repos/signal-repo.ts');
    const { listOrganisations } = await import('../../store/repos/organisation-repo.ts');
    const metric = await requireMetric(store.db, options.metric as string);
    const series = seriesFromText(metric.id, await metricObservationsText(store.db, metric.id));
    if (series.length === 0)
      throw new AppError(
        'NOT_FOUND',
        `No organisation has observations of ${metric.id}; see \`tend coverage ${metric.id}\`.`,
      );
    const names = new Map((await listOrganisations(store.db)).map((row) => [row.code, row.name]));
    const direction: ImprovementDirection = directionGiven ? options.direction : improvementDirection(metric);
    const rebases = await storedRebasesOfMetric(store.db, metric.id);
    const rows: (string | number | null)[][] = [];
    for (const { org_code: code, dates, values } of series) {
      rows.push(
        scorecardRow(
          code,
          names.get(code) ?? code,
          spcForSeries(
            dates.map((date, index) => ({ date, value: values[index] })),
            {
              improvementDirection: direction,
              facet: code,
              target: options.target ?? null,
              rebase: rebases.get(code) ?? [],
            },
          ),
        ),
      );
    }
    if (options.format === 'json') {
      await print(
        JSON.stringify(
          {
            metric: { id: metric.id, name: metric.name, direction },
            organisations: rows.map((row) =>
              Object.fromEntries(spcScorecardColumns.map((column, index) => [column, row[index]])),
            ),
          },
          null,
          2,
        ),
      );
    } else if (options.format === 'csv') {
      await print(toCsv(spcScorecardColumns, rows));
    } else {
      throw new AppError('INVALID_ARGUMENT', '--all gives a scorecard: use --format csv or --format json');
    }
  });
}
