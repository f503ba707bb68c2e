import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runSpcCase, type SpcCase } from './reference-output.ts';

/**
 * Conformance with NHSRplotthedots 0.2.2: every case in the shared conformance folder, run
 * through `runSpcCase` (what `tend spc --case` prints), must match its reference output: the
 * per-point mean and limits to 1e-9 relative, and the rebase groups, flags, special-cause types,
 * point types, icons and summary exactly. The folder sits beside the repository
 * (`../shared/conformance/spc`); in a clone without it the tests are skipped.
 */

function repositoryRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('no package.json above the test file');
    folder = parent;
  }
  return folder;
}

const conformanceFolder = join(repositoryRoot(), '..', 'shared', 'conformance', 'spc');
const available = existsSync(conformanceFolder);
const skip = available
  ? false
  : 'conformance cases not found at ../shared/conformance/spc (not part of this clone)';
const caseFiles = available
  ? readdirSync(conformanceFolder)
      .filter((file) => file.endsWith('.json'))
      .sort()
  : [];

interface ReferenceOutputFile {
  per_point?: Record<string, unknown[]>;
  icons?: unknown[];
  summary?: Record<string, unknown>[];
  error?: string;
}

const numericColumns = new Set([
  'mean',
  'lpl',
  'upl',
  'amr_derived',
  'nlpl_2sigma_derived',
  'nupl_2sigma_derived',
]);
const numericSummaryKeys = new Set(['mean_col', 'lpl', 'upl']);

function assertClose(actual: unknown, expected: unknown, where: string): void {
  if (expected === null || actual === null) {
    assert.equal(actual, expected, where);
    return;
  }
  assert.equal(typeof actual, 'number', where);
  const a = actual as number;
  const e = expected as number;
  const tolerance = 1e-9 * Math.max(Math.abs(e), Number.MIN_VALUE);
  assert.ok(Math.abs(a - e) <= tolerance, `${where}: ${a} differs from ${e} by more than 1e-9 relative`);
}

describe('SPC conformance with NHSRplotthedots 0.2.2', { skip }, () => {
  test('the conformance folder holds the cases', () => {
    assert.ok(caseFiles.length >= 48, `expected at least 48 cases, found ${caseFiles.length}`);
  });

  for (const file of caseFiles) {
    const spcCase = JSON.parse(readFileSync(join(conformanceFolder, file), 'utf8')) as SpcCase & {
      expected: { reference_output: ReferenceOutputFile };
    };
    const reference = spcCase.expected.reference_output;
    if (reference.error !== undefined) continue; // the documented departures are tested below

    test(file, () => {
      const output = runSpcCase(spcCase);
      const expected = reference.per_point ?? {};
      assert.deepEqual(Object.keys(output.per_point), Object.keys(expected), 'per-point columns');
      for (const [column, expectedValues] of Object.entries(expected)) {
        const actualValues = (output.per_point as unknown as Record<string, unknown[]>)[column];
        assert.equal(actualValues.length, expectedValues.length, `${column} length`);
        if (numericColumns.has(column)) {
          expectedValues.forEach((value, index) => {
            assertClose(actualValues[index], value, `${column}[${index}]`);
          });
        } else {
          assert.deepEqual(actualValues, expectedValues, column);
        }
      }
      assert.deepEqual(output.icons, reference.icons, 'icons');
      assert.equal(output.summary.length, reference.summary?.length, 'summary rows');
      reference.summary?.forEach((row, index) => {
        const actual = output.summary[index] as unknown as Record<string, unknown>;
        assert.deepEqual(Object.keys(actual), Object.keys(row), `summary[${index}] keys`);
        for (const [key, value] of Object.entries(row)) {
          if (numericSummaryKeys.has(key)) assertClose(actual[key], value, `summary[${index}].${key}`);
          else assert.deepEqual(actual[key], value, `summary[${index}].${key}`);
        }
      });
    });
  }

  test('syn-missing-value-inside-trend-errors: the reference stops with an error; Tend returns a result', () => {
    const spcCase = JSON.parse(
      readFileSync(join(conformanceFolder, 'syn-missing-value-inside-trend-errors.json'), 'utf8'),
    ) as SpcCase & { expected: { reference_output: ReferenceOutputFile } };
    assert.match(spcCase.expected.reference_output.error ?? '', /missing value where TRUE\/FALSE needed/);
    const output = runSpcCase(spcCase);
    // The missing sixth value is left out of the mean (114 / 14) and never flagged; a trend
    // window holding it does not signal, so 1..5 is no trend; 7..15 is nine rising points.
    assert.equal(output.per_point.mean[0], 114 / 14);
    assert.deepEqual(output.per_point.special_cause_type, [
      ...Array(5).fill('Below LCL'),
      'Common Cause',
      ...Array(4).fill('7 Point Trend (Increasing)'),
      ...Array(5).fill('Above UCL'),
    ]);
    assert.deepEqual(output.per_point.outside_limits[5], null);
    assert.deepEqual(output.icons, [{ facet: 'no facet', type: 'variation', icon: 'improvement_high' }]);
  });
});
