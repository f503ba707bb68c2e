import { cleanText, issueFactory, quote, titleCaseName } from '../cells.ts';
import { headerHasAll, mapColumns } from '../header.ts';
import type { ImportFormat, IngestSink, ParseContext, RecordParser } from '../types.ts';

/** NHS England's seven regions by ODS "national grouping" code (and Wales for Welsh bodies in the file). */
export const nhsEnglandRegions: Readonly<Record<string, string>> = Object.freeze({
  Y56: 'London',
  Y58: 'South West',
  Y59: 'South East',
  Y60: 'Midlands',
  Y61: 'East of England',
  Y62: 'North West',
  Y63: 'North East and Yorkshire',
  W00: 'Wales',
});

/** Integrated care boards were established on 1 July 2022; NHS England's seven regions on 1 April 2020. */
const ICB_ESTABLISHED = '2022-07-01';
const REGIONS_ESTABLISHED = '2020-04-01';

const latest = (a: string, b: string | null): string => (b !== null && b > a ? b : a);

/**
 * Whether an ODS high-level health geography code is an English integrated care board: `Q` and two
 * letters or digits, but not `Q99`, which ODS gives organisations outside England (the Welsh trusts).
 */
export function isEnglishIcbCode(code: string): boolean {
  return /^Q[A-Z0-9]{2}$/.test(code) && code !== 'Q99';
}

/** ODS dates Tend takes: none before 1900 (year 0000 is a typing slip), none more than ten years ahead. */
const FIRST_DATE_YEAR = 1900;
const lastDateYear = (context: ParseContext): number =>
  Number((context.today ?? new Date().toISOString()).slice(0, 4)) + 10;

/** Parses an ODS date (`YYYYMMDD`) from 1900 to `lastYear`; '' is null; anything else undefined. */
function parseOdsDate(text: string, lastYear: number): string | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(trimmed);
  if (!match) return undefined;
  const year = Number(match[1]);
  if (year < FIRST_DATE_YEAR || year > lastYear) return undefined;
  const iso = `${match[1]}-${match[2]}-${match[3]}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso ? undefined : iso;
}

/** What is wrong with a date `parseOdsDate` refused, for the message after the quoted cell. */
function odsDateProblem(text: string, lastYear: number): string {
  const match = /^(\d{4})\d{4}$/.exec(text.trim());
  const year = match ? Number(match[1]) : undefined;
  return year !== undefined && (year < FIRST_DATE_YEAR || year > lastYear)
    ? `is outside the years ${FIRST_DATE_YEAR} to ${lastYear}; expected a date (YYYYMMDD) in them`
    : 'is not a date (YYYYMMDD)';
}

function emitRegion(sink: IngestSink, code: string, name?: string): void {
  sink.organisation({
    code,
    name: name ?? nhsEnglandRegions[code] ?? `Region ${code}`,
    kind: 'region',
    authority: name || nhsEnglandRegions[code] ? 'replace' : 'fill',
  });
}

/**
 * The ODS NHS Trusts extract `etr.csv`: no header row, 27 quoted columns (code, name, national
 * grouping, high-level health geography, five address lines, postcode, open and close dates…).
 * Gives each trust, its region and its ICB under the ODS geography (the ICB of its headquarters).
 */
export const odsTrustsFormat: ImportFormat = {
  id: 'ods-etr',
  label: 'ODS NHS Trusts extract (etr.csv)',
  publication: 'NHS England Organisation Data Service: NHS Trusts (etr)',
  hasHeader: false,
  detect: (first) =>
    first.length >= 12 &&
    /^[A-Z0-9]{3,6}$/.test(first[0] ?? '') &&
    /^[A-Z]\d{2}$/.test(first[2] ?? '') &&
    /^(\d{8})?$/.test(first[10] ?? ''),
  open(_first, context, sink) {
    return createOdsParser(context, sink);
  },
};

function createOdsParser(context: ParseContext, sink: IngestSink): RecordParser {
  const issue = issueFactory(context.file);
  const lastYear = lastDateYear(context);
  return {
    row(cells, rowNumber) {
      if (cells.length < 12) {
        sink.issue(
          issue(
            'WRONG_COLUMN_COUNT',
            rowNumber,
            null,
            `expected the 27 columns of an ODS extract, found ${cells.length}`,
          ),
        );
        return;
      }
      let valid = true;
      const code = cells[0].trim().toUpperCase();
      if (!/^[A-Z0-9]{3,6}$/.test(code)) {
        sink.issue(issue('BAD_CODE', rowNumber, 0, `organisation code ${quote(code)} is not an ODS code`));
        valid = false;
      }
      const name = cleanText(cells[1]);
      if (name === '') {
        sink.issue(issue('MISSING_VALUE', rowNumber, 1, 'organisation name is empty'));
        valid = false;
      }
      const regionCode = cells[2].trim().toUpperCase();
      const icbCode = cells[3].trim().toUpperCase();
      const openedOn = parseOdsDate(cells[10], lastYear);
      const closedOn = parseOdsDate(cells[11], lastYear);
      if (openedOn === undefined) {
        sink.issue(
          issue(
            'BAD_DATE',
            rowNumber,
            10,
            `open date ${quote(cells[10])} ${odsDateProblem(cells[10], lastYear)}`,
          ),
        );
        valid = false;
      }
      if (closedOn === undefined) {
        sink.issue(
          issue(
            'BAD_DATE',
            rowNumber,
            11,
            `close date ${quote(cells[11])} ${odsDateProblem(cells[11], lastYear)}`,
          ),
        );
        valid = false;
      }
      if (!valid || openedOn === undefined || closedOn === undefined) return;
      sink.organisation({
        code,
        name: titleCaseName(name),
        kind: 'trust',
        postcode: cleanText(cells[9] ?? '') || null,
        openedOn,
        closedOn,
        authority: 'replace',
      });
      if (/^[A-Z]\d{2}$/.test(regionCode)) {
        emitRegion(sink, regionCode);
        sink.membership({
          memberCode: code,
          parentCode: regionCode,
          relation: 'region',
          validFrom: latest(REGIONS_ESTABLISHED, openedOn),
          validTo: closedOn,
        });
      }
      if (isEnglishIcbCode(icbCode)) {
        sink.organisation({ code: icbCode, name: `ICB ${icbCode}`, kind: 'icb', authority: 'fill' });
        sink.membership({
          memberCode: code,
          parentCode: icbCode,
          relation: 'icb_ods',
          validFrom: latest(ICB_ESTABLISHED, openedOn),
          validTo: closedOn,
        });
      }
    },
    finish() {},
  };
}

const LOOKUP_REQUIRED = [
  'org_code',
  'org_name',
  'nhse_region_code',
  'nhse_region_name',
  'icb_code_ods_hlhg',
  'icb_name_for_code_if_unambiguous',
  'icb_name_nhse_ae_jun2024',
] as const;
const LOOKUP_OPTIONAL = ['postcode', 'open_date', 'close_date'] as const;

/**
 * Tend's trust → region → ICB lookup (derived from ODS and NHS England's June 2024 A&E file). Keeps
 * both ICB mappings: the ODS geography (`icb_ods`) and NHS England's performance mapping
 * (`icb_nhse`), which differ for a few trusts (e.g. RAN is in North West London by ODS but reported
 * under North Central London).
 */
export const trustLookupFormat: ImportFormat = {
  id: 'tend-trust-icb-lookup',
  label: 'Trust → region → ICB lookup',
  publication: 'NHS England ODS and A&E performance mapping: trust to region and ICB',
  hasHeader: true,
  detect: (header) => headerHasAll(header, ['org_code', 'nhse_region_code', 'icb_code_ods_hlhg']),
  open(header, context, sink) {
    const columns = mapColumns(
      header,
      { required: LOOKUP_REQUIRED, optional: LOOKUP_OPTIONAL },
      context.file,
      sink,
    );
    if (!columns) return undefined;
    const issue = issueFactory(context.file);
    const lastYear = lastDateYear(context);
    const icbCodeByName = new Map<string, string>();
    const performanceMappings: {
      code: string;
      icbCode: string;
      icbName: string;
      validFrom: string;
      validTo: string | null;
      rowNumber: number;
    }[] = [];
    return {
      row(cells, rowNumber) {
        const code = (cells[columns.org_code] ?? '').trim().toUpperCase();
        if (!/^[A-Z0-9]{3,6}$/.test(code)) {
          sink.issue(
            issue('BAD_CODE', rowNumber, columns.org_code, `org_code: ${quote(code)} is not an ODS code`),
          );
          return;
        }
        const openedOn =
          columns.open_date === undefined ? null : parseOdsDate(cells[columns.open_date] ?? '', lastYear);
        const closedOn =
          columns.close_date === undefined ? null : parseOdsDate(cells[columns.close_date] ?? '', lastYear);
        if (openedOn === undefined || closedOn === undefined) {
          for (const [name, date] of [
            ['open_date', openedOn],
            ['close_date', closedOn],
          ] as const) {
            if (date === undefined)
              sink.issue(
                issue(
                  'BAD_DATE',
                  rowNumber,
                  columns[name],
                  `${name}: ${quote(cells[columns[name]] ?? '')} ${odsDateProblem(cells[columns[name]] ?? '', lastYear)}`,
                ),
              );
          }
          return;
        }
        const regionCode = (cells[columns.nhse_region_code] ?? '').trim().toUpperCase();
        const regionName = cleanText(cells[columns.nhse_region_name] ?? '');
        const icbCode = (cells[columns.icb_code_ods_hlhg] ?? '').trim().toUpperCase();
        // ICB names as people write them ("NHS Kent and Medway Integrated Care Board").
        const icbName = titleCaseName(cells[columns.icb_name_for_code_if_unambiguous] ?? '');
        const performanceIcbName = titleCaseName(cells[columns.icb_name_nhse_ae_jun2024] ?? '');
        sink.organisation({
          code,
          name: titleCaseName(cells[columns.org_name] ?? code),
          kind: 'trust',
          openedOn,
          closedOn,
          authority: 'fill',
        });
        if (/^[A-Z]\d{2}$/.test(regionCode)) {
          emitRegion(sink, regionCode, regionName || undefined);
          sink.membership({
            memberCode: code,
            parentCode: regionCode,
            relation: 'region',
            validFrom: latest(REGIONS_ESTABLISHED, openedOn),
            validTo: closedOn,
          });
        }
        if (isEnglishIcbCode(icbCode)) {
          sink.organisation({
            code: icbCode,
            name: icbName || `ICB ${icbCode}`,
            kind: 'icb',
            authority: icbName ? 'replace' : 'fill',
          });
          if (icbName) icbCodeByName.set(icbName.toLowerCase(), icbCode);
          sink.membership({
            memberCode: code,
            parentCode: icbCode,
            relation: 'icb_ods',
            validFrom: latest(ICB_ESTABLISHED, openedOn),
            validTo: closedOn,
          });
        }
        if (performanceIcbName) {
          performanceMappings.push({
            code,
            icbCode,
            icbName: performanceIcbName,
            validFrom: latest(ICB_ESTABLISHED, openedOn),
            validTo: closedOn,
            rowNumber,
          });
        }
      },
      finish() {
        // An ICB code shared by trusts NHS England reports under different ICBs has no unambiguous
        // name in the lookup; it takes the name most of its trusts are reported under.
        const namesByCode = new Map<string, Map<string, number>>();
        for (const mapping of performanceMappings) {
          if ([...icbCodeByName.values()].includes(mapping.icbCode)) continue;
          const votes = namesByCode.get(mapping.icbCode) ?? new Map<string, number>();
          votes.set(mapping.icbName, (votes.get(mapping.icbName) ?? 0) + 1);
          namesByCode.set(mapping.icbCode, votes);
        }
        for (const [icbCode, votes] of namesByCode) {
          const candidates = [...votes.entries()].filter(([name]) => !icbCodeByName.has(name.toLowerCase()));
          if (candidates.length === 0) continue;
          const [name] = candidates.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
          icbCodeByName.set(name.toLowerCase(), icbCode);
          sink.organisation({ code: icbCode, name, kind: 'icb', authority: 'replace' });
        }
        for (const mapping of performanceMappings) {
          const icbCode = icbCodeByName.get(mapping.icbName.toLowerCase());
          if (!icbCode) {
            sink.issue(
              issue(
                'BAD_CODE',
                mapping.rowNumber,
                columns.icb_name_nhse_ae_jun2024,
                `no ICB code is known for ${quote(mapping.icbName)}; the performance mapping for this trust was not recorded`,
                'warning',
              ),
            );
            continue;
          }
          sink.membership({
            memberCode: mapping.code,
            parentCode: icbCode,
            relation: 'icb_nhse',
            validFrom: mapping.validFrom,
            validTo: mapping.validTo,
          });
        }
      },
    };
  },
};

const SUCCESSORS_REQUIRED = [
  'org_code',
  'org_name',
  'close_date',
  'successor_code',
  'successor_name',
] as const;

/**
 * Tend's list of closed NHS trusts and their successors (from ODS successor records): each closed
 * trust with its close date and the trust that took over, so pages mark it closed, name its
 * successor, and leave it out of current lists. The successor is added if the store does not hold
 * it yet; the closed trust's close date is set by the list.
 */
export const trustSuccessorsFormat: ImportFormat = {
  id: 'tend-trust-successors',
  label: 'Closed trusts and their successors',
  publication: 'NHS England Organisation Data Service: successor organisations',
  hasHeader: true,
  detect: (header) => headerHasAll(header, ['org_code', 'close_date', 'successor_code']),
  open(header, context, sink) {
    const columns = mapColumns(header, { required: SUCCESSORS_REQUIRED }, context.file, sink);
    if (!columns) return undefined;
    const issue = issueFactory(context.file);
    const lastYear = lastDateYear(context);
    return {
      row(cells, rowNumber) {
        const code = (cells[columns.org_code] ?? '').trim().toUpperCase();
        const successor = (cells[columns.successor_code] ?? '').trim().toUpperCase();
        let valid = true;
        for (const [name, value] of [
          ['org_code', code],
          ['successor_code', successor],
        ] as const) {
          if (!/^[A-Z0-9]{3,6}$/.test(value)) {
            sink.issue(
              issue('BAD_CODE', rowNumber, columns[name], `${name}: ${quote(value)} is not an ODS code`),
            );
            valid = false;
          }
        }
        if (valid && code === successor) {
          sink.issue(
            issue(
              'BAD_CODE',
              rowNumber,
              columns.successor_code,
              `successor_code: ${quote(successor)} is the closed trust itself`,
            ),
          );
          valid = false;
        }
        const closedText = cells[columns.close_date] ?? '';
        const closedOn = parseOdsDate(closedText, lastYear);
        if (!closedOn) {
          sink.issue(
            issue(
              closedOn === null ? 'MISSING_VALUE' : 'BAD_DATE',
              rowNumber,
              columns.close_date,
              closedOn === null
                ? 'close_date: a closed trust needs its close date (YYYYMMDD)'
                : `close_date: ${quote(closedText)} ${odsDateProblem(closedText, lastYear)}`,
            ),
          );
          valid = false;
        }
        if (!valid || !closedOn) return;
        sink.organisation({
          code: successor,
          name: titleCaseName(cells[columns.successor_name] ?? successor) || successor,
          kind: 'trust',
          authority: 'fill',
        });
        sink.organisation({
          code,
          name: titleCaseName(cells[columns.org_name] ?? code) || code,
          kind: 'trust',
          closedOn,
          successorCode: successor,
          authority: 'replace',
        });
      },
      finish() {},
    } satisfies RecordParser;
  },
};
