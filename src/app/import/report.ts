import { issueFactory } from '../../ingest/cells.ts';
import type { IngestIssue } from '../../ingest/types.ts';

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
  /** The earlier batch this import re-asserted (`--edition-of`), when it did. */
  editionOf: number | undefined;
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

/**
 * What one import has found so far: the result being built, and the problems it keeps (the first
 * `maxIssues`; the rest are counted). Every step of the pipeline reports through one of these.
 */
export interface ImportReport {
  readonly result: ImportResult;
  readonly maxIssues: number;
  /** Builds an issue about this file. */
  readonly issue: ReturnType<typeof issueFactory>;
  add(issue: IngestIssue): void;
  /** Records the seconds since the previous phase ended under `name`. */
  endPhase(name: string): void;
}

export function createReport(file: string, maxIssues: number): ImportReport {
  const result: ImportResult = {
    file,
    format: undefined,
    formatLabel: undefined,
    outcome: 'rejected',
    batchId: undefined,
    previousBatchId: undefined,
    editionOf: undefined,
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
  return {
    result,
    maxIssues,
    issue: issueFactory(file),
    add(issue) {
      if (issue.severity === 'error') result.errorCount++;
      else result.warningCount++;
      // The notice that reading stopped is always kept: it explains why the list ends.
      if (result.issues.length < maxIssues || issue.code === 'TOO_MANY_PROBLEMS') result.issues.push(issue);
    },
    endPhase(name) {
      const now = performance.now();
      result.phaseSeconds[name] = Math.round(now - phaseStarted) / 1000;
      phaseStarted = now;
    },
  };
}

/** Errors first, each severity in the order found. */
export function sortIssues(issues: IngestIssue[]): void {
  issues.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
