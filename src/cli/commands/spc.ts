import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { SpcAnnotation } from '../../charts/spc-chart.ts';
import { recommendedFixAfterPoints } from '../../engines/spc/options.ts';
import type { SpcCase } from '../../engines/spc/reference-output.ts';
import type { SpcPointInput, SpcRebase, SpcResult, SpcSeriesInput } from '../../engines/spc/types.ts';
import { AppError } from '../../errors.ts';
import type { SpcCommandOptions } from './spc-output.ts';

/**
 * Registers `tend spc`: SPC charts for a CSV file, for conformance cases (`--case`), or, through
 * `spc-store.ts`, for data in Tend's store (`--org`, `--metric`, `--all`).
 */
export function registerSpcCommand(program: Command): void {
  program
    .command('spc')
    .summary('Making Data Count SPC charts (XmR): limits, special causes and icons')
    .description(
      'Statistical process control in the Making Data Count style, as NHSRplotthedots calculates it.\n\n' +
        '  tend spc FILE.csv --value COL --date COL [--facet COL] [options]\n' +
        '  tend spc --case FILE.json…    one JSON line per conformance case\n' +
        '  tend spc --org CODE --metric ID | --metric ID --all    (data in the store)',
    )
    .argument('[file]', 'CSV file with a date column and a value column')
    .option('--case <files...>', 'conformance case files (JSON); prints one line per case')
    .option('--value <column>', 'column holding the values')
    .option('--date <column>', 'column holding the dates (YYYY-MM-DD, YYYY-MM or DD/MM/YYYY)')
    .option('--facet <column>', 'column naming the series, for many series in one file')
    .addOption(
      new Option('--direction <direction>', 'which way is better')
        .choices(['increase', 'decrease', 'neutral'])
        .default('increase'),
    )
    .option('--target <number>', 'target, for the assurance icon', parseNumber)
    .option(
      '--rebase <date[:reason]>',
      'recalculate the limits from this date, and why (repeatable)',
      collectRebase,
      [] as SpcRebase[],
    )
    .option(
      `--fix-after <n>`,
      `fix the limits after the first N points (N ≥ ${recommendedFixAfterPoints})`,
      parseFixAfter,
    )
    .addOption(
      new Option('--format <format>', 'output format').choices(['json', 'csv', 'svg']).default('json'),
    )
    .option('--unit <unit>', 'unit of the values, for the chart and readings (e.g. %)')
    .option(
      '--annotate <date:label>',
      'mark a date on the chart (repeatable)',
      collectAnnotation,
      [] as SpcAnnotation[],
    )
    .option('--org <code>', 'organisation code (data in the store)')
    .option('--metric <id>', 'metric id (data in the store)')
    .option('--all', 'every organisation with the metric (data in the store)')
    .action(async (file: string | undefined, options: SpcCommandOptions, command: Command) => {
      const output = command.configureOutput();
      const write = output.writeOut ?? ((text: string) => process.stdout.write(text));
      const writeError = output.writeErr ?? ((text: string) => process.stderr.write(text));
      // The engine, the chart and the store load only when the command runs.
      if (options.org !== undefined || options.metric !== undefined || options.all === true) {
        const { runStoreSpc } = await import('./spc-store.ts');
        await runStoreSpc(options, command);
        return;
      }
      if (options.case !== undefined && options.case.length > 0) {
        const { runSpcCase } = await import('../../engines/spc/reference-output.ts');
        for (const caseFile of options.case)
          write(`${JSON.stringify(runSpcCase(await readCase(caseFile)))}\n`);
        return;
      }
      if (file === undefined) {
        throw new AppError('INVALID_ARGUMENT', 'Give a CSV file, --case FILE…, or --org CODE --metric ID.');
      }
      const result = await spcForCsv(file, options);
      const { formatSpcOutput } = await import('./spc-output.ts');
      for (const warning of result.warnings) {
        if (options.format !== 'json') {
          writeError(
            `${file}${warning.facet !== null ? ` (${warning.facet})` : ''}: warning: ${warning.message}\n`,
          );
        }
      }
      write(
        formatSpcOutput(result.series, options.format, {
          metricName: options.value,
          unit: options.unit,
          annotations: options.annotate,
        }),
      );
    });
}

/** Reads a CSV file and charts it, one series per facet (sorted), as the command's options say. */
export async function spcForCsv(file: string, options: SpcCommandOptions): Promise<SpcResult> {
  if (options.value === undefined || options.date === undefined) {
    throw new AppError('INVALID_ARGUMENT', 'A CSV file needs --value COLUMN and --date COLUMN.');
  }
  const text = await readText(file);
  const series = await readSpcCsv(file, text, {
    value: options.value,
    date: options.date,
    facet: options.facet,
  });
  const { computeSpc } = await import('../../engines/spc/compute-spc.ts');
  return computeSpc(
    series.map((item) => ({ ...item, target: options.target ?? null, rebase: options.rebase })),
    { improvementDirection: options.direction, fixAfterPoints: options.fixAfter ?? null },
  );
}

/**
 * Parses CSV text into series: the header row names the columns; each later row gives a date,
 * a value and, with `facet`, the series it belongs to. An empty cell or `NA`, `N/A`, `null`,
 * `-`, `..` is a missing value; numbers may carry thousands commas or a trailing `%`. Every
 * unreadable cell is reported, as `file:row:column`, in one `IMPORT_FAILED` error.
 */
export async function readSpcCsv(
  file: string,
  text: string,
  columns: { readonly value: string; readonly date: string; readonly facet?: string },
): Promise<SpcSeriesInput[]> {
  const { parse } = await import('csv-parse/sync');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (error) {
    throw new AppError('IMPORT_FAILED', `${file}: not valid CSV: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (records.length === 0)
    throw new AppError('IMPORT_FAILED', `${file}: the file is empty; it needs a header row.`);
  const header = records[0].record.map((cell) => cell.trim());
  const valueColumn = findColumn(file, header, columns.value);
  const dateColumn = findColumn(file, header, columns.date);
  const facetColumn = columns.facet === undefined ? -1 : findColumn(file, header, columns.facet);

  const problems: string[] = [];
  const byFacet = new Map<string, SpcPointInput[]>();
  for (const { record, info } of records.slice(1)) {
    const where = (column: number) => `${file}:${info.lines}:${columnLetter(column)}`;
    const rawDate = (record[dateColumn] ?? '').trim();
    const rawValue = (record[valueColumn] ?? '').trim();
    const date = parseDate(rawDate);
    if (date === null) {
      problems.push(
        `${where(dateColumn)} date "${rawDate}" in column "${header[dateColumn]}" is not a date (use YYYY-MM-DD, YYYY-MM or DD/MM/YYYY)`,
      );
    }
    const value = parseValue(rawValue);
    if (value === undefined) {
      problems.push(
        `${where(valueColumn)} value "${rawValue}" in column "${header[valueColumn]}" is not a number`,
      );
    }
    if (date === null || value === undefined) continue;
    const facet = facetColumn < 0 ? '' : (record[facetColumn] ?? '').trim();
    const points = byFacet.get(facet) ?? [];
    points.push({ date, value });
    byFacet.set(facet, points);
  }
  if (problems.length > 0) {
    const more =
      problems.length > 1
        ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})`
        : '';
    throw new AppError('IMPORT_FAILED', `${problems[0]}${more}`, { details: problems });
  }
  return [...byFacet.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((facet) => ({ facet: facetColumn < 0 ? null : facet, points: byFacet.get(facet) ?? [] }));
}

function findColumn(file: string, header: readonly string[], name: string): number {
  let index = header.indexOf(name.trim());
  if (index < 0) index = header.findIndex((cell) => cell.toLowerCase() === name.trim().toLowerCase());
  if (index < 0) {
    throw new AppError(
      'INVALID_ARGUMENT',
      `${file}: no column "${name}"; the columns are ${header.map((cell) => `"${cell}"`).join(', ')}.`,
    );
  }
  return index;
}

/** Spreadsheet column letter of a 0-based column index: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let letters = '';
  let rest = index + 1;
  while (rest > 0) {
    const remainder = (rest - 1) % 26;
    letters = String.fromCharCode(65 + remainder) + letters;
    rest = Math.floor((rest - 1) / 26);
  }
  return letters;
}

const missingMarkers = new Set(['', 'na', 'n/a', 'null', '-', '..']);
const numberPattern = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const groupedNumberPattern = /^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/;

/** A cell as a value: a number, `null` for a missing-value marker, `undefined` if unreadable. */
export function parseValue(cell: string): number | null | undefined {
  const text = cell.trim();
  if (missingMarkers.has(text.toLowerCase())) return null;
  let number = text.endsWith('%') ? text.slice(0, -1).trim() : text;
  if (groupedNumberPattern.test(number)) number = number.replaceAll(',', '');
  if (!numberPattern.test(number)) return undefined;
  const value = Number(number);
  return Number.isFinite(value) ? value : undefined;
}

/** A cell as a `YYYY-MM-DD` date: accepts that, `YYYY-MM` (the 1st), an ISO date-time, or UK `DD/MM/YYYY`. */
export function parseDate(cell: string): string | null {
  const text = cell.trim();
  let year: number;
  let month: number;
  let day: number;
  let match = /^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (match !== null) {
    year = Number(match[1]);
    month = Number(match[2]);
    day = match[3] === undefined ? 1 : Number(match[3]);
  } else {
    match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
    if (match === null) return null;
    day = Number(match[1]);
    month = Number(match[2]);
    year = Number(match[3]);
  }
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function parseNumber(text: string): number {
  const value = parseValue(text);
  if (typeof value !== 'number') throw new InvalidArgumentError('expected a number.');
  return value;
}

function parseFixAfter(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < recommendedFixAfterPoints) {
    throw new InvalidArgumentError(
      `expected a whole number of at least ${recommendedFixAfterPoints} (Making Data Count fixes limits on 12 or more points).`,
    );
  }
  return value;
}

function collectRebase(text: string, previous: SpcRebase[]): SpcRebase[] {
  const split = text.indexOf(':');
  const rawDate = split < 0 ? text : text.slice(0, split);
  const date = parseDate(rawDate);
  if (date === null) throw new InvalidArgumentError(`"${rawDate}" is not a date (use YYYY-MM-DD).`);
  return [...previous, { date, reason: split < 0 ? '' : text.slice(split + 1).trim() }];
}

function collectAnnotation(text: string, previous: SpcAnnotation[]): SpcAnnotation[] {
  const split = text.indexOf(':');
  const date = parseDate(split < 0 ? text : text.slice(0, split));
  if (date === null || split < 0)
    throw new InvalidArgumentError('expected DATE:label, e.g. 2024-03-01:new triage model.');
  return [...previous, { date, label: text.slice(split + 1).trim() }];
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new AppError(
      'FILE_UNREADABLE',
      `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

async function readCase(file: string): Promise<SpcCase> {
  const text = await readText(file);
  try {
    return JSON.parse(text) as SpcCase;
  } catch (error) {
    throw new AppError(
      'INVALID_ARGUMENT',
      `${file}: not a JSON conformance case: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
