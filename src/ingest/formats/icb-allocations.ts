import type { Period } from '../../domain/period.ts';
import { icbNeedIndices } from '../../domain/publication-metrics.ts';
import { cleanText } from '../cells.ts';
import { headerHasAll, mapColumns } from '../header.ts';
import type { ImportFormat, IngestSink, ParseContext, PeriodLimits, RecordParser } from '../types.ts';
import { createCellReader, emitFigure } from './publication-rows.ts';

/** ICBs were established in July 2022; allocations are published before the year they are for. */
export const icbAllocationPeriodLimits: PeriodLimits = Object.freeze({ firstYear: 2022, lagDays: 731 });

/** The financial year a file's name gives ("2025_2026", "2025-26"), since the file itself does not. */
function financialYearFromName(file: string): Period | undefined {
  const name = file.split(/[\\/]/).pop() ?? '';
  const match = /(20\d{2})[_-](?:20)?(\d{2})(?!\d)/.exec(name);
  if (!match || (Number(match[1]) + 1) % 100 !== Number(match[2])) return undefined;
  const year = Number(match[1]);
  return { start: `${year}-04-01`, end: `${year + 1}-03-31`, granularity: 'year' };
}

function yearProblem(context: ParseContext, sink: IngestSink) {
  sink.issue(
    createCellReader(context.file, sink).issue(
      'BAD_PERIOD',
      null,
      null,
      'the allocation year is given only by the file’s name; keep a name with the year, such as 2025_2026.csv or …_2025_26.csv',
    ),
  );
}

interface IcbTally {
  name: string;
  registered: number;
  weighted: number[];
  firstRow: number;
}

function emitIcb(
  sink: IngestSink,
  code: string,
  name: string,
  period: Period,
  figures: { id: string; value: number; column: number }[],
  rowNumber: number,
) {
  sink.organisation({ code, name: name || code, kind: 'icb', authority: 'fill' });
  for (const figure of figures)
    emitFigure(sink, {
      orgCode: code,
      metricId: figure.id,
      period,
      value: figure.value,
      rowNumber,
      columns: { value: figure.column },
    });
}

/** The tool's other columns: names, places and components Tend does not keep. */
const PRACTICE_OTHER_COLUMNS = [
  'GP_Practice_Name',
  'Practice_Postcode',
  'Latitude',
  'Longitude',
  'CCG',
  'Former CCG',
  'PCN_Code',
  'PCN_Name',
  'LOC',
  'LOCname',
  'Rcode',
  'Region',
  'LAD',
  'LTLA',
  'LA',
  'UTLA',
  'Patients',
  'Mat WP',
  'Prescr WP',
  'Primary Medical Care WP',
  'Final PMC WP',
];
const PRACTICE_COLUMNS = [
  'Practice_Code',
  'ICB',
  'ICBname',
  'Population',
  ...icbNeedIndices.map((index) => index.component),
] as const;

/**
 * The data behind NHS England's ICB place-based allocation tool, as published (`2025_2026.csv`):
 * one row per GP practice with its ICB, registered population and weighted population by
 * allocation component. Tend adds the practices up by ICB and stores the registered population and
 * each need index: (ICB weighted ÷ ICB registered) ÷ (England weighted ÷ England registered).
 */
export const icbAllocationPracticeFormat: ImportFormat = {
  id: 'nhse-icb-allocation-practices',
  label: 'NHS England ICB allocation tool data (GP practice weighted populations)',
  publication: 'NHS England: ICB allocations, place-based allocation tool data',
  hasHeader: true,
  periods: icbAllocationPeriodLimits,
  detect: (header) => headerHasAll(header, ['Practice_Code', 'ICB', 'Population', 'Final WP']),
  open(header, context, sink) {
    const period = financialYearFromName(context.file);
    if (!period) {
      yearProblem(context, sink);
      return undefined;
    }
    const columns = mapColumns<string>(
      header,
      { required: PRACTICE_COLUMNS, optional: PRACTICE_OTHER_COLUMNS, unknownColumns: 'ignore-with-warning' },
      context.file,
      sink,
    );
    if (!columns) return undefined;
    // The practice file's other columns are the tool's own (names, places, other components): known, not needed.
    return createPracticeParser(
      columns as Record<(typeof PRACTICE_COLUMNS)[number], number>,
      period,
      context,
      sink,
    );
  },
};

function createPracticeParser(
  columns: Record<(typeof PRACTICE_COLUMNS)[number], number>,
  period: Period,
  context: ParseContext,
  sink: IngestSink,
): RecordParser {
  const read = createCellReader(context.file, sink);
  const icbs = new Map<string, IcbTally>();
  let valid = true;
  return {
    row(cells, rowNumber) {
      const practice = read.code(cells, rowNumber, columns.Practice_Code, 'Practice_Code');
      const icb = read.code(cells, rowNumber, columns.ICB, 'ICB');
      const registered = read.number(cells, rowNumber, columns.Population, 'Population');
      const weighted = icbNeedIndices.map(({ component }) =>
        read.number(cells, rowNumber, columns[component], component),
      );
      if (!practice || !icb || registered === undefined || weighted.includes(undefined)) {
        valid = false;
        return;
      }
      const tally = icbs.get(icb) ?? {
        name: cleanText(cells[columns.ICBname] ?? ''),
        registered: 0,
        weighted: weighted.map(() => 0),
        firstRow: rowNumber,
      };
      icbs.set(icb, tally);
      tally.registered += registered ?? 0;
      weighted.forEach((value, index) => {
        tally.weighted[index] += value ?? 0;
      });
    },
    finish() {
      if (!valid) return;
      const england = { registered: 0, weighted: icbNeedIndices.map(() => 0) };
      for (const tally of icbs.values()) {
        england.registered += tally.registered;
        tally.weighted.forEach((value, index) => {
          england.weighted[index] += value;
        });
      }
      for (const [code, tally] of icbs) {
        if (tally.registered === 0) continue;
        emitIcb(
          sink,
          code,
          tally.name,
          period,
          [
            { id: 'icb-registered-population', value: tally.registered, column: columns.Population },
            ...icbNeedIndices.map(({ id, component }, index) => ({
              id,
              value:
                tally.weighted[index] / tally.registered / (england.weighted[index] / england.registered),
              column: columns[component],
            })),
          ],
          tally.firstRow,
        );
      }
    },
  };
}

const INDEX_COLUMNS: Readonly<Record<string, string>> = Object.freeze({
  'icb-need-index-core': 'Final_need_index',
  'icb-need-index-general-acute': 'GandA_need_index',
  'icb-need-index-mental-health': 'MH_need_index',
  'icb-need-index-community': 'CS_need_index',
  'icb-need-index-health-inequalities': 'Health_Ineq_need_index',
});
const ICB_COLUMNS = ['ICB', 'ICBname', 'registered_population', ...Object.values(INDEX_COLUMNS)] as const;

/**
 * The allocation tool's data added up by ICB (one row per ICB: `ICB`, `ICBname`,
 * `registered_population` and `<component>_need_index`), the year in the file's name.
 */
export const icbAllocationSummaryFormat: ImportFormat = {
  id: 'nhse-icb-allocation-summary',
  label: 'ICB registered populations and need indices (one row per ICB)',
  publication: 'NHS England: ICB allocations, registered and need-weighted populations by ICB',
  hasHeader: true,
  periods: icbAllocationPeriodLimits,
  detect: (header) => headerHasAll(header, ['ICB', 'registered_population', 'Final_need_index']),
  open(header, context, sink) {
    const period = financialYearFromName(context.file);
    if (!period) {
      yearProblem(context, sink);
      return undefined;
    }
    const columns = mapColumns<string>(
      header,
      {
        required: ICB_COLUMNS,
        // The region, and every weighted population and index Tend does not keep.
        optional: [
          'Rcode',
          'Region',
          ...icbNeedIndices.map((index) => index.component),
          'Mat WP',
          'Prescr WP',
          'Primary Medical Care WP',
          'Final PMC WP',
          'Mat_need_index',
          'Prescr_need_index',
          'Primary_Medical_Care_need_index',
          'Final_PMC_need_index',
        ],
        unknownColumns: 'ignore-with-warning',
      },
      context.file,
      sink,
    );
    if (!columns) return undefined;
    const read = createCellReader(context.file, sink);
    return {
      row(cells, rowNumber) {
        const code = read.code(cells, rowNumber, columns.ICB, 'ICB');
        const registered = read.number(
          cells,
          rowNumber,
          columns.registered_population,
          'registered_population',
        );
        const indices = icbNeedIndices.map(({ id }) => ({
          id,
          column: columns[INDEX_COLUMNS[id]],
          value: read.number(cells, rowNumber, columns[INDEX_COLUMNS[id]], INDEX_COLUMNS[id]),
        }));
        if (!code || registered === undefined || indices.some((index) => index.value === undefined)) return;
        const figures = [
          { id: 'icb-registered-population', value: registered, column: columns.registered_population },
          ...indices,
        ].filter((figure): figure is { id: string; value: number; column: number } => figure.value != null);
        emitIcb(sink, code, cleanText(cells[columns.ICBname] ?? ''), period, figures, rowNumber);
      },
      finish() {},
    };
  },
};
