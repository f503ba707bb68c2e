import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { spcForSeries } from '../../app/spc-view.ts';
import { runSpcCase } from '../../engines/spc/reference-output.ts';
import { AppError } from '../../errors.ts';
import { columnLetter, parseDate, parseValue, registerSpcCommand } from './spc.ts';

/** Runs `tend spc …` through commander, capturing what it writes. */
async function runSpc(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const program = new Command('tend').exitOverride().configureOutput({
    writeOut: (text) => {
      stdout += text;
    },
    writeErr: (text) => {
      stderr += text;
    },
  });
  registerSpcCommand(program);
  await program.parseAsync(['spc', ...args], { from: 'user' });
  return { stdout, stderr };
}

function repositoryRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) folder = dirname(folder);
  return folder;
}

const conformanceFolder = join(repositoryRoot(), '..', 'shared', 'conformance', 'spc');
const noCases = existsSync(conformanceFolder)
  ? false
  : 'conformance cases not found at ../shared/conformance/spc (not part of this clone)';

const scratch = mkdtempSync(join(tmpdir(), 'tend-spc-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function csvFile(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

const monthlyCsv = [
  '\uFEFFperiod,org,value',
  ...[92, 94, 91, 93, 95, 92, 90, 93, 94, 92, 91, 93, 92, 94, 91, 84, 85, 84, 86, 85, 84, 85, 86].flatMap(
    (value, index) => {
      const date = new Date(Date.UTC(2022, index, 1)).toISOString().slice(0, 10);
      return [`${date},RAA,${value}`, `${date},RBB,${value + 1}`];
    },
  ),
].join('\n');

describe('tend spc --case', { skip: noCases }, () => {
  test('prints one JSON line per case, exactly what runSpcCase gives', async () => {
    const files = noCases
      ? []
      : readdirSync(conformanceFolder)
          .filter((file) => file.endsWith('.json'))
          .sort();
    const { stdout } = await runSpc(['--case', ...files.map((file) => join(conformanceFolder, file))]);
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines.length, files.length);
    lines.forEach((line, index) => {
      const spcCase = JSON.parse(readFileSync(join(conformanceFolder, files[index]), 'utf8'));
      const printed = JSON.parse(line);
      assert.deepEqual(Object.keys(printed), ['name', 'per_point', 'icons', 'summary']);
      assert.equal(printed.name, spcCase.name);
      assert.equal(line, JSON.stringify(runSpcCase(spcCase)));
    });
  });
});

test('tend spc FILE.csv charts each facet and prints JSON', async () => {
  const file = csvFile('monthly.csv', monthlyCsv);
  const { stdout } = await runSpc([
    file,
    '--value',
    'value',
    '--date',
    'period',
    '--facet',
    'org',
    '--target',
    '95',
    '--rebase',
    '2023-04-01:New streaming model',
    '--unit',
    '%',
  ]);
  const output = JSON.parse(stdout);
  assert.deepEqual(
    output.series.map((series: { facet: string }) => series.facet),
    ['RAA', 'RBB'],
  );
  const first = output.series[0];
  assert.equal(first.groups.length, 2);
  assert.equal(first.groups[1].rebaseReason, 'New streaming model');
  assert.equal(first.assuranceIcon, 'fail');
  assert.equal(first.points.length, 23);
  // The icons are the engine's, as NHSRplotthedots gives them; the reading honours the settled
  // minimum: 8 points since the rebase are trial limits, so nothing is read from them.
  assert.equal(first.description.assurance, null);
  assert.match(first.description.variation, /only 8 points since 2023-04-01: its limits are trial limits/);
  assert.deepEqual(Object.keys(first.points[0]), [
    'date',
    'value',
    'rebaseGroup',
    'centreLine',
    'lowerProcessLimit',
    'upperProcessLimit',
    'target',
    'specialCause',
    'pointType',
  ]);
});

test('tend spc --format csv prints one row per point; warnings go to stderr', async () => {
  const file = csvFile('short.csv', 'month,n\n2024-01,5\n2024-02,7\n2024-03,\n2024-04,6\n');
  const { stdout, stderr } = await runSpc([file, '--value', 'n', '--date', 'month', '--format', 'csv']);
  const lines = stdout.trimEnd().split('\n');
  assert.equal(
    lines[0],
    'facet,date,value,rebase_group,centre_line,lower_process_limit,upper_process_limit,lower_two_sigma,upper_two_sigma,lower_one_sigma,upper_one_sigma,target,special_cause,point_type',
  );
  assert.equal(lines.length, 5);
  assert.match(lines[1], /^,2024-01-01,5,0,6,/);
  assert.match(lines[3], /^,2024-03-01,,0,/);
  assert.match(stderr, /short\.csv: warning: 1 point has no value/);
  assert.match(stderr, /treat its limits as trial limits/);
});

test('tend spc --format svg prints the chart', async () => {
  const file = csvFile('one.csv', monthlyCsv);
  const { stdout } = await runSpc([
    file,
    '--value',
    'value',
    '--date',
    'period',
    '--format',
    'svg',
    '--unit',
    '%',
  ]);
  assert.match(stdout, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="spc-chart"/);
  assert.match(stdout, /role="img"/);
});

test('unreadable cells are reported with file, row and column, all at once', async () => {
  const file = csvFile('bad.csv', 'period,org,value\n2024-01-01,A,1\n2024-02-01,A,abc\n\n31/02/2024,A,3\n');
  await assert.rejects(runSpc([file, '--value', 'value', '--date', 'period']), (error: unknown) => {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'IMPORT_FAILED');
    assert.equal(
      error.message,
      `${file}:3:C value "abc" in column "value" is not a number (and 1 more problem)`,
    );
    assert.deepEqual(error.details, [
      `${file}:3:C value "abc" in column "value" is not a number`,
      `${file}:5:A date "31/02/2024" in column "period" is not a date (use YYYY-MM-DD, YYYY-MM or DD/MM/YYYY)`,
    ]);
    return true;
  });
});

test('a missing column, a missing file and missing options are clear errors', async () => {
  const file = csvFile('cols.csv', 'period,value\n2024-01-01,1\n');
  await assert.rejects(runSpc([file, '--value', 'rate', '--date', 'period']), {
    code: 'INVALID_ARGUMENT',
    message: `${file}: no column "rate"; the columns are "period", "value".`,
  });
  await assert.rejects(runSpc([join(scratch, 'absent.csv'), '--value', 'v', '--date', 'd']), {
    code: 'FILE_UNREADABLE',
    message: `Cannot read ${join(scratch, 'absent.csv')}: ENOENT`,
  });
  await assert.rejects(runSpc([file]), {
    code: 'INVALID_ARGUMENT',
    message: 'A CSV file needs --value COLUMN and --date COLUMN.',
  });
  await assert.rejects(runSpc([]), { code: 'INVALID_ARGUMENT' });
});

test('option values are checked: --fix-after below 12, a bad direction or rebase date', async () => {
  const file = csvFile('ok.csv', 'd,v\n2024-01-01,1\n');
  await assert.rejects(runSpc([file, '--value', 'v', '--date', 'd', '--fix-after', '5']), {
    code: 'commander.invalidArgument',
  });
  await assert.rejects(runSpc([file, '--value', 'v', '--date', 'd', '--direction', 'up']), {
    code: 'commander.invalidArgument',
  });
  await assert.rejects(runSpc([file, '--value', 'v', '--date', 'd', '--rebase', 'soon:why']), {
    code: 'commander.invalidArgument',
  });
});

test('store-backed modes are handed to spc-store.ts', async () => {
  // Without --metric the store-backed mode refuses before opening any store.
  await assert.rejects(runSpc(['--org', 'RXX']), { code: 'INVALID_ARGUMENT' });
});

test('spcForSeries does the work for one series', () => {
  const points = Object.freeze(
    [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 11, 9, 30].map((value, index) =>
      Object.freeze({ date: `2024-01-${String(index + 1).padStart(2, '0')}`, value }),
    ),
  );
  const series = spcForSeries(points, { facet: 'RXX', target: 8, improvementDirection: 'decrease' });
  assert.equal(series.facet, 'RXX');
  assert.equal(series.variationIcon, 'concern_high');
  assert.equal(series.assuranceIcon, 'inconsistent');
});

test('cell parsing: dates, values and column letters', () => {
  assert.equal(parseDate('2024-03-05'), '2024-03-05');
  assert.equal(parseDate('2024-3'), '2024-03-01');
  assert.equal(parseDate('2024-03-05T10:00:00Z'), '2024-03-05');
  assert.equal(parseDate('5/3/2024'), '2024-03-05');
  assert.equal(parseDate('2024-02-30'), null);
  assert.equal(parseDate('March 2024'), null);
  assert.equal(parseValue('94.5%'), 94.5);
  assert.equal(parseValue('1,234.5'), 1234.5);
  assert.equal(parseValue(' -3e2 '), -300);
  assert.equal(parseValue('N/A'), null);
  assert.equal(parseValue(''), null);
  assert.equal(parseValue('1,23'), undefined);
  assert.equal(parseValue('0x10'), undefined);
  assert.equal(parseValue('Infinity'), undefined);
  assert.deepEqual([0, 2, 25, 26, 27, 701, 702].map(columnLetter), ['A', 'C', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
});
