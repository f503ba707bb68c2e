import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cleanText,
  columnLetter,
  formatIssue,
  isPublishedGap,
  looksLikeFormula,
  neutraliseFormula,
  parseNumberCell,
  quote,
  titleCaseName,
} from './cells.ts';

describe('columnLetter', () => {
  it('names columns as a spreadsheet does', () => {
    assert.equal(columnLetter(0), 'A');
    assert.equal(columnLetter(3), 'D');
    assert.equal(columnLetter(25), 'Z');
    assert.equal(columnLetter(26), 'AA');
    assert.equal(columnLetter(27), 'AB');
    assert.equal(columnLetter(51), 'AZ');
    assert.equal(columnLetter(52), 'BA');
    assert.equal(columnLetter(701), 'ZZ');
    assert.equal(columnLetter(702), 'AAA');
  });
});

describe('formatIssue', () => {
  const base = { code: 'NOT_A_NUMBER', file: 'june.csv', message: 'value: "abc" is not a number' } as const;
  it('writes file:row:column: message, dropping parts that are absent', () => {
    assert.equal(
      formatIssue({ ...base, severity: 'error', row: 3, column: 'D' }),
      'june.csv:3:D: value: "abc" is not a number',
    );
    assert.equal(
      formatIssue({ ...base, severity: 'error', row: 3, column: null }),
      'june.csv:3: value: "abc" is not a number',
    );
    assert.equal(
      formatIssue({ ...base, severity: 'error', row: null, column: null }),
      'june.csv: value: "abc" is not a number',
    );
  });
  it('marks warnings', () => {
    assert.equal(
      formatIssue({ ...base, severity: 'warning', row: 12, column: 'AA' }),
      'june.csv:12:AA: warning: value: "abc" is not a number',
    );
  });
});

describe('quote', () => {
  it('quotes a cell as JSON and shortens a long one', () => {
    assert.equal(quote('abc'), '"abc"');
    assert.equal(quote('say "hi"'), '"say \\"hi\\""');
    assert.equal(quote('x'.repeat(40)), `"${'x'.repeat(40)}"`);
    assert.equal(quote('x'.repeat(41)), `"${'x'.repeat(37)}…"`);
  });
});

describe('parseNumberCell', () => {
  it('reads plain numbers, with spaces around them', () => {
    assert.equal(parseNumberCell('12'), 12);
    assert.equal(parseNumberCell(' 12.5 '), 12.5);
    assert.equal(parseNumberCell('-3'), -3);
    assert.equal(parseNumberCell('+5'), 5);
    assert.equal(parseNumberCell('.5'), 0.5);
    assert.equal(parseNumberCell('0'), 0);
    assert.equal(parseNumberCell('1e3'), 1000);
    assert.equal(parseNumberCell('2.5E-2'), 0.025);
  });

  it('reads thousands separators placed every three digits', () => {
    assert.equal(parseNumberCell('1,234'), 1234);
    assert.equal(parseNumberCell('12,345,678'), 12345678);
    assert.equal(parseNumberCell('1,234.56'), 1234.56);
    assert.equal(parseNumberCell('-1,000'), -1000);
  });

  it('treats an empty or blank cell as no figure (null), never zero', () => {
    assert.equal(parseNumberCell(''), null);
    assert.equal(parseNumberCell('   '), null);
  });

  it('refuses junk and misplaced separators (NaN)', () => {
    for (const junk of [
      'abc',
      '12%',
      '£5',
      '1,23',
      '12,34,567',
      '1 234',
      '1.2.3',
      '0x10',
      'Infinity',
      'NaN',
      '--1',
      '1-',
      '75,5',
      ',123',
      'e5',
      '1e',
    ]) {
      assert.ok(Number.isNaN(parseNumberCell(junk)), junk);
    }
  });
});

describe('isPublishedGap', () => {
  it('recognises the marks publications use for "no figure"', () => {
    for (const gap of ['', ' ', '-', 'N/A', 'n/a', 'NA', '*', '.'])
      assert.equal(isPublishedGap(gap), true, JSON.stringify(gap));
    for (const figure of ['0', '-1', 'none', '–']) assert.equal(isPublishedGap(figure), false, figure);
  });
});

describe('looksLikeFormula and neutraliseFormula', () => {
  it('spots text a spreadsheet would run as a formula', () => {
    for (const formula of [
      '=1+1',
      '=HYPERLINK("http://x","y")',
      '+44 20 7188 7188',
      '-2+3',
      '@SUM(A1:A2)',
      '\t=1',
      '\r=1',
    ]) {
      assert.equal(looksLikeFormula(formula), true, JSON.stringify(formula));
    }
    for (const text of ['', 'plain text', 'a=b', '1+1', "'=1", ' =1'])
      assert.equal(looksLikeFormula(text), false, JSON.stringify(text));
  });

  it('prefixes a single quote to formula-like text and leaves other text alone', () => {
    assert.equal(neutraliseFormula('=HYPERLINK("http://x","y")'), '\'=HYPERLINK("http://x","y")');
    assert.equal(neutraliseFormula('@cmd'), "'@cmd");
    assert.equal(neutraliseFormula('-5'), "'-5");
    assert.equal(neutraliseFormula('Cambridge'), 'Cambridge');
    assert.equal(neutraliseFormula(''), '');
  });
});

describe('cleanText', () => {
  it('collapses runs of spaces and trims', () => {
    assert.equal(cleanText('  NHS ENGLAND SOUTH EAST  '), 'NHS ENGLAND SOUTH EAST');
    assert.equal(cleanText('a \t b\n c'), 'a b c');
  });
});

describe('titleCaseName', () => {
  it('cases names that arrive Title Cased (NHS England A&E files) as people write them', () => {
    assert.equal(titleCaseName('Dhu Health Care C.I.C'), 'DHU Health Care C.I.C.');
    assert.equal(
      titleCaseName('East Coast Community Healthcare C.I.C'),
      'East Coast Community Healthcare C.I.C.',
    );
    assert.equal(titleCaseName('Barking Hospital Utc'), 'Barking Hospital UTC');
    assert.equal(titleCaseName('NHS Kent And Medway ICB'), 'NHS Kent and Medway ICB');
    assert.equal(
      titleCaseName('Countess Of Chester Hospital NHS Foundation Trust'),
      'Countess of Chester Hospital NHS Foundation Trust',
    );
    assert.equal(
      titleCaseName("Birmingham Women's And Children's NHS Foundation Trust"),
      "Birmingham Women's and Children's NHS Foundation Trust",
    );
    // Already right: unchanged.
    assert.equal(titleCaseName('Kent and Medway'), 'Kent and Medway');
    assert.equal(titleCaseName('A.B'), 'A.B.');
  });

  it('title-cases upper-case trust names, keeping acronyms and lower-casing small words', () => {
    assert.equal(
      titleCaseName('CAMBRIDGE UNIVERSITY HOSPITALS NHS FOUNDATION TRUST'),
      'Cambridge University Hospitals NHS Foundation Trust',
    );
    assert.equal(
      titleCaseName('THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST'),
      'The Newcastle upon Tyne Hospitals NHS Foundation Trust',
    );
    assert.equal(titleCaseName('ISLE OF WIGHT NHS TRUST'), 'Isle of Wight NHS Trust');
    assert.equal(titleCaseName('THE PINN UNREGISTERED WIC'), 'The Pinn Unregistered WIC');
    assert.equal(
      titleCaseName('NORTH CUMBRIA INTEGRATED CARE NHS FOUNDATION TRUST '),
      'North Cumbria Integrated Care NHS Foundation Trust',
    );
  });

  it("keeps a possessive 's lower case and capitalises a name after an apostrophe", () => {
    assert.equal(
      titleCaseName("GUY'S AND ST THOMAS' NHS FOUNDATION TRUST"),
      "Guy's and St Thomas' NHS Foundation Trust",
    );
    assert.equal(
      titleCaseName("THE QUEEN ELIZABETH HOSPITAL, KING'S LYNN, NHS FOUNDATION TRUST"),
      "The Queen Elizabeth Hospital, King's Lynn, NHS Foundation Trust",
    );
    assert.equal(
      titleCaseName("BIRMINGHAM WOMEN'S AND CHILDREN'S NHS FOUNDATION TRUST"),
      "Birmingham Women's and Children's NHS Foundation Trust",
    );
    assert.equal(titleCaseName("O'NEILL HOUSE"), "O'Neill House");
  });

  it('capitalises after hyphens, brackets and slashes', () => {
    assert.equal(
      titleCaseName('BARKING, HAVERING AND REDBRIDGE UNIVERSITY HOSPITALS NHS TRUST'),
      'Barking, Havering and Redbridge University Hospitals NHS Trust',
    );
    assert.equal(
      titleCaseName('ASSURA VERTIS URGENT CARE CENTRES (BIRMINGHAM)'),
      'Assura Vertis Urgent Care Centres (Birmingham)',
    );
    assert.equal(
      titleCaseName('PRACTICE PLUS GROUP HOSPITAL - SOUTHAMPTON'),
      'Practice Plus Group Hospital - Southampton',
    );
    assert.equal(
      titleCaseName('NORTH-EAST LONDON NHS FOUNDATION TRUST'),
      'North-East London NHS Foundation Trust',
    );
    assert.equal(titleCaseName('HEALTH/CARE CENTRE'), 'Health/Care Centre');
  });
});
