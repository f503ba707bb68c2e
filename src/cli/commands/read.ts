import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { configFrom, type GlobalOptions, print, textTable, withStore } from '../context.ts';

function requireFormat(format: string, allowed: readonly string[]): void {
  if (!allowed.includes(format))
    throw new AppError('INVALID_ARGUMENT', `invalid --format: ${format} (one of ${allowed.join(', ')})`);
}

export function registerReadCommands(program: Command): void {
  program
    .command('status')
    .description('Counts of organisations, metrics, observations and import batches in the store')
    .option('--format <format>', 'text or json', 'text')
    .action(async (options: { format: string }, command: Command) => {
      requireFormat(options.format, ['text', 'json']);
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { storeStatus } = await import('../../app/status.ts');
        const status = await storeStatus(store.db);
        if (options.format === 'json')
          return print(JSON.stringify({ store: store.kind, location: store.location, ...status }));
        return print(
          textTable(
            ['', ''],
            [
              ['store', `${store.kind} (${store.location})`],
              ['organisations', status.organisations],
              ['metrics', status.metrics],
              ['observations', status.observations],
              ['earlier values kept', status.observationHistory],
              ['import batches', status.importBatches],
              ['refused imports', status.rejectedImports],
            ],
          ),
        );
      });
    });

  program
    .command('orgs')
    .description('List organisations (trusts, ICBs, regions, other providers)')
    .option('--kind <kind>', 'only this kind: trust, icb, region, independent_provider, other_provider')
    .option('--search <text>', 'code or name contains this text')
    .option('--format <format>', 'text, csv or json', 'text')
    .action(async (options: { kind?: string; search?: string; format: string }, command: Command) => {
      requireFormat(options.format, ['text', 'csv', 'json']);
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { listOrganisations } = await import('../../store/repos/organisation-repo.ts');
        const { toCsv } = await import('../../app/csv.ts');
        const rows = await listOrganisations(store.db, { kind: options.kind, search: options.search });
        if (options.format === 'json') return print(JSON.stringify(rows, null, 2));
        const header = [
          'code',
          'name',
          'kind',
          'nof_trust_type',
          'nof_trust_subtype',
          'opened_on',
          'closed_on',
        ];
        const cells = rows.map((row) => [
          row.code,
          row.name,
          row.kind,
          row.nof_trust_type,
          row.nof_trust_subtype,
          row.opened_on,
          row.closed_on,
        ]);
        if (options.format === 'csv') return print(toCsv(header, cells));
        if (rows.length === 0)
          return print(
            'No organisations match. Import the ODS trust list with `tend import data/ods-trusts-2025/etr.csv`, or run `tend demo`.',
          );
        return print(textTable(header, cells));
      });
    });

  program
    .command('metrics')
    .description('List the metric catalogue')
    .option('--format <format>', 'text, csv or json', 'text')
    .action(async (options: { format: string }, command: Command) => {
      requireFormat(options.format, ['text', 'csv', 'json']);
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { listMetrics } = await import('../../store/repos/metric-repo.ts');
        const { toCsv } = await import('../../app/csv.ts');
        const rows = await listMetrics(store.db);
        if (options.format === 'json') return print(JSON.stringify(rows, null, 2));
        const header = ['id', 'name', 'unit', 'direction', 'domain'];
        const cells = rows.map((row) => [row.id, row.name, row.unit, row.direction, row.domain]);
        return print(options.format === 'csv' ? toCsv(header, cells) : textTable(header, cells));
      });
    });

  program
    .command('coverage')
    .description('Which organisations and periods have data for a metric')
    .argument('<metric-id>', 'metric id, e.g. ae-4hr-type1')
    .option('--format <format>', 'text or json', 'text')
    .action(async (metricId: string, options: { format: string }, command: Command) => {
      requireFormat(options.format, ['text', 'json']);
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { metricCoverage } = await import('../../app/catalogue.ts');
        const coverage = await metricCoverage(store.db, metricId);
        if (options.format === 'json') return print(JSON.stringify(coverage, null, 2));
        const { metric, organisations, periods } = coverage;
        if (organisations.length === 0) {
          const others = coverage.metricsWithData
            .map((row) => `  ${row.id} (${row.observations} observations)`)
            .join('\n');
          return print(
            `${metric.id} (${metric.name}) has no observations yet.\n${others ? `Metrics with data:\n${others}` : 'The store holds no observations: import files with `tend import`, or run `tend demo`.'}`,
          );
        }
        return print(
          `${metric.id} — ${metric.name}\n${organisations.length} organisations, ${periods.count} periods from ${periods.first} to ${periods.last}\n\n${textTable(
            ['org', 'name', 'reported', 'not reported', 'first', 'last'],
            organisations.map((row) => [
              row.org_code,
              row.org_name,
              row.reported,
              row.not_reported,
              row.first_period,
              row.last_period,
            ]),
          )}`,
        );
      });
    });

  program
    .command('observations')
    .description("One organisation's observations of one metric")
    .requiredOption('--org <code>', 'organisation ODS code')
    .requiredOption('--metric <id>', 'metric id')
    .option('--format <format>', 'text, csv or json', 'text')
    .action(async (options: { org: string; metric: string; format: string }, command: Command) => {
      requireFormat(options.format, ['text', 'csv', 'json']);
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { observationSeries } = await import('../../app/catalogue.ts');
        const { observationsCsv } = await import('../../app/csv.ts');
        const { periodLabel } = await import('../../domain/period.ts');
        const series = await observationSeries(store.db, options.org, options.metric);
        if (options.format === 'json') return print(JSON.stringify(series.observations, null, 2));
        if (options.format === 'csv') return print(observationsCsv(series.observations));
        if (series.observations.length === 0) {
          const held = series.metricsForOrganisation
            .map((row) => `  ${row.id} (${row.observations})`)
            .join('\n');
          return print(
            `${series.organisation.code} has no observations of ${series.metric.id}; ${series.organisationsWithMetric} organisation(s) do.\n${held ? `${series.organisation.code} has:\n${held}` : `${series.organisation.code} has no observations at all.`}`,
          );
        }
        return print(
          `${series.organisation.name} (${series.organisation.code}) — ${series.metric.name}\n\n${textTable(
            ['period', 'value', 'numerator', 'denominator', 'status'],
            series.observations.map((row) => [
              periodLabel({ start: row.period_start, granularity: row.granularity }),
              row.value === null ? null : Number(row.value.toFixed(4)),
              row.numerator,
              row.denominator,
              row.status,
            ]),
          )}`,
        );
      });
    });
}
