import { diffLines, diffWords } from 'diff';
import {
  type NarrativeKind,
  type NarrativeVisibility,
  narrativeKindLabels,
  type PublicationStatus,
  statusLabels,
  visibilityLabels,
} from '../../domain/people.ts';

/**
 * The difference between two versions of a narrative, side by side (`compareText`): one row per
 * line, the earlier version on the left and the later on the right. Unchanged lines sit side by
 * side; a changed stretch pairs its lines in order, each pair compared word by word, so the words
 * removed and added are marked. Plain text (the Markdown source), never HTML: the page escapes it.
 */

export interface DiffPiece {
  text: string;
  /** `removed` on the left, `added` on the right; null for words both versions share. */
  change: 'removed' | 'added' | null;
}

export interface DiffRow {
  kind: 'same' | 'changed' | 'removed' | 'added';
  /** Line number in the earlier version, or null where it has no line here. */
  beforeLine: number | null;
  afterLine: number | null;
  before: DiffPiece[] | null;
  after: DiffPiece[] | null;
}

function linesOf(value: string): string[] {
  const lines = value.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** `compareText`: the side-by-side rows from `before` to `after`. */
export function compareText(before: string, after: string): DiffRow[] {
  const ending = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  const changes = diffLines(ending(before.replace(/\r\n?/g, '\n')), ending(after.replace(/\r\n?/g, '\n')));
  const rows: DiffRow[] = [];
  let beforeLine = 1;
  let afterLine = 1;
  for (let index = 0; index < changes.length; index++) {
    const change = changes[index];
    if (!change.added && !change.removed) {
      for (const line of linesOf(change.value))
        rows.push({
          kind: 'same',
          beforeLine: beforeLine++,
          afterLine: afterLine++,
          before: [{ text: line, change: null }],
          after: [{ text: line, change: null }],
        });
      continue;
    }
    const removed = change.removed ? linesOf(change.value) : [];
    const next = changes[index + 1];
    const added = change.added ? linesOf(change.value) : next?.added ? linesOf(next.value) : [];
    if (change.removed && next?.added) index++;
    for (let line = 0; line < Math.max(removed.length, added.length); line++) {
      const left = removed[line];
      const right = added[line];
      if (left !== undefined && right !== undefined) {
        const words = diffWords(left, right);
        rows.push({
          kind: 'changed',
          beforeLine: beforeLine++,
          afterLine: afterLine++,
          before: words
            .filter((word) => !word.added)
            .map((word) => ({ text: word.value, change: word.removed ? 'removed' : null })),
          after: words
            .filter((word) => !word.removed)
            .map((word) => ({ text: word.value, change: word.added ? 'added' : null })),
        });
      } else if (left !== undefined) {
        rows.push({
          kind: 'removed',
          beforeLine: beforeLine++,
          afterLine: null,
          before: [{ text: left, change: 'removed' }],
          after: null,
        });
      } else {
        rows.push({
          kind: 'added',
          beforeLine: null,
          afterLine: afterLine++,
          before: null,
          after: [{ text: right as string, change: 'added' }],
        });
      }
    }
  }
  return rows;
}

/** The fields of a version compared besides its text. */
export interface ComparedFields {
  title: string;
  kind: NarrativeKind;
  visibility: NarrativeVisibility;
  status: PublicationStatus;
  metric_id: string | null;
  period_from: string | null;
  period_to: string | null;
}

export interface FieldChange {
  label: string;
  before: string;
  after: string;
}

/** `compareFields`: each field (title, kind, who can read it, status, metric, period) that differs, in words. */
export function compareFields(before: ComparedFields, after: ComparedFields): FieldChange[] {
  const period = (from: string | null, to: string | null) =>
    from || to ? `${from ?? '…'} to ${to ?? '…'}` : 'None';
  const shown: [string, (fields: ComparedFields) => string][] = [
    ['Title', (fields) => fields.title],
    ['Kind', (fields) => narrativeKindLabels[fields.kind]],
    ['Who can read it', (fields) => visibilityLabels[fields.visibility]],
    ['Status', (fields) => statusLabels[fields.status]],
    ['Metric', (fields) => fields.metric_id ?? 'None'],
    ['Period', (fields) => period(fields.period_from, fields.period_to)],
  ];
  return shown
    .map(([label, show]) => ({ label, before: show(before), after: show(after) }))
    .filter((change) => change.before !== change.after);
}
