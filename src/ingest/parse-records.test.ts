import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { dataDir } from '../../test/helpers/paths.ts';
import type { MetricDefinition } from '../domain/metric.ts';
import { formatIssue } from './cells.ts';
import { detectFormat } from './formats/index.ts';
import { parseRecords } from './parse-records.ts';
import { type FileRecord, readCsvRecords } from './read/records.ts';
import type {
  IngestIssue,
  IngestSink,
  MembershipRecord,
  ObservationRecord,
  OrganisationRecord,
} from './types.ts';

/** The format of every file bundled in data/, by its path under data/. */
const bundledFormats: Record<string, string> = {
  'ods-trusts-2025/etr.csv': 'ods-etr',
  'ods-trusts-2025/trust_region_icb_lookup.csv': 'tend-trust-icb-lookup',
  'ods-trusts-2025/trust_successors.csv': 'tend-trust-successors',
  'nhse-ae-by-provider-2015-2024/ae_by_provider_monthly.csv': 'nhse-ae-provider-history',
  'nhse-nof-2025-26-mh-community/nhs-oversight-framework-mental-health-and-community-trust-data.csv':
    'nhse-nof-data',
  'nhse-nof-2025-26-mh-community/nhs-oversight-framework-mental-health-and-community-trust-league-table.csv':
    'nhse-nof-league-table',
  ...Object.fromEntries(
    [
      '2024-06',
      '2024-07',
      '2024-08',
      '2024-09',
      '2024-10',
      '2024-11',
      '2024-12',
      '2025-01',
      '2025-02',
      '2025-03',
      '2025-04',
      '2025-05',
      '2025-06',
    ].map((month) => [`nhse-ae-monthly-csv-2024-25/Monthly-AE-${month}.csv`, 'nhse-ae-monthly-csv']),
  ),
  'nhse-ae-monthly-csv-extra/Monthly-AE-2025-07.csv': 'nhse-ae-monthly-csv',
  'nhse-ae-monthly-csv-extra/Monthly-AE-2026-05.csv': 'nhse-ae-monthly-csv',
  'nhse-cancer-waiting-times-provider-2024-25/cwt_provider_headline_monthly.csv':
    'nhse-cwt-provider-headline',
  'nhse-dm01-diagnostics-provider-2024-26/dm01_provider_monthly.csv': 'nhse-dm01-provider',
  'nhse-dm01-diagnostics-provider-2024-26/dm01_provider_totals_2026-03_from_full_extract.csv':
    'nhse-dm01-full-extract',
  'nhse-ambsys-ambulance-2017-2025/ambsys_raw_2017-08_to_2025-08.csv': 'nhse-ambsys',
  'nhs-staff-survey-2024-by-org/nss24_themes_by_org.csv': 'nhs-staff-survey-csv',
  'nhs-staff-survey-2024-by-org/nss24_people_promise_by_org.csv': 'nhs-staff-survey-csv',
  'nhse-kh03-beds-quarterly/kh03_beds_by_trust_sector_2024-09_to_2025-06_from_xlsx.csv': 'nhse-kh03-by-trust',
  'nhse-icb-allocations-2025-26/icb_allocation_tool_practice_weighted_populations_2025_26.csv':
    'nhse-icb-allocation-practices',
};

/** The first record of a CSV file, read as an import reads it (byte-order mark, quotes). */
async function firstRecord(file: string): Promise<FileRecord> {
  const issues: IngestIssue[] = [];
  for await (const record of readCsvRecords(
    fs.createReadStream(file) as AsyncIterable<Buffer>,
    path.basename(file),
    (issue) => issues.push(issue),
  )) {
    return record;
  }
  throw new Error(`${file} has no records: ${issues.map(formatIssue).join('; ')}`);
}

function collectingSink() {
  const found = {
    observations: [] as ObservationRecord[],
    organisations: [] as OrganisationRecord[],
    memberships: [] as MembershipRecord[],
    metrics: [] as MetricDefinition[],
    issues: [] as string[],
  };
  const sink: IngestSink = {
    observation: (record) => found.observations.push(record),
    organisation: (record) => found.organisations.push(record),
    membership: (record) => found.memberships.push(record),
    metric: (record) => found.metrics.push(record),
    issue: (issue) => found.issues.push(formatIssue(issue)),
  };
  return { found, sink };
}

const context = { file: 'in.csv', knownMetricIds: new Set(['ae-4hr-type1', 'ae-attendances-type1']) };
const records = (...rows: string[][]): FileRecord[] =>
  rows.map((cells, index) => ({ cells, rowNumber: index + 1 }));

describe('format detection', () => {
  it('knows the format of every file bundled in data/', () => {
    const bundled = fs
      .readdirSync(dataDir, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.csv'))
      .map((name) => name.split(path.sep).join('/'))
      .sort();
    assert.deepEqual(bundled, Object.keys(bundledFormats).sort());
  });

  for (const [file, formatId] of Object.entries(bundledFormats)) {
    it(`detects ${file} as ${formatId}`, async () => {
      const record = await firstRecord(path.join(dataDir, file));
      assert.equal(record.rowNumber, 1);
      assert.equal(detectFormat(record.cells)?.id, formatId);
    });
  }

  it('detects the tidy template by its column names, in any order, case or spacing', () => {
    assert.equal(detectFormat(['org_code', 'metric_id', 'period', 'value'])?.id, 'tend-tidy');
    assert.equal(detectFormat(['value', ' Period ', 'METRIC_ID', 'Org_Code', 'note'])?.id, 'tend-tidy');
    assert.equal(detectFormat(['metric_id', 'period'])?.id, 'tend-tidy');
    assert.equal(detectFormat(['org_code', 'metric_id'])?.id, 'tend-tidy');
  });

  it('detects no format for other headers', () => {
    for (const header of [
      ['name', 'score', 'date'],
      ['org_code', 'value'],
      ['Period', 'Org Code', 'Org name'],
      [],
    ]) {
      assert.equal(detectFormat(header), undefined, header.join(','));
    }
  });
});

describe('parseRecords', () => {
  it('feeds the data rows of a tidy file to its parser, with their row numbers', async () => {
    const { found, sink } = collectingSink();
    const result = await parseRecords(
      [
        { cells: ['org_code', 'metric_id', 'period', 'value'], rowNumber: 1 },
        { cells: ['RGT', 'ae-4hr-type1', '2024-06', '51.17'], rowNumber: 2 },
        { cells: ['rj1', 'ae-attendances-type1', '2024-06-03', '1,038'], rowNumber: 4 },
      ],
      context,
      sink,
    );
    assert.equal(result.format?.id, 'tend-tidy');
    assert.equal(result.dataRows, 2);
    assert.deepEqual(found.issues, []);
    assert.deepEqual(
      found.observations.map((o) => [
        o.orgCode,
        o.metricId,
        o.periodStart,
        o.periodEnd,
        o.granularity,
        o.value,
        o.status,
        o.rowNumber,
      ]),
      [
        ['RGT', 'ae-4hr-type1', '2024-06-01', '2024-06-30', 'month', 51.17, 'reported', 2],
        ['RJ1', 'ae-attendances-type1', '2024-06-03', '2024-06-03', 'day', 1038, 'reported', 4],
      ],
    );
  });

  it('treats the first record of a headerless ODS extract as data', async () => {
    const { found, sink } = collectingSink();
    const ran = [
      'RAN',
      'ROYAL NATIONAL ORTHOPAEDIC HOSPITAL NHS TRUST',
      'Y56',
      'QRV',
      'BROCKLEY HILL',
      '',
      '',
      'STANMORE',
      '',
      'HA7 4LP',
      '19910401',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '0',
      '',
      'H',
      '',
      '',
      '',
    ];
    const result = await parseRecords(records(ran), context, sink);
    assert.equal(result.format?.id, 'ods-etr');
    assert.equal(result.dataRows, 1);
    assert.deepEqual(found.issues, []);
    const trust = found.organisations.find((organisation) => organisation.code === 'RAN');
    assert.equal(trust?.name, 'Royal National Orthopaedic Hospital NHS Trust');
    assert.equal(trust?.openedOn, '1991-04-01');
    assert.deepEqual(
      found.memberships
        .map((membership) => `${membership.relation}:${membership.parentCode}:${membership.validFrom}`)
        .sort(),
      ['icb_ods:QRV:2022-07-01', 'region:Y56:2020-04-01'],
    );
  });

  it('reports an unknown header once and reads no further', async () => {
    const { found, sink } = collectingSink();
    const result = await parseRecords(
      records(['name', 'score', 'date', 'a', 'b', 'c', 'd'], ['x', '1', '2024-06']),
      context,
      sink,
    );
    assert.equal(result.format, undefined);
    assert.equal(result.dataRows, 0);
    assert.equal(found.issues.length, 1);
    assert.ok(
      found.issues[0].startsWith(
        'in.csv:1: the first row (name, score, date, a, b, c, …) is not the header of a format Tend imports: ',
      ),
      found.issues[0],
    );
  });

  it('reports a file with no records, and a header with no data rows', async () => {
    const empty = collectingSink();
    await parseRecords([], context, empty.sink);
    assert.deepEqual(empty.found.issues, ['in.csv: the file has no rows']);

    const headerOnly = collectingSink();
    const result = await parseRecords(
      records(['org_code', 'metric_id', 'period', 'value']),
      context,
      headerOnly.sink,
    );
    assert.equal(result.format?.id, 'tend-tidy');
    assert.deepEqual(headerOnly.found.issues, ['in.csv: the file has a header row but no data rows']);
  });

  it('stops at a header with a missing column, without reading the rows', async () => {
    const { found, sink } = collectingSink();
    const result = await parseRecords(
      records(['org_code', 'metric_id', 'period'], ['RGT', 'ae-4hr-type1', 'not a period']),
      context,
      sink,
    );
    assert.equal(result.format?.id, 'tend-tidy');
    assert.deepEqual(found.issues, ['in.csv:1: missing column "value"']);
    assert.deepEqual(found.observations, []);
  });

  it('stops reading after the errors it may have, says so, and closes the source', async () => {
    const { found, sink } = collectingSink();
    let read = 0;
    let closed = false;
    const source = (async function* () {
      try {
        yield { cells: ['org_code', 'metric_id', 'period', 'value'], rowNumber: 1 };
        for (let row = 2; row < 1000; row++) {
          read++;
          yield { cells: ['RGT', 'ae-attendances-type1', 'June', '1'], rowNumber: row };
        }
      } finally {
        closed = true;
      }
    })();
    const result = await parseRecords(source, { ...context, stopAfterErrors: 3 }, sink);
    assert.equal(result.stopped, true);
    assert.deepEqual(found.issues.slice(3), [
      'in.csv:5: stopped reading at this row after 3 errors; fix those and import the file again',
    ]);
    assert.equal(read, 4);
    assert.equal(closed, true);
  });
});
