import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { configFrom, type GlobalOptions, print, withStore } from '../context.ts';

function requireFormat(format: string, allowed: readonly string[]): void {
  if (!allowed.includes(format))
    throw new AppError('INVALID_ARGUMENT', `invalid --format: ${format} (one of ${allowed.join(', ')})`);
}

export function registerAssessCommands(program: Command): void {
  program
    .command('assess')
    .description(
      'NHS Oversight Framework segments and league tables for a quarter, with likely ranges, from the store',
    )
    .option('--framework <id>', 'framework: nof-2025-26, or nof-2026-27 (provisional)', 'nof-2025-26')
    .requiredOption('--quarter <label>', 'quarter, e.g. "Q4 2025/26"')
    .option('--trust-type <type>', 'only this trust type, e.g. "Mental health and community trust"')
    .option('--cut-points <a,b,c>', "segment cut points on the average score, overriding the framework's")
    .option('--format <format>', 'csv or json', 'csv')
    .action(
      async (
        options: {
          framework: string;
          quarter: string;
          trustType?: string;
          cutPoints?: string;
          format: string;
        },
        command: Command,
      ) => {
        requireFormat(options.format, ['csv', 'json']);
        const { assessFromStore, leagueTableColumns, parseCutPoints } = await import(
          '../../app/assessment.ts'
        );
        const { toCsv } = await import('../../app/csv.ts');
        const cutPoints = options.cutPoints ? parseCutPoints(options.cutPoints) : undefined;
        const config = configFrom(command.optsWithGlobals<GlobalOptions>());
        await withStore(config, async (store) => {
          const assessment = await assessFromStore(store.db, {
            framework: options.framework,
            quarter: options.quarter,
            trustType: options.trustType,
            cutPoints,
          });
          if (options.format === 'json') {
            return print(
              JSON.stringify(
                {
                  framework: assessment.framework,
                  quarter: assessment.quarter,
                  cutPoints: assessment.cutPoints,
                  trusts: assessment.trusts,
                },
                null,
                2,
              ),
            );
          }
          return print(
            toCsv(
              leagueTableColumns,
              assessment.trusts.map((row) => leagueTableColumns.map((column) => row[column])),
            ),
          );
        });
      },
    );

  program
    .command('explain')
    .description(
      'Why an organisation sits where it does under the Oversight Framework, and what would move it',
    )
    .requiredOption('--org <code>', 'organisation ODS code')
    .requiredOption('--quarter <label>', 'quarter, e.g. "Q4 2025/26"')
    .option('--framework <id>', 'framework id', 'nof-2025-26')
    .option('--cut-points <a,b,c>', "segment cut points, overriding the framework's")
    .option('--format <format>', 'text or json', 'text')
    .action(
      async (
        options: { org: string; quarter: string; framework: string; cutPoints?: string; format: string },
        command: Command,
      ) => {
        requireFormat(options.format, ['text', 'json']);
        const { explainFromStore, parseCutPoints } = await import('../../app/assessment.ts');
        const cutPoints = options.cutPoints ? parseCutPoints(options.cutPoints) : undefined;
        const config = configFrom(command.optsWithGlobals<GlobalOptions>());
        await withStore(config, async (store) => {
          const explanation = await explainFromStore(store.db, {
            org: options.org,
            quarter: options.quarter,
            framework: options.framework,
            cutPoints,
          });
          if (options.format === 'json') return print(JSON.stringify(explanation, null, 2));
          return print(explanation.sentences.join('\n'));
        });
      },
    );
}
