import type { Period } from '../../domain/period.ts';
import { staffSurveyScores } from '../../domain/publication-metrics.ts';
import { cleanText, quote } from '../cells.ts';
import { normaliseHeader } from '../header.ts';
import type {
  ImportFormat,
  IngestSink,
  OrganisationKind,
  ParseContext,
  PeriodLimits,
  RecordParser,
} from '../types.ts';
import { providerKind } from './ae-observations.ts';
import { createCellReader, emitFigure } from './publication-rows.ts';

/** The NHS Staff Survey has been run each autumn since 2003; results come out the next spring. */
export const staffSurveyPeriodLimits: PeriodLimits = Object.freeze({ firstYear: 2003, lagDays: 366 });

/** A survey year: the calendar year the survey ran in. */
function surveyYear(year: number): Period {
  return { start: `${year}-01-01`, end: `${year}-12-31`, granularity: 'year' };
}

/** Trusts, ICBs, and the rest (commissioning support units, social enterprises) kept apart. */
function surveyKind(code: string): OrganisationKind {
  if (/^Q[A-Z0-9]{2}$/.test(code)) return 'icb';
  return providerKind(code);
}

interface ScoreColumn {
  id: string;
  code: string;
  score: number;
  base: number | undefined;
}

/** Finds each kept score's column (and the responses column after it) in a header row. */
function scoreColumns(header: readonly string[], scoreName: (code: string) => string): ScoreColumn[] {
  const normalised = header.map(normaliseHeader);
  const found: ScoreColumn[] = [];
  for (const { code, id } of staffSurveyScores) {
    const index = normalised.indexOf(normaliseHeader(scoreName(code)));
    if (index === -1) continue;
    const next = normalised[index + 1] ?? '';
    found.push({ id, code, score: index, base: next.includes('base') ? index + 1 : undefined });
  }
  return found;
}

/** Reads one organisation's row: its code, name and benchmarking group, and every kept score. */
function readOrganisationRow(
  read: ReturnType<typeof createCellReader>,
  sink: IngestSink,
  cells: readonly string[],
  rowNumber: number,
  layout: { code: number; name: number; group: number | undefined; scores: ScoreColumn[] },
  period: Period,
) {
  const orgCode = read.code(cells, rowNumber, layout.code, 'ODS code');
  if (!orgCode) return;
  const figures: { column: ScoreColumn; score: number | null; responses: number | null }[] = [];
  for (const column of layout.scores) {
    const score = read.number(cells, rowNumber, column.score, `${column.code} score`);
    const responses =
      column.base === undefined
        ? null
        : read.number(cells, rowNumber, column.base, `${column.code} responses`, { whole: true });
    if (score === undefined || responses === undefined) return;
    figures.push({ column, score, responses });
  }
  const group = layout.group === undefined ? null : cleanText(cells[layout.group] ?? '') || null;
  sink.organisation({
    code: orgCode,
    name: cleanText(cells[layout.name] ?? '') || orgCode,
    kind: surveyKind(orgCode),
    authority: 'fill',
  });
  for (const { column, score, responses } of figures) {
    emitFigure(sink, {
      orgCode,
      metricId: column.id,
      period,
      value: score,
      rowNumber,
      columns: { value: column.score },
      detail: { responses, benchmarkingGroup: group },
      missingReason: 'not published: fewer than 10 staff answered',
    });
  }
}

/**
 * The NHS Staff Survey's detailed spreadsheets of organisational results, as downloaded: the sheets
 * THEMES (staff engagement, morale) and PEOPLE PROMISE ELEMENTS (PP1 to PP7 and their sub-scores),
 * each beginning with the title row "NHS Staff Survey <year> - WEIGHTED Results" and a few notes
 * before the header ("ODS code", …, "<code> - score", "Base (number of responses)"). Import each
 * sheet with `--sheet`. A blank score (fewer than 10 responses) is missing, never zero.
 */
export const staffSurveyWorkbookFormat: ImportFormat = {
  id: 'nhs-staff-survey-sheet',
  label: 'NHS Staff Survey organisational results (THEMES or PEOPLE PROMISE ELEMENTS sheet)',
  publication: 'NHS England: NHS Staff Survey, detailed spreadsheets of organisational results',
  hasHeader: true,
  periods: staffSurveyPeriodLimits,
  detect: (first) => /^NHS Staff Survey \d{4} - WEIGHTED Results$/i.test(cleanText(first[0] ?? '')),
  open(first, context, sink) {
    const year = Number(/(\d{4})/.exec(first[0] ?? '')?.[1]);
    return createWorkbookParser(surveyYear(year), context, sink);
  },
};

function createWorkbookParser(period: Period, context: ParseContext, sink: IngestSink): RecordParser {
  const read = createCellReader(context.file, sink);
  let layout: { code: number; name: number; group: number | undefined; scores: ScoreColumn[] } | undefined;
  return {
    row(cells, rowNumber) {
      if (!layout) {
        const normalised = cells.map(normaliseHeader);
        const code = normalised.indexOf('ods code');
        if (code === -1) return; // the notes above the header
        // The sheets write "Staff Engagement - score" where the codes elsewhere are Staff_Engagement.
        const scores = scoreColumns(
          cells,
          (scoreCode) => `${scoreCode.replace('Staff_Engagement', 'Staff Engagement')} - score`,
        );
        if (scores.length === 0)
          sink.issue(
            read.issue(
              'MISSING_COLUMN',
              rowNumber,
              null,
              `no score Tend keeps in this sheet; expected one of ${staffSurveyScores.map((score) => quote(`${score.code} - score`)).join(', ')}`,
            ),
          );
        const group = normalised.indexOf('benchmarking group');
        layout = {
          code,
          name: normalised.indexOf('organisation name'),
          group: group === -1 ? undefined : group,
          scores,
        };
        return;
      }
      readOrganisationRow(read, sink, cells, rowNumber, layout, period);
    },
    finish() {
      if (!layout)
        sink.issue(
          read.issue('MISSING_COLUMN', null, null, 'no header row with "ODS code" was found in the sheet'),
        );
    },
  };
}

/**
 * The same sheets saved as one CSV a sheet with plain column names: `ods_code`, `organisation_name`,
 * `benchmarking_group`, …, `<code>_score` and `<code>_base`; the survey year in `survey_year`, or
 * 2024 (the edition Tend bundles) when the file has no such column.
 */
export const staffSurveyCsvFormat: ImportFormat = {
  id: 'nhs-staff-survey-csv',
  label: 'NHS Staff Survey scores by organisation (ods_code, <code>_score, <code>_base)',
  publication: 'NHS England: NHS Staff Survey, organisational results',
  hasHeader: true,
  periods: staffSurveyPeriodLimits,
  detect: (header) => {
    const names = header.map(normaliseHeader);
    return (
      names.includes('ods_code') &&
      names.includes('benchmarking_group') &&
      names.some((name) => name.endsWith('_score'))
    );
  },
  open(header, context, sink) {
    const read = createCellReader(context.file, sink);
    const names = header.map(normaliseHeader);
    const scores = scoreColumns(header, (code) => `${code}_score`);
    if (scores.length === 0 || !names.includes('organisation_name')) {
      sink.issue(
        read.issue(
          'MISSING_COLUMN',
          1,
          null,
          scores.length === 0
            ? `no score Tend keeps; expected one of ${staffSurveyScores.map((score) => quote(`${score.code}_score`)).join(', ')}`
            : 'missing column "organisation_name"',
        ),
      );
      return undefined;
    }
    const yearColumn = names.indexOf('survey_year');
    const layout = {
      code: names.indexOf('ods_code'),
      name: names.indexOf('organisation_name'),
      group: names.indexOf('benchmarking_group'),
      scores,
    };
    return {
      row(cells, rowNumber) {
        let year = 2024;
        if (yearColumn !== -1) {
          const text = (cells[yearColumn] ?? '').trim();
          if (!/^\d{4}$/.test(text)) {
            sink.issue(
              read.issue('BAD_PERIOD', rowNumber, yearColumn, `survey_year: ${quote(text)} is not a year`),
            );
            return;
          }
          year = Number(text);
        }
        readOrganisationRow(read, sink, cells, rowNumber, layout, surveyYear(year));
      },
      finish() {},
    };
  },
};
