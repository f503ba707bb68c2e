import assert from 'node:assert/strict';
import { formatIssue } from '../../src/ingest/cells.ts';
import type { IngestIssue } from '../../src/ingest/types.ts';

/**
 * An issue as the corpus expectations write it: `formatIssue` without the file name, its colon and, for
 * a whole-file issue, the space after it (`file:3:D: msg` → `3:D: msg`; `file: msg` → `msg`).
 */
export function issueText(file: string, issue: IngestIssue): string {
  const formatted = formatIssue(issue);
  assert.ok(formatted.startsWith(`${file}:`), `issue not about ${file}: ${formatted}`);
  return formatted.slice(file.length + 1).trimStart();
}

/** Exact match, or a prefix match when the expected text ends in three ASCII dots (`...`). */
export function issueMatches(expected: string, actual: string): boolean {
  return expected.endsWith('...') ? actual.startsWith(expected.slice(0, -3)) : actual === expected;
}
