import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { MetricDefinition } from '../domain/metric.ts';
import { issueFactory, quote } from '../ingest/cells.ts';
import { parseRecords } from '../ingest/parse-records.ts';
import { type FileRecord, readCsvRecords, readXlsxRecords, sniffFile } from '../ingest/read/records.ts';
import type {
  ImportFormat,
  IngestIssue,
  IngestSink,
  MembershipRecord,
  ObservationRecord,
  OrganisationRecord,
} from '../ingest/types.ts';
import { type Actor, actorLabel, actorUserId, operator } from '../policies/actor.ts';
import type { StartCopy, Store } from '../store/db.ts';
import { insertAuditEntry } from '../store/repos/audit-repo.ts';
import {
  findImportedBatchByHash,
  findRejectedBatchByHash,
  insertBatch,
  updateBatch,
} from '../store/repos/batch-repo.ts';
import { metricIds, upsertMetrics } from '../store/repos/metric-repo.ts';
import { upsertMemberships, upsertOrganisations } from '../store/repos/organisation-repo.ts';
import {
  copyStageWriter,
  createObservationStage,
  findStagedDuplicates,
  findStagedUnknownMetrics,
  findStagedUnknownOrganisations,
  mergeStage,
  removeStagedRepeats,
  type StageWriter,
  tuneImportSession,
  unnestStageWriter,
} from '../store/repos/stage-repo.ts';
import { bumpStoreVersion } from '../store/repos/version-repo.ts';
import type { Database } from '../store/tables.ts';

/** How an import ended: written, nothing to do (the same file was imported before), or refused. */
export type ImportOutcome = 'imported' | 'unchanged' | 'rejected';

export interface ImportResult {
  file: string;
  format: string | undefined;
  formatLabel: string | undefined;
  outcome: ImportOutcome;
  batchId: number | undefined;
  /** The batch that already holds this exact file, when the outcome is `unchanged`. */
  previousBatchId: number | undefined;
  rows: number;
  observations: number;
  inserted: number;
  updated: number;
  unchanged: number;
  organisations: number;
  /** Problems found, errors first; at most `maxIssues` are kept. */
  issues: IngestIssue[];
  errorCount: number;
  warningCount: number;
  /** Seconds spent in each phase (read and stage, check, merge), for diagnosing slow imports. */
  phaseSeconds: Record<string, number>;
}

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
}

class ImportRejected extends Error {}

const HEAD_BYTES = 65536;

/**
 * Imports one file: detects its format from the header, reads every row, reports every problem
 * (`file:row:column: message`), and writes all of the file or none of it, in one transaction.
 * A file whose exact content was imported before changes nothing. A revised file replaces changed
 * values and keeps the earlier ones in `observation_history`.
 *
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
  const actor = options.actor ?? operator('cli');
  const startedAt = clock();
  const maxIssues = options.maxIssues ?? 1000;
  const batchSize = options.batchSize ?? 5000;
  const result: ImportResult = {
    file,
    format: undefined,
    formatLabel: undefined,
    outcome: 'rejected',
    batchId: undefined,
    previousBatchId: undefined,
    rows: 0,
    observations: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    organisations: 0,
    issues: [],
    errorCount: 0,
    warningCount: 0,
    phaseSeconds: {},
  };
  let phaseStarted = performance.now();
  const endPhase = (name: string) => {
    const now = performance.now();
    result.phaseSeconds[name] = Math.round(now - phaseStarted) / 1000;
    phaseStarted = now;
  };
  const addIssue = (issue: IngestIssue) => {
    if (issue.severity === 'error') result.errorCount++;
    else result.warningCount++;
    if (result.issues.length < maxIssues) result.issues.push(issue);
  };
  const issue = issueFactory(file);

  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(filePath);
    if (!stat.isFile()) throw new Error('not a file');
  } catch {
    addIssue(issue('EMPTY_FILE', null, null, 'the file does not exist or is not a regular file'));
    return result;
  }
  const { hash, head } = await hashFile(filePath);
  const previous = await findImportedBatchByHash(db, hash);
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
  const sniffed = sniffFile(file, head);
  if ('issue' in sniffed) {
    addIssue(sniffed.issue);
    await recordRejection(db, result, hash, startedAt, clock(), actor);
    return result;
  }

  const knownMetricIds = await metricIds(db);
  let format: ImportFormat | undefined;
  const organisations = new Map<string, OrganisationRecord>();
  const memberships = new Map<string, MembershipRecord>();
  const metrics = new Map<string, MetricDefinition>();

  try {
    await db.transaction().execute(async (trx) => {
      await createObservationStage(trx);
      await tuneImportSession(trx);
      const batchId = await insertBatch(trx, {
        file_name: path.basename(file),
        content_hash: hash,
        format: null,
        publication: null,
        edition: path.basename(file),
        row_count: 0,
        observation_count: 0,
        inserted_count: 0,
        updated_count: 0,
        unchanged_count: 0,
        issues: [],
        outcome: 'imported',
        started_at: startedAt,
        finished_at: startedAt,
        imported_by: actorLabel(actor),
      });
      const stage: StageWriter = startCopy ? copyStageWriter(startCopy) : unnestStageWriter(trx, batchSize);
      let readFailed = false;
      const sink: IngestSink = {
        observation(record: ObservationRecord) {
          result.observations++;
          stage.push(record); // staged even when the file will be refused, so the checks below see every row
        },
        organisation(record) {
          const key = `${record.authority}:${record.code}`;
          const earlier = organisations.get(key);
          organisations.set(
            key,
            earlier && record.kind !== earlier.kind && earlier.authority === 'fill'
              ? earlier
              : { ...earlier, ...record },
          );
        },
        membership(record) {
          memberships.set(
            `${record.memberCode}|${record.relation}|${record.parentCode}|${record.validFrom}`,
            record,
          );
        },
        metric(record) {
          metrics.set(record.id, record);
        },
        issue(found) {
          // Once the file could not be read to the end, "no rows" / "no data rows" would only mislead.
          if (readFailed && (found.code === 'EMPTY_FILE' || found.code === 'NO_DATA_ROWS')) return;
          addIssue(found);
        },
      };

      const onReadIssue = (found: IngestIssue) => {
        if (found.severity === 'error') readFailed = true;
        addIssue(found);
      };
      const records = await openRecords(
        filePath,
        file,
        sniffed.kind,
        stat.size,
        onReadIssue,
        options.onProgress,
      );
      const flushing = async function* (source: AsyncIterable<FileRecord> | Iterable<FileRecord>) {
        for await (const record of source) {
          yield record;
          await stage.maybeFlush();
        }
      };
      let parsed: Awaited<ReturnType<typeof parseRecords>>;
      try {
        parsed = await parseRecords(flushing(records), { file, knownMetricIds }, sink, (detected) => {
          format = detected;
        });
      } finally {
        await stage.close(); // a COPY holds the connection: end it before any other statement
      }
      result.rows = parsed.dataRows;
      result.format = format?.id;
      result.formatLabel = format?.label;
      // A file that could not be read, or whose header is wrong, has nothing more to check.
      if (result.errorCount > 0 && (readFailed || !format || result.observations === 0))
        throw new ImportRejected();
      endPhase('readAndStage');

      const source = format?.id ?? 'unknown';
      await upsertMetrics(
        trx,
        [...metrics.values()].filter((metric) => !metric.builtin),
      );
      await upsertOrganisations(trx, [...organisations.values()], source);
      result.organisations = new Set([...organisations.values()].map((record) => record.code)).size;
      await upsertMemberships(trx, [...memberships.values()], source);
      endPhase('organisations');

      for (const unknown of await findStagedUnknownOrganisations(trx, maxIssues)) {
        addIssue(
          issue(
            'UNKNOWN_ORGANISATION',
            unknown.first_row,
            null,
            `organisation ${quote(unknown.org_code)} is not known to Tend${unknown.row_count > 1 ? ` (${unknown.row_count} rows)` : ''}; import the ODS trust list first, or check the code`,
          ),
        );
      }
      for (const unknown of await findStagedUnknownMetrics(trx, maxIssues)) {
        addIssue(
          issue(
            'UNKNOWN_METRIC',
            unknown.first_row,
            null,
            `metric ${quote(unknown.metric_id)} is not in the catalogue${unknown.row_count > 1 ? ` (${unknown.row_count} rows)` : ''}; list metrics with \`tend metrics\``,
          ),
        );
      }
      const duplicates = await findStagedDuplicates(trx, maxIssues);
      for (const duplicate of duplicates) {
        const [first, ...others] = duplicate.rows;
        if (duplicate.conflicting) {
          addIssue(
            issue(
              'CONFLICTING_DUPLICATE',
              others[0],
              null,
              `row repeats ${duplicate.org_code} × ${duplicate.metric_id} × ${duplicate.period_start} from row ${first} with different figures (${duplicate.values.map((value) => (value === null ? 'empty' : value)).join(' vs ')}); keep one`,
            ),
          );
        } else {
          addIssue(
            issue(
              'CONFLICTING_DUPLICATE',
              others[0],
              null,
              `row repeats row ${first} exactly (${duplicate.org_code} × ${duplicate.metric_id} × ${duplicate.period_start}); the repeat is ignored`,
              'warning',
            ),
          );
        }
      }
      endPhase('check');
      if (result.errorCount > 0) throw new ImportRejected();
      if (duplicates.length > 0) await removeStagedRepeats(trx);
      endPhase('removeRepeats');

      const counts = await mergeStage(trx, {
        batchId,
        publication: format?.publication ?? 'unknown',
        edition: path.basename(file),
      });
      Object.assign(result, counts);
      endPhase('merge');
      result.outcome = 'imported';
      result.batchId = batchId;
      await updateBatch(trx, batchId, {
        format: format?.id ?? null,
        publication: format?.publication ?? null,
        row_count: result.rows,
        observation_count: result.observations,
        inserted_count: counts.inserted,
        updated_count: counts.updated,
        unchanged_count: counts.unchanged,
        issues: result.issues,
        finished_at: clock(),
      });
      await insertAuditEntry(trx, {
        at: startedAt,
        actorUserId: actorUserId(actor),
        actorLabel: actorLabel(actor),
        action: 'import.file',
        entityType: 'import_batch',
        entityId: String(batchId),
        orgCode: null,
        before: null,
        after: {
          file: path.basename(file),
          format: format?.id ?? null,
          contentHash: hash,
          observations: result.observations,
          inserted: counts.inserted,
          updated: counts.updated,
          unchanged: counts.unchanged,
        },
      });
      await bumpStoreVersion(trx, { data: true });
    });
  } catch (error) {
    if (!(error instanceof ImportRejected)) throw error;
    result.outcome = 'rejected';
    result.inserted = result.updated = result.unchanged = 0;
    result.batchId = undefined;
    await recordRejection(db, result, hash, startedAt, clock(), actor);
  }
  result.issues.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return result;
}

/** Notes a refused file in `import_batch` (its issues and outcome), once per distinct content. */
async function recordRejection(
  db: Kysely<Database>,
  result: ImportResult,
  hash: string,
  startedAt: Date,
  finishedAt: Date,
  actor: Actor,
): Promise<void> {
  if (await findRejectedBatchByHash(db, hash)) return;
  await db.transaction().execute(async (trx) => {
    const batchId = await insertBatch(trx, {
      file_name: path.basename(result.file),
      content_hash: hash,
      format: result.format ?? null,
      publication: null,
      edition: null,
      row_count: result.rows,
      observation_count: 0,
      inserted_count: 0,
      updated_count: 0,
      unchanged_count: 0,
      issues: result.issues,
      outcome: 'rejected',
      started_at: startedAt,
      finished_at: finishedAt,
      imported_by: actorLabel(actor),
    });
    await insertAuditEntry(trx, {
      at: startedAt,
      actorUserId: actorUserId(actor),
      actorLabel: actorLabel(actor),
      action: 'import.refused',
      entityType: 'import_batch',
      entityId: String(batchId),
      orgCode: null,
      before: null,
      after: { file: path.basename(result.file), contentHash: hash, errors: result.errorCount },
    });
    await bumpStoreVersion(trx, { data: false });
  });
}

async function hashFile(filePath: string): Promise<{ hash: string; head: Buffer }> {
  const hash = createHash('sha256');
  const headChunks: Buffer[] = [];
  let headLength = 0;
  for await (const chunk of fs.createReadStream(filePath, {
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (headLength < HEAD_BYTES) {
      headChunks.push(chunk.subarray(0, HEAD_BYTES - headLength));
      headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
    }
  }
  return { hash: hash.digest('hex'), head: Buffer.concat(headChunks) };
}

async function openRecords(
  filePath: string,
  file: string,
  kind: 'csv' | 'xlsx',
  totalBytes: number,
  onIssue: (issue: IngestIssue) => void,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
): Promise<AsyncIterable<FileRecord> | Iterable<FileRecord>> {
  if (kind === 'xlsx') {
    const content = await fs.promises.readFile(filePath);
    onProgress?.(totalBytes, totalBytes);
    return readXlsxRecords(content, file, onIssue);
  }
  const stream = fs.createReadStream(filePath, { highWaterMark: 1 << 18 });
  let bytesRead = 0;
  const counted = (async function* () {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      onProgress?.(bytesRead, totalBytes);
      yield chunk;
    }
  })();
  return readCsvRecords(counted, file, onIssue);
}
