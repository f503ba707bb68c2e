import type { Command } from 'commander';
import { configFrom, type GlobalOptions } from '../context.ts';

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** `tend backup FILE` and `tend restore FILE`, for both stores. */
export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description(
      'Write a consistent backup of the store to FILE (pg_dump for PostgreSQL; a snapshot of the embedded database, taken by the running server when there is one)',
    )
    .argument('<file>', 'the backup file to write')
    .option('--force', 'overwrite FILE if it exists')
    .action(async (file: string, options: { force?: boolean }, command: Command) => {
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      const { backupStore } = await import('../../app/backup.ts');
      const result = await backupStore(config, file, { overwrite: options.force ?? false });
      process.stderr.write(
        `Backed up the ${result.kind === 'postgres' ? 'PostgreSQL database' : 'embedded database'} to ${result.file} (${megabytes(result.bytes)}; taken by ${result.takenBy}).\n`,
      );
    });

  program
    .command('restore')
    .description(
      'Restore a backup written by `tend backup` into the store; refuses a store that already holds data unless --force',
    )
    .argument('<file>', 'the backup file to read')
    .option('--force', 'replace what the target store holds')
    .action(async (file: string, options: { force?: boolean }, command: Command) => {
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      const { restoreStore } = await import('../../app/backup.ts');
      const { systemClock } = await import('../../app/context.ts');
      const { operator } = await import('../../policies/actor.ts');
      const { operatorLabel } = await import('../operator.ts');
      const result = await restoreStore(config, file, {
        actor: operator(operatorLabel()),
        clock: systemClock,
        replace: options.force ?? false,
      });
      const { status } = result;
      process.stderr.write(
        `Restored ${result.file} (${megabytes(result.bytes)}, SHA-256 ${result.sha256.slice(0, 12)}…)${result.replaced ? ', replacing what was there' : ''}: ${status.organisations} organisations, ${status.metrics} metrics, ${status.observations} observations from ${status.importBatches} files.\n`,
      );
    });
}
