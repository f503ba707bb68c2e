import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, toCsv } from './csv.ts';

describe('toCsv', () => {
  it('neutralises text a spreadsheet would run as a formula (OWASP CSV injection)', () => {
    assert.equal(csvCell('=1+1'), "'=1+1");
    assert.equal(csvCell('+44 20'), "'+44 20");
    assert.equal(csvCell('-cmd'), "'-cmd");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('\tx'), "'\tx");
  });

  it('leaves numbers, including negative ones, as numbers', () => {
    assert.equal(csvCell(-3.5), '-3.5');
    assert.equal(csvCell(0), '0');
    assert.equal(csvCell(Number.NaN), '');
    assert.equal(csvCell(null), '');
  });

  it('quotes commas, quotes and line breaks as RFC 4180 requires', () => {
    assert.equal(csvCell("King's Lynn, Norfolk"), '"King\'s Lynn, Norfolk"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(toCsv(['a', 'b'], [[1, 'x\ny']]), 'a,b\r\n1,"x\ny"\r\n');
  });
});
