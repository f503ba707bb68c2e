import type { Kysely } from 'kysely';
import type { MetricDefinition } from '../../domain/metric.ts';
import { parseRecords } from '../../ingest/parse-records.ts';
import type { FileRecord } from '../../ingest/read/records.ts';
import type {
  ImportFormat,
  IngestIssue,
  IngestSink,
  MembershipRecord,
  ObservationRecord,
  OrganisationRecord,
  ParseContext,
} from '../../ingest/types.ts';
import type { StartCopy } from '../../store/db.ts';
import { upsertMetrics } from '../../store/repos/metric-repo.ts';
import {
  setSuccessors,
  upsertMemberships,
  upsertOrganisations,
} from '../../store/repos/organisation-repo.ts';
import {
  copyStageWriter,
  createObservationStage,
  type StageWriter,
  tuneImportSession,
  unnestStageWriter,
} from '../../store/repos/stage-repo.ts';
import type { Database } from '../../store/tables.ts';
import type { ImportReport } from './report.ts';

/** The organisations, memberships and metrics a file defines, gathered while it is read. */
export interface FileReferences {
  organisations: Map<string, OrganisationRecord>;
  memberships: Map<string, MembershipRecord>;
  metrics: Map<string, MetricDefinition>;
}

/** What staging a file found. */
export interface StagedFile {
  format: ImportFormat | undefined;
  /** Data records read (the header not counted). */
  dataRows: number;
  /** Observations staged. */
  observations: number;
  /**
   * True when the file was not read to its end: it could not be (a malformed CSV, an unreadable
   * workbook), or reading stopped after too many errors.
   */
  readFailed: boolean;
  references: FileReferences;
}

/** Opens the file's records; problems reading it go to `onIssue`. */
export type OpenRecords = (
  onIssue: (issue: IngestIssue) => void,
) => Promise<AsyncIterable<FileRecord> | Iterable<FileRecord>>;

export interface StageOptions {
  context: ParseContext;
  /** Rows per `unnest` statement, where `COPY` is not available. */
  batchSize: number;
  /** Given, stages with `COPY`. */
  startCopy?: StartCopy;
}

/**
 * The stage step: creates the import's staging table, reads every record through the detected
 * format's parser and writes each observation into the stage as it comes (every one, even from a
 * file that will be refused, so the checks see every row). Organisations, memberships and metrics
 * the file defines are gathered, not yet written. Problems go to the report.
 */
export async function stageFile(
  trx: Kysely<Database>,
  open: OpenRecords,
  options: StageOptions,
  report: ImportReport,
): Promise<StagedFile> {
  await createObservationStage(trx);
  await tuneImportSession(trx);
  const stage: StageWriter = options.startCopy
    ? copyStageWriter(options.startCopy)
    : unnestStageWriter(trx, options.batchSize);
  const references: FileReferences = {
    organisations: new Map(),
    memberships: new Map(),
    metrics: new Map(),
  };
  let observations = 0;
  let readFailed = false;
  const sink: IngestSink = {
    observation(record: ObservationRecord) {
      observations++;
      stage.push(record);
    },
    organisation(record) {
      const key = `${record.authority}:${record.code}`;
      const earlier = references.organisations.get(key);
      references.organisations.set(
        key,
        earlier && record.kind !== earlier.kind && earlier.authority === 'fill'
          ? earlier
          : { ...earlier, ...record },
      );
    },
    membership(record) {
      references.memberships.set(
        `${record.memberCode}|${record.relation}|${record.parentCode}|${record.validFrom}`,
        record,
      );
    },
    metric(record) {
      references.metrics.set(record.id, record);
    },
    issue(found) {
      // Once the file could not be read to the end, what is said of the whole of it ("no rows",
      // "no data rows", "no TOTAL row") would only mislead.
      if (readFailed && found.row === null) return;
      report.add(found);
    },
  };
  const records = await open((found) => {
    if (found.severity === 'error') readFailed = true;
    report.add(found);
  });
  const flushing = async function* (source: AsyncIterable<FileRecord> | Iterable<FileRecord>) {
    for await (const record of source) {
      yield record;
      // Awaited only when there is something to send, not once a record.
      if (stage.full()) await stage.maybeFlush();
    }
  };
  let parsed: Awaited<ReturnType<typeof parseRecords>>;
  try {
    parsed = await parseRecords(flushing(records), options.context, sink);
  } finally {
    await stage.close(); // a COPY holds the connection: end it before any other statement
  }
  return {
    format: parsed.format,
    dataRows: parsed.dataRows,
    observations,
    readFailed: readFailed || parsed.stopped,
    references,
  };
}

/**
 * Writes the organisations, memberships and metrics a file defines (inside the import's
 * transaction, so the checks that follow see them). Returns how many distinct organisations it named,
 * and whether any organisation, membership or metric was added or changed.
 */
export async function writeReferences(
  trx: Kysely<Database>,
  references: FileReferences,
  source: string,
): Promise<{ organisations: number; changed: boolean }> {
  const metrics = await upsertMetrics(
    trx,
    [...references.metrics.values()].filter((metric) => !metric.builtin),
  );
  const organisations = [...references.organisations.values()];
  const changed =
    metrics +
    (await upsertOrganisations(trx, organisations, source)) +
    (await setSuccessors(trx, organisations)) +
    (await upsertMemberships(trx, [...references.memberships.values()], source));
  return { organisations: new Set(organisations.map((record) => record.code)).size, changed: changed > 0 };
}
