import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { configFrom, type GlobalOptions, print, textTable, withStore } from '../context.ts';

/**
 * `tend teams add --org CODE --name NAME [--code CODE]`, `tend teams define --team CODE …` and
 * `tend teams list [--org CODE]`: teams inside an organisation and their own indicators, as the operator. Their people are given roles on the team's code with
 * `tend users grant EMAIL admin --org TEAMCODE`; their values are imported with `tend import` (the
 * tidy template with a `team` column).
 */
export function registerTeamCommands(program: Command): void {
  const teams = program
    .command('teams')
    .description('Teams inside organisations, with indicators of their own');

  teams
    .command('add')
    .description('Add a team to an organisation')
    .requiredOption('--org <code>', 'the organisation the team belongs to')
    .requiredOption('--name <name>', 'the team’s name, e.g. Maternity')
    .option(
      '--code <code>',
      'its code, 3 to 9 letters and digits (default: the organisation’s code, T and a number)',
    )
    .action(async (options: { org: string; name: string; code?: string }, command: Command) => {
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { createTeam } = await import('../../app/teams/write.ts');
        const { operatorContext } = await import('../operator.ts');
        const team = await createTeam(operatorContext(store.db), options);
        await print(
          `Added the team ${team.name} (${team.code}) to ${team.parent_name} (${team.parent_code}).`,
        );
      });
    });

  teams
    .command('define')
    .description('Define an indicator of a team’s own (its values then come with `tend import`)')
    .requiredOption('--team <code>', 'the team’s code')
    .requiredOption('--name <name>', 'the indicator’s name')
    .requiredOption('--definition <text>', 'how it is measured')
    .requiredOption('--unit <unit>', '%, count, rate, days, hours, minutes, ratio or £')
    .requiredOption('--direction <direction>', 'higher_is_better, lower_is_better or neutral')
    .requiredOption('--why <text>', 'why it matters to the team')
    .option(
      '--visibility <visibility>',
      'public, or organisation (its people and those who oversee it)',
      'public',
    )
    .option('--target <number>', 'a target in the indicator’s unit')
    .option('--slug <slug>', 'its short id (default: made from the name)')
    .action(
      async (
        options: {
          team: string;
          name: string;
          definition: string;
          unit: string;
          direction: string;
          why: string;
          visibility: string;
          target?: string;
          slug?: string;
        },
        command: Command,
      ) => {
        const config = configFrom(command.optsWithGlobals<GlobalOptions>());
        await withStore(config, async (store) => {
          const { createTeamIndicator } = await import('../../app/teams/write.ts');
          const { operatorContext } = await import('../operator.ts');
          const indicator = await createTeamIndicator(operatorContext(store.db), options.team, {
            name: options.name,
            slug: options.slug,
            definition: options.definition,
            unit: options.unit,
            direction: options.direction,
            target: options.target,
            whyItMatters: options.why,
            visibility: options.visibility,
          });
          await print(
            `Defined ${indicator.name} (${indicator.metric_id}) for ${indicator.team_name}. Import its values in the tidy template: org_code ${indicator.parent_code}, team ${indicator.team_code}, metric_id ${indicator.slug}.`,
          );
        });
      },
    );

  teams
    .command('list')
    .description('Every team, or an organisation’s')
    .option('--org <code>', 'only this organisation’s teams')
    .option('--format <format>', 'text or json', 'text')
    .action(async (options: { org?: string; format: string }, command: Command) => {
      if (options.format !== 'text' && options.format !== 'json')
        throw new AppError('INVALID_ARGUMENT', `invalid --format: ${options.format} (one of text, json)`);
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { listTeamsOf } = await import('../../app/teams/read.ts');
        const { operatorContext } = await import('../operator.ts');
        const rows = await listTeamsOf(operatorContext(store.db), options.org?.trim().toUpperCase());
        if (options.format === 'json') {
          await print(JSON.stringify({ teams: rows }, null, 2));
          return;
        }
        if (rows.length === 0) {
          await print(options.org ? `${options.org.toUpperCase()} has no teams.` : 'Tend holds no teams.');
          return;
        }
        await print(
          textTable(
            ['code', 'name', 'organisation'],
            rows.map((row) => [row.code, row.name, `${row.parent_name} (${row.parent_code})`]),
          ),
        );
      });
    });
}
