import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareFields, compareText, type DiffRow } from './diff.ts';

/** A row as `-old|+new` text, with removed words in [-…-] and added in {+…+}. */
function show(row: DiffRow): string {
  const side = (pieces: DiffRow['before']) =>
    pieces === null
      ? '∅'
      : pieces
          .map((piece) =>
            piece.change === 'removed'
              ? `[-${piece.text}-]`
              : piece.change === 'added'
                ? `{+${piece.text}+}`
                : piece.text,
          )
          .join('');
  return `${row.kind} ${row.beforeLine ?? '-'}:${row.afterLine ?? '-'} ${side(row.before)} | ${side(row.after)}`;
}

describe('narrative version differences', () => {
  it('sets unchanged lines side by side', () => {
    assert.deepEqual(compareText('one\ntwo', 'one\ntwo\n').map(show), [
      'same 1:1 one | one',
      'same 2:2 two | two',
    ]);
  });

  it('marks the words changed within a changed line', () => {
    assert.deepEqual(compareText('Waits fell in March.\nSame.', 'Waits rose in March.\nSame.').map(show), [
      'changed 1:1 Waits [-fell-] in March. | Waits {+rose+} in March.',
      'same 2:2 Same. | Same.',
    ]);
  });

  it('shows lines removed and added with nothing opposite, numbering each side', () => {
    assert.deepEqual(compareText('a\nb\nc', 'a\nc\nd\ne').map(show), [
      'same 1:1 a | a',
      'removed 2:- [-b-] | ∅',
      'same 3:2 c | c',
      'added -:3 ∅ | {+d+}',
      'added -:4 ∅ | {+e+}',
    ]);
  });

  it('pairs a changed stretch line by line, the longer side running on', () => {
    assert.deepEqual(compareText('x\nold one\nold two\ny', 'x\nnew one\ny').map(show), [
      'same 1:1 x | x',
      'changed 2:2 [-old-] one | {+new+} one',
      'removed 3:- [-old two-] | ∅',
      'same 4:3 y | y',
    ]);
  });

  it('treats Windows line endings as the same text', () => {
    assert.deepEqual(
      compareText('a\r\nb\r\n', 'a\nb\n').map((row) => row.kind),
      ['same', 'same'],
    );
  });

  it('keeps markup as plain text for the page to escape', () => {
    const [row] = compareText('<script>alert(1)</script>', '<b>bold</b>');
    assert.equal(row.kind, 'changed');
    assert.equal(row.before?.map((piece) => piece.text).join(''), '<script>alert(1)</script>');
    assert.equal(row.after?.map((piece) => piece.text).join(''), '<b>bold</b>');
  });

  it('names the fields that changed, in words', () => {
    const base = {
      title: 'Winter',
      kind: 'metric_commentary' as const,
      visibility: 'organisation' as const,
      status: 'draft' as const,
      metric_id: 'ae-4hr-type1',
      period_from: null,
      period_to: null,
    };
    assert.deepEqual(compareFields(base, base), []);
    assert.deepEqual(
      compareFields(base, {
        ...base,
        title: 'Winter 2025',
        visibility: 'public',
        status: 'published',
        period_from: '2025-12-01',
      }),
      [
        { label: 'Title', before: 'Winter', after: 'Winter 2025' },
        { label: 'Who can read it', before: 'Organisation only', after: 'Public' },
        { label: 'Status', before: 'Draft', after: 'Published' },
        { label: 'Period', before: 'None', after: '2025-12-01 to …' },
      ],
    );
  });
});
