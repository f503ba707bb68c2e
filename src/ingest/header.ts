import { cleanText, issueFactory, quote } from './cells.ts';
import type { IngestSink } from './types.ts';

/** Normalises a header cell for matching: spacing collapsed, case ignored. */
export function normaliseHeader(text: string): string {
  return cleanText(text).toLowerCase();
}

/** True when every one of `names` is among the header's cells. */
export function headerHasAll(header: readonly string[], names: readonly string[]): boolean {
  const present = new Set(header.map(normaliseHeader));
  return names.every((name) => present.has(normaliseHeader(name)));
}

/**
 * Finds each expected column in a header row. Reports missing required columns, columns the format
 * does not know (errors, or for publications warnings), and columns named twice — all of them, in one pass. Returns undefined when a required
 * column is missing (the rows cannot be read); otherwise a map from column name to its index.
 */
export function mapColumns<Name extends string>(
  header: readonly string[],
  spec: {
    required: readonly Name[];
    optional?: readonly Name[];
    unknownColumns?: 'error' | 'ignore-with-warning';
  },
  file: string,
  sink: IngestSink,
  headerRow = 1,
): Record<Name, number> | undefined {
  const issue = issueFactory(file);
  const known = [...spec.required, ...(spec.optional ?? [])];
  const byName = new Map(known.map((name) => [normaliseHeader(name), name]));
  const indices: Partial<Record<Name, number>> = {};
  header.forEach((cell, index) => {
    const name = byName.get(normaliseHeader(cell));
    if (name === undefined) {
      if (spec.unknownColumns === 'ignore-with-warning') {
        // Publications sometimes carry stray columns; they are read past, and a named one is mentioned.
        if (cell.trim() !== '')
          sink.issue(
            issue(
              'UNKNOWN_COLUMN',
              headerRow,
              index,
              `column ${quote(cell)} is not part of this publication and was ignored`,
              'warning',
            ),
          );
      } else if (cell.trim() !== '') {
        sink.issue(
          issue(
            'UNKNOWN_COLUMN',
            headerRow,
            index,
            `unknown column ${quote(cell)}; expected columns are ${known.join(', ')}`,
          ),
        );
      } else {
        sink.issue(issue('UNKNOWN_COLUMN', headerRow, index, 'column has no name; remove it or name it'));
      }
      return;
    }
    if (indices[name] !== undefined) {
      sink.issue(
        issue(
          'DUPLICATE_COLUMN',
          headerRow,
          index,
          `column ${quote(name)} appears twice (first in column ${columnName(indices[name])})`,
        ),
      );
      return;
    }
    indices[name] = index;
  });
  let complete = true;
  for (const name of spec.required) {
    if (indices[name] === undefined) {
      complete = false;
      sink.issue(issue('MISSING_COLUMN', headerRow, null, `missing column ${quote(name)}`));
    }
  }
  return complete ? (indices as Record<Name, number>) : undefined;
}

function columnName(index: number): string {
  let letters = '';
  let remaining = index + 1;
  while (remaining > 0) {
    letters = String.fromCharCode(65 + ((remaining - 1) % 26)) + letters;
    remaining = Math.floor((remaining - 1) / 26);
  }
  return letters;
}
