import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { configFrom, type GlobalOptions, print, textTable, withStore } from '../context.ts';

function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/**
 * `tend follow-ups due [--now DATE] [--format text|json|csv]`: the follow-ups of reviews' agreed
 * actions due on or before a day (today by default) and not yet answered, the earliest first, as
 * the operator. Its code is loaded inside the action, so `tend --help` loads none of it.
 */
export function registerFollowUpCommands(program: Command): void {
  const followUps = program
    .command('follow-ups')
    .description('Follow-ups of the actions agreed in review conversations');
  followUps
    .command('due')
    .description('Follow-ups due on or before a day and not yet answered, the earliest first')
    .option('--now <date>', 'the day to list by, YYYY-MM-DD (default: today)')
    .option('--format <format>', 'text, json or csv', 'text')
    .action(async (options: { now?: string; format: string }, command: Command) => {
      if (!['text', 'json', 'csv'].includes(options.format))
        throw new AppError(
          'INVALID_ARGUMENT',
          `invalid --format: ${options.format} (one of text, json, csv)`,
        );
      if (options.now !== undefined && !isRealDate(options.now))
        throw new AppError('INVALID_ARGUMENT', `invalid --now: ${options.now} (a date as YYYY-MM-DD)`);
      await withStore(configFrom(command.optsWithGlobals<GlobalOptions>()), async (store) => {
        const { findFollowUps } = await import('../../app/follow-ups/read.ts');
        const { isoDay } = await import('../../app/context.ts');
        const { operatorContext } = await import('../operator.ts');
        const context = operatorContext(store.db);
        const day = options.now ?? isoDay(context.clock());
        const rows = (await findFollowUps(context, { dueBefore: day })).filter(
          (row) => row.state !== 'answered',
        );
        const lines = rows.map((row) => ({
          id: row.id,
          dueOn: row.due_on,
          state: row.state,
          organisation: row.org_code,
          organisationName: row.org_name,
          overseer: row.overseer_org_code,
          action: row.action_description ?? '',
          owner: row.action_owner_name ?? '',
          askedAt: row.asked_at ? new Date(row.asked_at).toISOString() : null,
          isExample: row.is_example,
        }));
        if (options.format === 'json')
          return print(JSON.stringify({ dueBy: day, followUps: lines }, null, 2));
        const header = ['id', 'due_on', 'state', 'organisation', 'overseer', 'action', 'owner', 'asked_at'];
        const cells = lines.map((line) => [
          String(line.id),
          line.dueOn,
          line.state,
          line.organisation,
          line.overseer,
          line.action,
          line.owner,
          line.askedAt ?? '',
        ]);
        if (options.format === 'csv') {
          const { toCsv } = await import('../../app/csv.ts');
          return process.stdout.write(toCsv(header, cells));
        }
        if (lines.length === 0) return print(`No follow-ups are due by ${day}.`);
        return print(textTable(header, cells));
      });
    });
}
