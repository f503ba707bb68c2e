import { Command } from 'commander';
import { registerAssessCommands } from './commands/assess.ts';
import { registerAuditCommand } from './commands/audit.ts';
import { registerBackupCommands } from './commands/backup.ts';
import { registerDirectoryCommands } from './commands/directory.ts';
import { registerFollowUpCommands } from './commands/follow-ups.ts';
import { registerImportCommand } from './commands/import.ts';
import { registerPromptSetCommands } from './commands/prompt-sets.ts';
import { registerReadCommands } from './commands/read.ts';
import { registerReviewCommands } from './commands/reviews.ts';
import { registerServeCommands } from './commands/serve.ts';
import { registerSignalCommand } from './commands/signals.ts';
import { registerSpcCommand } from './commands/spc.ts';
import { registerSsoCommands } from './commands/sso.ts';
import { registerTeamCommands } from './commands/teams.ts';
import { registerTokenCommands } from './commands/tokens.ts';
import { registerUserCommands } from './commands/users.ts';

/** Builds the `tend` command line; `main.ts` runs it. */
export function buildProgram(): Command {
  const program = new Command('tend')
    .description(
      'Tend: NHS Oversight Framework assessment, Making Data Count SPC and dialogue over NHS performance data',
    )
    .option(
      '--database-url <url>',
      'PostgreSQL connection string (default: DATABASE_URL, else the embedded database)',
    )
    .option('--data-dir <dir>', 'folder of the embedded database (default: TEND_DATA_DIR, else .tend/pgdata)')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false });
  registerImportCommand(program);
  registerReadCommands(program);
  registerSpcCommand(program);
  registerAssessCommands(program);
  registerSignalCommand(program);
  registerDirectoryCommands(program);
  registerPromptSetCommands(program);
  registerReviewCommands(program);
  registerFollowUpCommands(program);
  registerServeCommands(program);
  registerSsoCommands(program);
  registerUserCommands(program);
  registerTeamCommands(program);
  registerTokenCommands(program);
  registerAuditCommand(program);
  registerBackupCommands(program);
  return program;
}
