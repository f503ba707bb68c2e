import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { configFrom, type GlobalOptions, print, textTable, withStore } from '../context.ts';

interface SignalOptions {
  org?: string;
  icb?: string;
  region?: string;
  metric?: string;
  kind?: string;
  status?: string;
  age?: string;
  conversation?: string;
  format: string;
}

export function registerSignalCommand(program: Command): void {
  program
    .command('signals')
    .description(
      'Signals: special cause at the latest point, targets that will not be met, segment changes and questions about the data, concerns first',
    )
    .option('--org <code>', "only this organisation's signals (and its teams')")
    .option('--icb <code>', "only the signals of this ICB's member organisations")
    .option('--region <code>', "only the signals of this region's member organisations")
    .option('--metric <id>', 'only signals on this metric')
    .option('--kind <kind>', 'concern, improvement, assurance, segment_change or data_question')
    .option(
      '--status <status>',
      'open (default: every status but closed), all, or one of new, acknowledged, inquiry_opened, understood, data_question, closed',
    )
    .option('--age <age>', 'new (1 point), recent (2 to 6 points) or long (more than 6)')
    .option('--conversation <open|none>', 'whether an inquiry is open from it')
    .option('--format <format>', 'text, json or csv', 'text')
    .action(async (options: SignalOptions, command: Command) => {
      if (!['text', 'json', 'csv'].includes(options.format))
        throw new AppError(
          'INVALID_ARGUMENT',
          `invalid --format: ${options.format} (one of text, json, csv)`,
        );
      const { signalFilter, signalQuery } = await import('../../app/signals/filter.ts');
      const parsed = signalQuery.safeParse({
        org: options.org,
        icb: options.icb,
        region: options.region,
        metric: options.metric,
        kind: options.kind,
        status: options.status,
        age: options.age,
        conversation: options.conversation,
      });
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`);
        throw new AppError('INVALID_ARGUMENT', problems.join('; '), { details: problems });
      }
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { operatorContext } = await import('../operator.ts');
        const { readSignals, signalsCsv, signalView } = await import('../../app/signals/read.ts');
        const list = await readSignals(operatorContext(store.db), signalFilter(parsed.data));
        if (list.truncated)
          process.stderr.write(
            `Showing the first ${list.rows.length} of ${list.total} signals; narrow the filters.\n`,
          );
        if (options.format === 'json')
          return print(
            JSON.stringify(
              {
                total: list.total,
                unstartedConcerns: list.unstartedConcerns,
                signals: list.rows.map(signalView),
              },
              null,
              2,
            ),
          );
        if (options.format === 'csv') return process.stdout.write(signalsCsv(list.rows));
        if (list.rows.length === 0) return print('No signals match.');
        print(
          textTable(
            ['id', 'org', 'metric', 'kind', 'status', 'from', 'latest', 'points'],
            list.rows.map((row) => [
              String(row.id),
              row.org_code,
              row.metric_id,
              row.kind,
              row.status,
              row.first_date,
              row.latest_date,
              String(row.points),
            ]),
          ),
        );
        print(
          `${list.total} signal${list.total === 1 ? '' : 's'}; ${list.unstartedConcerns} concern${list.unstartedConcerns === 1 ? '' : 's'} nobody has started talking about.`,
        );
      });
    });
}
