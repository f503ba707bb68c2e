import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { configFrom, type GlobalOptions, print, textTable, withStore } from '../context.ts';

/** A whole number from an option, or NaN (which the use case reports) when it is not one. */
function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return /^\s*-?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('The audit log, newest first: who did what, to which entity, for which organisation')
    .option('--org <code>', "only this organisation's entries")
    .option('--since <date>', 'only entries from this day on (YYYY-MM-DD, UTC)')
    .option('--limit <n>', 'at most this many entries (default 500)')
    .option('--format <format>', 'text or json (json includes what changed, before and after)', 'text')
    .action(
      async (options: { org?: string; since?: string; limit?: string; format: string }, command: Command) => {
        if (options.format !== 'text' && options.format !== 'json')
          throw new AppError('INVALID_ARGUMENT', `invalid --format: ${options.format} (one of text, json)`);
        const config = configFrom(command.optsWithGlobals<GlobalOptions>());
        await withStore(config, async (store) => {
          const { listAudit } = await import('../../app/audit.ts');
          const { operatorContext } = await import('../operator.ts');
          const { entries, more } = await listAudit(operatorContext(store.db), {
            orgCode: options.org,
            since: options.since,
            limit: wholeNumber(options.limit),
          });
          if (more)
            process.stderr.write(
              `Showing the newest ${entries.length} entries; older ones remain (use --limit or --since).\n`,
            );
          if (options.format === 'json') return print(JSON.stringify(entries, null, 2));
          if (entries.length === 0) return print('No audit entries match.');
          return print(
            textTable(
              ['time (UTC)', 'actor', 'action', 'entity', 'org'],
              entries.map((entry) => [
                entry.at.toISOString().slice(0, 19).replace('T', ' '),
                entry.actorLabel,
                entry.action,
                entry.entityId ? `${entry.entityType} ${entry.entityId}` : entry.entityType,
                entry.orgCode ?? '',
              ]),
            ),
          );
        });
      },
    );
}
