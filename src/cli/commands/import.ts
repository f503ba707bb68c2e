import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { ImportResult } from '../../app/import-file.ts';
import type { Config } from '../../config/config.ts';
import { AppError, isAppError } from '../../errors.ts';
import type { Store } from '../../store/db.ts';
import type { Database } from '../../store/tables.ts';
import { configFrom, type GlobalOptions, print, withStore } from '../context.ts';

const PROGRESS_THRESHOLD_BYTES = 1_000_000;

/** One line per file saying what happened to it. */
export function summariseImport(result: ImportResult): string {
  const format = result.formatLabel ?? result.format ?? 'unrecognised format';
  switch (result.outcome) {
    case 'imported':
      return `${result.file}: imported as batch ${result.batchId} (${format})${result.editionOf === undefined ? '' : `, re-asserting the edition of batch ${result.editionOf}`}: ${result.rows} rows, ${result.observations} observations — ${result.inserted} new, ${result.updated} revised, ${result.unchanged} unchanged${result.warningCount ? `; ${result.warningCount} warning(s)` : ''}`;
    case 'unchanged':
      return `${result.file}: unchanged — this exact file was already imported as batch ${result.previousBatchId}`;
    default:
      return `${result.file}: refused — ${result.errorCount} problem(s); nothing from this file was saved`;
  }
}

/**
 * Imports files one after another, each in its own transaction, with a progress bar for large
 * files on a terminal. Prints every problem as `file:row:column: message`.
 */
export async function importFiles(
  db: Kysely<Database> | Store,
  files: readonly string[],
  options: {
    quiet?: boolean;
    progress?: boolean;
    log?: (line: string) => void;
    sheet?: string;
    editionOf?: number;
  } = {},
): Promise<ImportResult[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Loaded here, not at the top, so that other commands start without the importers.
  const { importFile } = await import('../../app/import-file.ts');
  const { formatIssue } = await import('../../ingest/cells.ts');
  const cliProgress = (await import('cli-progress')).default;
  const results: ImportResult[] = [];
  for (const file of files) {
    const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
    const showBar = (options.progress ?? process.stderr.isTTY) && size >= PROGRESS_THRESHOLD_BYTES;
    const bar = showBar
      ? new cliProgress.SingleBar(
          {
            format: `${file} [{bar}] {percentage}% | {value}/{total} MB`,
            stream: process.stderr,
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
    bar?.start(Math.round(size / 1e5) / 10, 0);
    const result = await importFile(db, file, {
      onProgress: bar ? (bytesRead) => bar.update(Math.round(bytesRead / 1e5) / 10) : undefined,
      sheet: options.sheet,
      editionOf: options.editionOf,
    });
    bar?.stop();
    results.push(result);
    if (!options.quiet || result.outcome === 'rejected') {
      for (const issue of result.issues) log(formatIssue(issue));
      const hidden = result.errorCount + result.warningCount - result.issues.length;
      if (hidden > 0) log(`${file}: … and ${hidden} more problem(s) not shown`);
    }
    log(summariseImport(result));
  }
  return results;
}

/**
 * An embedded database a running `tend serve` holds takes imports through that server, never from a
 * second process: the refusal then says how (`POST /api/v1/imports`) as well as how to stop it.
 */
async function throughTheServer(error: unknown, config: Config, files: readonly string[]): Promise<unknown> {
  if (!isAppError(error) || error.code !== 'STORE_IN_USE' || config.databaseUrl) return error;
  const { describeHolder, readStoreLock } = await import('../../store/lock.ts');
  const lock = readStoreLock(config.dataDir);
  if (lock.state !== 'held' || !lock.holder.address) return error;
  const { holder } = lock;
  const address = holder.address as string;
  const file = files[0] ?? 'FILE';
  const type = file.toLowerCase().endsWith('.xlsx')
    ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
    : 'text/csv';
  return new AppError(
    'STORE_IN_USE',
    [
      `The embedded database in ${config.dataDir} is held by a running Tend server at ${address}: ${describeHolder(holder)}. A second process writing it would corrupt it, so nothing was imported.`,
      'Import through the server instead, as someone with national oversight (an API token from `tend tokens create`, made while the server is stopped):',
      `  curl --fail-with-body -H "Authorization: Bearer $TEND_TOKEN" -H "Content-Type: ${type}" --data-binary @${file} "${address}/api/v1/imports?filename=${encodeURIComponent(path.basename(file))}"`,
      `Or stop the server (Ctrl+C in its terminal, or \`kill ${holder.pid}\`), import, and start it again.`,
    ].join('\n'),
  );
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('Import NHS publications or tidy files into the store (format detected from the header)')
    .argument('<files...>', 'CSV or XLSX files')
    .option('--format <format>', 'output format for the summary: text or json', 'text')
    .option('--sheet <name>', 'the sheet of a workbook to import (default: the first visible sheet)')
    .option(
      '--edition-of <batch>',
      'import FILE again to re-assert the edition imported as this batch (after a revision replaced it)',
    )
    .action(
      async (
        files: string[],
        options: { format: string; sheet?: string; editionOf?: string },
        command: Command,
      ) => {
        if (!['text', 'json'].includes(options.format))
          throw new AppError('INVALID_ARGUMENT', `invalid --format: ${options.format} (text or json)`);
        const editionOf = options.editionOf === undefined ? undefined : Number(options.editionOf);
        if (editionOf !== undefined && !(Number.isSafeInteger(editionOf) && editionOf > 0))
          throw new AppError(
            'INVALID_ARGUMENT',
            `invalid --edition-of: ${options.editionOf} (a batch number)`,
          );
        if (editionOf !== undefined && files.length !== 1)
          throw new AppError('INVALID_ARGUMENT', '--edition-of re-asserts one file: name exactly one');
        const config: Config = configFrom(command.optsWithGlobals<GlobalOptions>());
        const results = await withStore(config, (store) =>
          importFiles(store, files, {
            log: options.format === 'json' ? () => {} : undefined,
            sheet: options.sheet,
            editionOf,
          }),
        ).catch(async (error: unknown) => {
          throw await throughTheServer(error, config, files);
        });
        if (options.format === 'json') await print(JSON.stringify(results, null, 2));
        const refused = results.filter((result) => result.outcome === 'rejected');
        if (refused.length > 0) {
          throw new AppError(
            'IMPORT_FAILED',
            `${refused.length} of ${results.length} file(s) refused: ${refused.map((result) => result.file).join(', ')}`,
            {
              details: [],
            },
          );
        }
      },
    );
}
