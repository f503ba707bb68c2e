import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../errors.ts';
import type { WorkbookLimits } from '../ingest/read/xlsx.ts';
import type { ParseContext } from '../ingest/types.ts';
import { type Actor, operator } from '../policies/actor.ts';
import { canImport, canImportRows } from '../policies/import.ts';
import type { StartCopy, Store } from '../store/db.ts';
import { findImportedBatchByHash } from '../store/repos/batch-repo.ts';
import { listAllMetrics } from '../store/repos/metric-repo.ts';
import { stagedOrganisationCodes } from '../store/repos/stage-repo.ts';
import { teamParents } from '../store/repos/team-repo.ts';
import type { Database } from '../store/tables.ts';
import { type BatchIdentity, openBatch, recordRejection } from './import/batch.ts';
import { checkStage } from './import/check.ts';
import { checkEditionOf } from './import/edition.ts';
import { mergeBatch } from './import/merge.ts';
import { examineFile, fileKind, openRecords } from './import/read.ts';
import { createReport, type ImportResult, sortIssues } from './import/report.ts';
import { stageFile, writeReferences } from './import/stage.ts';
import { keepMetricResults } from './kept-metric-results.ts';
import { computeSignals } from './signals/compute.ts';

export type { ImportOutcome, ImportResult } from './import/report.ts';

export interface ImportOptions {
  /** Name used in messages and recorded with the batch (defaults to the path as given). */
  displayName?: string;
  /** Called as the file is read, with bytes read so far and the file's size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** How many issues to keep in the report; the rest are counted. */
  maxIssues?: number;
  /** Rows per staging statement. */
  batchSize?: number;
  clock?: () => Date;
  /** Who is importing, recorded with the batch and in the audit log (default: the command-line operator). */
  actor?: Actor;
  /** The sheet of a workbook to import (default: the first visible one). */
  sheet?: string;
  /** A workbook's bounds, where they differ from Tend's defaults (`defaultWorkbookLimits`). */
  workbookLimits?: Partial<WorkbookLimits>;
  /**
   * Re-asserts the edition imported as this batch: the file (the same content) is imported again
   * even though it was imported before, so its values replace a later revision's, which are kept
   * in `observation_history` like any revision's.
   */
  editionOf?: number;
  /**
   * Imports the file even when the same content was imported before (values typed in a form: the
   * same values sent again after others must be written again); unchanged values change nothing.
   */
  mergeEvenIfSeen?: boolean;
  /**
   * Recomputes the signals of the metrics an import changed (default true), once the import has
   * committed, and keeps their readings across organisations and directory candidates up to date
   * (`keepMetricResults`); loading many files at once (the demo) turns it off and computes the
   * signals after the last.
   */
  computeSignals?: boolean;
}

/** Thrown inside the import's transaction to roll it back when the file is refused. */
class ImportRejected extends Error {}

/**
 * Imports one file: detects its format from the header, reads every row, reports every problem
 * (`file:row:column: message`), and writes all of the file or none of it, in one transaction.
 * A file whose exact content was imported before changes nothing, unless `editionOf` names the batch
 * it was imported as: then it is imported again, re-asserting that edition. A revised file replaces
 * changed values and keeps the earlier ones in `observation_history`.
 *
 * Four steps, each in its own module under `import/`: read (examine and hash the file, stream its
 * records), stage (parse them into a temporary table), check (against the store) and merge.
 * Given the `Store`, it stages with `COPY` where the backend has it; given a Kysely handle, with
 * `unnest` statements.
 */
export async function importFile(
  target: Kysely<Database> | Store,
  filePath: string,
  options: ImportOptions = {},
): Promise<ImportResult> {
  if ('session' in target)
    return target.session((db, startCopy) => importWith(db, startCopy, filePath, options));
  return importWith(target, undefined, filePath, options);
}

async function importWith(
  db: Kysely<Database>,
  startCopy: StartCopy | undefined,
  filePath: string,
  options: ImportOptions,
): Promise<ImportResult> {
  const file = options.displayName ?? filePath;
  const clock = options.clock ?? (() => new Date());
  const report = createReport(file, options.maxIssues ?? 1000);
  const { result } = report;

  // Read: the file must exist; its hash says whether this exact content is already in the store.
  const facts = await examineFile(filePath, file);
  if ('issue' in facts) {
    report.add(facts.issue);
    return result;
  }
  const batch: BatchIdentity = {
    file,
    // A sheet named on the command line is part of what is imported: another sheet, another edition.
    hash:
      options.sheet === undefined
        ? facts.hash
        : createHash('sha256').update(`${facts.hash}\nsheet:${options.sheet}`).digest('hex'),
    startedAt: clock(),
    actor: options.actor ?? operator('cli'),
  };
  if (options.editionOf !== undefined) {
    await checkEditionOf(db, options.editionOf, file, batch.hash);
    result.editionOf = options.editionOf;
  }
  const previous =
    options.editionOf === undefined && !options.mergeEvenIfSeen
      ? await findImportedBatchByHash(db, batch.hash)
      : undefined;
  if (previous) {
    return {
      ...result,
      outcome: 'unchanged',
      previousBatchId: previous.id,
      format: previous.format ?? undefined,
      rows: previous.row_count,
      observations: previous.observation_count,
    };
  }
  const sniffed = fileKind(file, facts);
  if ('issue' in sniffed) {
    report.add(sniffed.issue);
    await recordRejection(db, result, batch, clock());
    return result;
  }
  const metrics = await listAllMetrics(db);
  const context: ParseContext = {
    file,
    knownMetricIds: new Set(metrics.map((metric) => metric.id)),
    metricUnits: new Map(metrics.map((metric) => [metric.id, metric.unit])),
    today: batch.startedAt.toISOString().slice(0, 10),
    stopAfterErrors: report.maxIssues,
    teams: await teamParents(db),
  };

  let changedMetrics: string[] = [];
  try {
    await db.transaction().execute(async (trx) => {
      const batchId = await openBatch(trx, batch);
      // Stage: every record through the format's parser into the staging table.
      const staged = await stageFile(
        trx,
        (onIssue) =>
          openRecords(filePath, file, sniffed.kind, facts.size, onIssue, {
            sheet: options.sheet,
            workbookLimits: options.workbookLimits,
            onProgress: options.onProgress,
          }),
        { context, batchSize: options.batchSize ?? 5000, startCopy },
        report,
      );
      result.rows = staged.dataRows;
      result.observations = staged.observations;
      result.format = staged.format?.id;
      result.formatLabel = staged.format?.label;
      // A file that could not be read, or whose header is wrong, has nothing more to check.
      if (result.errorCount > 0 && (staged.readFailed || !staged.format || staged.observations === 0))
        throw new ImportRejected();
      report.endPhase('readAndStage');

      const references = await writeReferences(trx, staged.references, staged.format?.id ?? 'unknown');
      result.organisations = references.organisations;
      report.endPhase('organisations');

      // Check: the staged rows against the store.
      const checked = await checkStage(trx, report);
      report.endPhase('check');
      if (result.errorCount > 0) throw new ImportRejected();
      await authoriseRows(trx, batch.actor, context.teams ?? new Map());

      // Merge.
      const counts = await mergeBatch(
        trx,
        {
          ...batch,
          batchId,
          format: staged.format,
          finishedAt: clock,
          editionOf: options.editionOf,
          referencesChanged: references.changed,
        },
        result,
        checked,
      );
      const { changedMetricIds, ...mergeCounts } = counts;
      changedMetrics = changedMetricIds;
      Object.assign(result, mergeCounts);
      result.outcome = 'imported';
      result.batchId = batchId;
      report.endPhase('merge');
    });
  } catch (error) {
    if (!(error instanceof ImportRejected)) throw error;
    result.outcome = 'rejected';
    result.inserted = result.updated = result.unchanged = 0;
    result.batchId = undefined;
    await recordRejection(db, result, batch, clock());
  }
  sortIssues(result.issues);
  if (
    result.outcome === 'imported' &&
    options.computeSignals !== false &&
    result.inserted + result.updated > 0 &&
    result.batchId !== undefined
  ) {
    // After the commit: the data are the store's already; these phases are timed apart (`afterCommit…`).
    report.endPhase('commit');
    await computeSignals(db, clock, { metricIds: changedMetrics });
    report.endPhase('afterCommitSignals');
    await keepMetricResults(db, changedMetrics);
    report.endPhase('afterCommitKept');
  }
  return result;
}

/**
 * Refuses (FORBIDDEN, rolling the import back) a file the actor may not import: someone who may not
 * import organisations' figures may import only values of teams they enter values for.
 */
async function authoriseRows(
  trx: Kysely<Database>,
  actor: Actor,
  teams: ReadonlyMap<string, string>,
): Promise<void> {
  if (canImport(actor)) return;
  const codes = await stagedOrganisationCodes(trx);
  const teamCodes = codes.filter((code) => teams.has(code));
  const allowed = canImportRows(actor, {
    organisationRows: teamCodes.length < codes.length,
    teams: teamCodes.map((code) => ({ code, parentCode: teams.get(code) as string })),
  });
  if (allowed) return;
  throw new AppError(
    actor.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN',
    teamCodes.length < codes.length
      ? 'You may import values of your teams’ own indicators only: this file holds organisations’ figures.'
      : `You do not enter values for every team in this file (${teamCodes.join(', ')}).`,
  );
}
