import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { configFrom, type GlobalOptions, print, textTable, withStore } from '../context.ts';

function checkFormat(format: string): 'text' | 'json' | 'csv' {
  if (format !== 'text' && format !== 'json' && format !== 'csv')
    throw new AppError('INVALID_ARGUMENT', `invalid --format: ${format} (one of text, json, csv)`);
  return format;
}

/**
 * `tend directory`: the improvement directory from the command line — the candidates for one
 * metric (organisations whose charts show sustained improvement, or consistently among the best of
 * their peers; suggestions, not yet confirmed) and the directory's coverage (published entries per
 * metric against the goal of three, the gaps and the share of open concerns with three offers of help).
 */
export function registerDirectoryCommands(program: Command): void {
  const directory = program
    .command('directory')
    .description('The improvement directory: candidates and coverage');
  directory
    .command('candidates')
    .description(
      'Candidates for the directory on one metric: sustained improvement, or consistently among the best',
    )
    .requiredOption('--metric <id>', 'metric id, e.g. ae-4hr-type1')
    .option('--format <format>', 'text, json or csv', 'text')
    .action(async (options: { metric: string; format: string }, command: Command) => {
      const format = checkFormat(options.format);
      await withStore(configFrom(command.optsWithGlobals<GlobalOptions>()), async (store) => {
        const { candidatesCsv, candidatesForMetric, candidateView } = await import(
          '../../app/directory/candidates.ts'
        );
        const { operatorContext } = await import('../operator.ts');
        const found = await candidatesForMetric(operatorContext(store.db), options.metric);
        if (format === 'csv') return print(candidatesCsv(found).trimEnd());
        const views = found.candidates.map((candidate) => candidateView(found, candidate));
        if (format === 'json')
          return print(
            JSON.stringify(
              {
                metric: { id: found.metric.id, name: found.metric.name },
                readOn: { id: found.readOn.id, name: found.readOn.name },
                latestPeriod: found.latestPeriod,
                seriesRead: found.seriesRead,
                excluded: found.excludedCounts,
                candidates: views,
              },
              null,
              2,
            ),
          );
        return print(
          [
            `${found.metric.name} (${found.metric.id})${found.readOn.id !== found.metric.id ? `, read on ${found.readOn.id}` : ''}: ${views.length} candidate${views.length === 1 ? '' : 's'} among ${found.seriesRead} series — not yet confirmed`,
            textTable(
              ['org', 'name', 'why', 'improvement'],
              views.map((view) => [view.org, view.orgName, view.reasons.join(', '), view.summary]),
            ),
          ].join('\n'),
        );
      });
    });
  directory
    .command('coverage')
    .description(
      'Published entries per metric against the goal of three, the gaps, and concerns with three offers',
    )
    .option('--format <format>', 'text, json or csv', 'text')
    .action(async (options: { format: string }, command: Command) => {
      const format = checkFormat(options.format);
      await withStore(configFrom(command.optsWithGlobals<GlobalOptions>()), async (store) => {
        const { coverageCsv, directoryCoverage } = await import('../../app/directory/coverage.ts');
        const { operatorContext } = await import('../operator.ts');
        const coverage = await directoryCoverage(operatorContext(store.db));
        if (format === 'csv') return print(coverageCsv(coverage).trimEnd());
        if (format === 'json') return print(JSON.stringify(coverage, null, 2));
        const share =
          coverage.shareWithThreeOffers === null
            ? 'no open concerns'
            : `${(coverage.shareWithThreeOffers * 100).toFixed(0)}%`;
        return print(
          [
            `Open concerns with three or more offers of help: ${coverage.concernsWithThreeOffers} of ${coverage.openConcerns} (${share})`,
            `Metrics with ${coverage.goal} or more published entries: ${coverage.metricsMeetingGoal} of ${coverage.metrics.length}`,
            textTable(
              ['metric', 'concerns', 'entries', 'gap', 'candidates'],
              coverage.metrics.map((metric) => [
                metric.metricId,
                String(metric.openConcerns),
                String(metric.publishedEntries),
                String(metric.gap),
                String(metric.candidateCount),
              ]),
            ),
          ].join('\n'),
        );
      });
    });
}
