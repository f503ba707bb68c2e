/**
 * Generates hostile input files for every format Tend imports (NHS England's other publications
 * included: cancer, diagnostics, ambulance, staff survey, beds and ICB populations). Each format has a small base file
 * that imports cleanly into a store seeded with `seed-etr.csv` (R0A, RGT, RJ1, RYY); each hostile
 * file is that base with one thing made wrong: a number Tend cannot hold, an impossible period or
 * date, a bad code, a NUL or a byte that is not UTF-8, a broken quote, a record or cell too long, a
 * missing column, and, for workbooks, formulas without values, hidden sheets, damage and bombs.
 * Which cell is spoiled is drawn from a seeded generator, so a run is repeatable from its seed.
 */
import { bigCellBomb, oneSheetWorkbook } from './zip.ts';

/** Where a hostile file was spoiled: the spreadsheet row, and the column when the problem is in one cell. */
export interface HostileFile {
  /** File name, unique in a run. */
  name: string;
  format: string;
  mutation: string;
  content: Buffer;
  /** The row a problem must be reported on (null: the whole file). */
  row: number | null;
  /** The column letter a problem must name, when it must name one. */
  column: string | null;
}

/** A small, repeatable generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const letter = (index: number): string => {
  let letters = '';
  let remaining = index + 1;
  while (remaining > 0) {
    letters = String.fromCharCode(65 + ((remaining - 1) % 26)) + letters;
    remaining = Math.floor((remaining - 1) / 26);
  }
  return letters;
};

type Kind = 'count' | 'number' | 'period' | 'date' | 'code' | 'text';

interface BaseFile {
  format: string;
  /** Header cells, or none for a headerless format. */
  header: string[] | null;
  rows: string[][];
  /** Quote every cell, as the ODS extract does. */
  quoteAll?: boolean;
  /** Cells that may be spoiled, by kind: [row index in `rows`, column index]. */
  cells: Partial<Record<Kind, [number, number][]>>;
  periods: string[];
  extraNumbers?: string[];
  /** Columns a missing-column file drops (required ones). */
  required: string[];
}

const HOSTILE_NUMBERS = [
  '1e309',
  '-1e400',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e16',
  'abc',
  '1e-400',
  '0x1F',
  '12,34',
];
const HOSTILE_COUNTS = [...HOSTILE_NUMBERS, '-5'];
const HOSTILE_DATES = ['00000101', '99990101', '20250231', '2024-06-01', '18991231'];

const AE_MONTHLY_HEADER = [
  'Period',
  'Org Code',
  'Parent Org',
  'Org name',
  'A&E attendances Type 1',
  'A&E attendances Type 2',
  'A&E attendances Other A&E Department',
  'A&E attendances Booked Appointments Type 1',
  'A&E attendances Booked Appointments Type 2',
  'A&E attendances Booked Appointments Other Department',
  'Attendances over 4hrs Type 1',
  'Attendances over 4hrs Type 2',
  'Attendances over 4hrs Other Department',
  'Attendances over 4hrs Booked Appointments Type 1',
  'Attendances over 4hrs Booked Appointments Type 2',
  'Attendances over 4hrs Booked Appointments Other Department',
  'Patients who have waited 4-12 hs from DTA to admission',
  'Patients who have waited 12+ hrs from DTA to admission',
  'Emergency admissions via A&E - Type 1',
  'Emergency admissions via A&E - Type 2',
  'Emergency admissions via A&E - Other A&E department',
  'Other emergency admissions',
];
const aeMonthlyRows = [
  'MSitAE-JUNE-2024,RGT,NHS ENGLAND EAST OF ENGLAND,CAMBRIDGE UNIVERSITY HOSPITALS NHS FOUNDATION TRUST,10072,0,6096,592,0,429,4963,0,83,244,0,6,449,648,2535,0,31,432',
  "MSitAE-JUNE-2024,RJ1,NHS ENGLAND LONDON,GUY'S AND ST THOMAS' NHS FOUNDATION TRUST,10382,739,6688,0,0,0,4003,0,264,0,0,0,96,72,2114,0,0,194",
].map((line) => line.split(','));
const aeMonthlyTotal = [
  'TOTAL',
  'TOTAL',
  'TOTAL',
  'TOTAL',
  ...aeMonthlyRows[0]
    .slice(4)
    .map((value, index) => String(Number(value) + Number(aeMonthlyRows[1][index + 4]))),
];

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => from + index);

const NOF_DATA_HEADER = [
  'Quarter',
  'Region',
  'Trust_type',
  'Trust_subtype',
  'Trust_code',
  'Trust_name',
  'Domain',
  'Sub-domain',
  'Metric_ID',
  'Metric_description',
  'Reporting_date',
  'Units',
  'Value',
  'Median_value',
  'Lower_quartile',
  'Upper_quartile',
  'Rank',
];
const NOF_LEAGUE_HEADER = [
  'Quarter',
  'Region',
  'Trust_type',
  'Trust_subtype',
  'Trust_code',
  'Trust_name',
  'Average_score',
  'Likely_range_of_average_score',
  'Segment',
  'Trust_in_financial_deficit',
  'Rank',
  'Likely_range_of_rank',
];
const TIDY_HEADER = [
  'org_code',
  'metric_id',
  'period',
  'value',
  'numerator',
  'denominator',
  'status',
  'note',
];
const tidyRows = [
  ['RGT', 'ae-4hr-type1', '2024-06', '51.17', '5457', '10664', '', ''],
  ['RJ1', 'ae-4hr-type1', '2024-06', '61.44', '6379', '10382', '', 'a note'],
  ['RYY', 'ae-dta-12hr', '2024-06-03', '0', '', '', '', 'daily count'],
  ['R0A', 'ae-attendances-type1', '2024-06', '9000', '', '', '', ''],
];
const odsRow = (code: string, name: string, region: string, icb: string, opened: string) => [
  code,
  name,
  region,
  icb,
  'ADDRESS',
  '',
  '',
  'TOWN',
  '',
  'AB1 2CD',
  opened,
  '',
  ...Array.from({ length: 10 }, () => ''),
  '0',
  '',
  'G',
  '',
  '',
  '',
];

/** NHS England's other publications: cancer, diagnostics, ambulance, staff survey, beds, ICB populations. */
const AMBSYS_HEADER = [
  'year',
  'month',
  'org_code',
  'org_name',
  'A1',
  'A3',
  'A7',
  'A8',
  'A10',
  'A11',
  'A12',
  'A17',
  'A53',
  'A25',
  'A26',
  'A31',
  'A32',
  'A35',
  'A38',
];
const ambsysTrust = (code: string, name: string, scale: number) => [
  '2025',
  '8',
  code,
  name,
  ...[50, 5, 400, 40, 200, 120, 40, 40, 160].map((value) => String(value * scale)),
  ...['400', '700', '1800', '3600', '5000', '9000'],
];
const DM01_EXTRACT_HEADER = [
  'period_label',
  'Provider Parent Org Code',
  'Provider Org Code',
  'Provider Org Name',
  '00 < 01 Week',
  '01 < 02 Weeks',
  '02 < 03 Weeks',
  '03 < 04 Weeks',
  '04 < 05 Weeks',
  '05 < 06 Weeks',
  '06 < 07 Weeks',
  '07 < 08 Weeks',
  '08 < 09 Weeks',
  '09 < 10 Weeks',
  '10 < 11 Weeks',
  '11 < 12 Weeks',
  '12 < 13 Weeks',
  '13+ Weeks',
  'Total WL',
  'Waiting List Activity',
  'Planned Activity',
  'Unscheduled Activity',
];
const publicationBaseFiles: BaseFile[] = [
  {
    format: 'cwt-extract',
    header: [
      'PERIOD',
      'YEAR',
      'MONTH',
      'STANDARD',
      'ORG CODE',
      'STAGE/ROUTE',
      'TREATMENT MODALITY',
      'CANCER TYPE',
      'TOTAL TREATED',
      'WITHIN STANDARD',
      'BREACHES',
    ],
    rows: [
      [
        '2025-04',
        '2025/26',
        'APR',
        '28-day FDS',
        'RGT',
        'URGENT SUSPECTED CANCER',
        '',
        'Suspected breast cancer',
        '276',
        '266',
        '10',
      ],
      [
        '2025-04',
        '2025/26',
        'APR',
        '62-day Combined',
        'RJ1',
        'Urgent Suspected Cancer',
        'ALL MODALITIES',
        'Breast',
        '20.5',
        '15',
        '5.5',
      ],
    ],
    cells: {
      count: [
        [0, 8],
        [0, 9],
        [1, 10],
      ],
      period: [
        [0, 0],
        [1, 0],
      ],
      code: [[1, 4]],
      text: [[0, 7]],
    },
    periods: ['0000-04', '9999-12', '2008-12', '2025-13', 'April 2025'],
    required: ['ORG CODE', 'BREACHES'],
  },
  {
    format: 'cwt-headline',
    header: ['period', 'org_code', 'standard', 'total', 'within_standard', 'breaches', 'performance'],
    rows: [
      ['2024-04-01', 'RGT', '28-day FDS', '134.0', '70.0', '64.0', '0.522388'],
      ['2024-04-01', 'RJ1', '31-day Combined', '10', '10', '0', '1'],
    ],
    cells: {
      count: [
        [0, 3],
        [1, 5],
      ],
      number: [[0, 6]],
      period: [
        [0, 0],
        [1, 0],
      ],
      code: [[0, 1]],
      text: [[1, 2]],
    },
    periods: ['0000-04-01', '9999-12-01', '2024-13-01', '2024/04'],
    required: ['org_code', 'within_standard'],
  },
  {
    format: 'dm01-provider',
    header: [
      'period',
      'Provider Code',
      'Provider Name',
      'Total Waiting List',
      'Number waiting 6+ Weeks',
      'Number waiting 13+ Weeks',
      'Planned tests / procedures',
      'Unscheduled tests / procedures',
      'Waiting list tests / procedures (excluding planned)',
    ],
    rows: [
      [
        '2025-04-01',
        'RJ1',
        "Guy's and St Thomas' NHS Foundation Trust",
        '8847',
        '299',
        '26',
        '1460',
        '4661',
        '19165',
      ],
      [
        '2025-04-01',
        'RGT',
        'Cambridge University Hospitals NHS Foundation Trust',
        '5000',
        '500',
        '50',
        '100',
        '200',
        '3000',
      ],
    ],
    cells: {
      count: range(3, 9).flatMap((column) => [[0, column] as [number, number]]),
      period: [
        [0, 0],
        [1, 0],
      ],
      code: [[1, 1]],
      text: [[0, 2]],
    },
    periods: ['0000-04-01', '9999-12-01', '2005-12-01', '2025-13-01', '2025-4'],
    required: ['Provider Code', 'Total Waiting List'],
  },
  {
    // The Provider sheet of the monthly web file saved as CSV: labels, then the header, then the Total row.
    format: 'dm01-provider-sheet',
    header: ['', 'Title:', 'Monthly Diagnostics'],
    rows: [
      ['', 'Period:', 'July 2025'],
      [
        '',
        'Regional Team Code',
        'Provider Code',
        'Provider Name',
        'Total Waiting List',
        'Number waiting 6+ Weeks',
        'Number waiting 13+ Weeks',
        'Planned tests / procedures',
        'Unscheduled tests / procedures',
        'Waiting list tests / procedures (excluding planned)',
      ],
      ['', '', '', 'Total', '1500', '300', '40', '30', '60', '900'],
      [
        '',
        'Y61',
        'RGT',
        'Cambridge University Hospitals NHS Foundation Trust',
        '1100',
        '200',
        '20',
        '10',
        '20',
        '300',
      ],
      ['', 'Y56', 'RJ1', "Guy's and St Thomas' NHS Foundation Trust", '400', '100', '20', '20', '40', '600'],
    ],
    cells: {
      count: [
        [3, 4],
        [4, 6],
        [4, 9],
      ],
      period: [[0, 2]],
      code: [[3, 2]],
      text: [[4, 3]],
    },
    periods: ['Summer 2025', 'Julyy 2025', '2025-07'],
    required: [],
  },
  {
    format: 'dm01-extract',
    header: DM01_EXTRACT_HEADER,
    rows: [
      [
        'DM01-MARCH-2026',
        'QUE',
        'RGT',
        'CAMBRIDGE UNIVERSITY HOSPITALS NHS FOUNDATION TRUST',
        ...Array.from({ length: 14 }, () => '1'),
        '14',
        '20',
        '3',
        '4',
      ],
      [
        'DM01-MARCH-2026',
        'QKK',
        'RJ1',
        "GUY'S AND ST THOMAS' NHS FOUNDATION TRUST",
        ...Array.from({ length: 14 }, () => '2'),
        '28',
        '30',
        '5',
        '6',
      ],
    ],
    // The first row sets the file's month: only the second is spoiled.
    cells: {
      count: [
        [0, 5],
        [1, 18],
        [1, 20],
      ],
      period: [[1, 0]],
      code: [[1, 2]],
      text: [[0, 3]],
    },
    periods: ['DM01-MARCH-0000', 'DM01-MARCH-9999', 'DM01-MARCHE-2026', '2026-03'],
    required: ['Provider Org Code', 'Total WL'],
  },
  {
    format: 'ambsys',
    header: AMBSYS_HEADER,
    rows: [
      [
        '2025',
        '8',
        'ENG',
        'England',
        ...[100, 5, 800, 80, 400, 240, 80, 80, 320].map(String),
        '400',
        '700',
        '1800',
        '3600',
        '5000',
        '9000',
      ],
      ambsysTrust('RX6', 'North East Ambulance Service NHS Foundation Trust', 1),
      ambsysTrust('RYA', 'West Midlands Ambulance Service University NHS Foundation Trust', 1),
    ],
    cells: {
      count: [
        [1, 6],
        [2, 8],
        [1, 12],
      ],
      number: [
        [1, 15],
        [2, 13],
      ],
      period: [
        [1, 0],
        [2, 0],
      ],
      code: [[2, 2]],
      text: [[1, 3]],
    },
    periods: ['0000', '9999', '2016', 'x2025'],
    required: ['org_code', 'A7', 'A31'],
  },
  {
    format: 'staff-survey',
    header: [
      'ods_code',
      'organisation_name',
      'benchmarking_group',
      'weighting',
      'Staff_Engagement_score',
      'Staff_Engagement_base',
      'PP3_2_score',
      'PP3_2_base',
    ],
    rows: [
      [
        'RGT',
        'Cambridge University Hospitals NHS Foundation Trust',
        'Acute Trusts',
        'Occupation Group',
        '7.1',
        '3000',
        '6.8',
        '2990',
      ],
      [
        'RYY',
        'Kent Community Health NHS Foundation Trust',
        'Community Trusts',
        'Occupation Group',
        '7.3',
        '1500',
        '',
        '',
      ],
    ],
    cells: {
      number: [
        [0, 4],
        [1, 4],
        [0, 6],
      ],
      count: [
        [0, 5],
        [1, 5],
      ],
      code: [[1, 0]],
      text: [[0, 1]],
    },
    periods: [],
    extraNumbers: ['10.5', '-1'],
    required: [],
  },
  {
    format: 'kh03-available',
    header: ['Organisation_Code', 'Sector', 'Number_Of_Beds', 'Effective_Snapshot_Date'],
    rows: [
      ['RGT', 'General & Acute', '1,013.5', '30/06/2024'],
      ['RJ1', 'Maternity', '120.25', '31/03/2009'],
    ],
    cells: {
      number: [
        [0, 2],
        [1, 2],
      ],
      date: [
        [0, 3],
        [1, 3],
      ],
      code: [[1, 0]],
      text: [[0, 1]],
    },
    periods: [],
    extraNumbers: ['-3'],
    required: ['Number_Of_Beds', 'Effective_Snapshot_Date'],
  },
  {
    format: 'kh03-by-trust',
    header: ['org_code', 'sector', 'quarter_end', 'beds_available', 'beds_occupied', 'source'],
    rows: [
      ['RGT', 'General & Acute', '2024-09-30', '900.5', '850.25', 'Beds-Q2.xlsx'],
      ['RJ1', 'Mental illness', '2025-06-30', '40', '38', 'Beds-Q1.xlsx'],
    ],
    cells: {
      number: [
        [0, 3],
        [1, 4],
      ],
      date: [
        [0, 2],
        [1, 2],
      ],
      code: [[0, 0]],
      text: [[1, 5]],
    },
    periods: [],
    extraNumbers: ['-3'],
    required: ['org_code', 'beds_occupied'],
  },
  {
    format: 'icb-practices-2025_2026',
    header: [
      'Practice_Code',
      'GP_Practice_Name',
      'ICB',
      'ICBname',
      'Population',
      'G&A WP',
      'CS WP',
      'MH WP',
      'Health Ineq WP',
      'Final WP',
    ],
    rows: [
      [
        'A81001',
        'THE DENSHAM SURGERY',
        'QOP',
        'NHS Greater Manchester ICB',
        '3928.02',
        '4873.2',
        '5185.2',
        '4503.4',
        '7290.3',
        '4908.8',
      ],
      [
        'A81002',
        'QUEENS PARK MEDICAL CENTRE',
        'QUE',
        'NHS Cambridgeshire and Peterborough ICB',
        '18818.3',
        '23860.7',
        '25765.6',
        '20797.5',
        '31034.1',
        '23312.1',
      ],
    ],
    cells: {
      number: [
        [0, 4],
        [1, 5],
        [1, 9],
      ],
      code: [
        [0, 0],
        [1, 2],
      ],
      text: [[0, 1]],
    },
    periods: [],
    extraNumbers: ['-1'],
    required: ['ICB', 'Population'],
  },
];

/** The base file of every format; each imports cleanly into the seeded store. */
export const baseFiles: readonly BaseFile[] = [
  {
    format: 'tidy-csv',
    header: TIDY_HEADER,
    rows: tidyRows,
    cells: {
      number: [
        [0, 3],
        [1, 3],
      ],
      count: [
        [0, 4],
        [0, 5],
        [3, 3],
      ],
      period: [
        [0, 2],
        [2, 2],
      ],
      code: [[1, 0]],
      text: [[1, 7]],
    },
    periods: ['0000-01', '0000-06-15', '9999-12', '2099-01', '1947-12', '2024-13', 'June 2024'],
    extraNumbers: ['150', '-20', '12.5'],
    required: ['org_code', 'metric_id', 'period', 'value'],
  },
  {
    format: 'tidy-xlsx',
    header: TIDY_HEADER,
    rows: tidyRows,
    cells: {
      number: [[1, 3]],
      count: [
        [0, 5],
        [3, 3],
      ],
      period: [[0, 2]],
      code: [[2, 0]],
      text: [[1, 7]],
    },
    periods: ['0000-01', '9999-12-31', '2024-13'],
    extraNumbers: ['150'],
    required: ['value'],
  },
  {
    format: 'ae-monthly',
    header: AE_MONTHLY_HEADER,
    rows: [...aeMonthlyRows, aeMonthlyTotal],
    cells: {
      count: range(4, 22).flatMap((column) => [
        [0, column] as [number, number],
        [1, column] as [number, number],
      ]),
      period: [
        [0, 0],
        [1, 0],
      ],
      code: [[1, 1]],
      text: [[0, 3]],
    },
    periods: ['MSitAE-JUNE-0000', 'MSitAE-JUNE-9999', 'MSitAE-JUNO-2024', 'MSitAE-JUNE-2009', '2024-06'],
    required: ['Org Code', 'A&E attendances Type 2'],
  },
  {
    format: 'ae-history',
    header: [
      'period',
      'org_code',
      'org_name',
      'region',
      'att_type1',
      'att_type2',
      'att_type3',
      'over4h_type1',
      'over4h_type2',
      'over4h_type3',
      'emerg_adm_via_type1',
      'emerg_adm_via_type2',
      'emerg_adm_via_type3_4',
      'emerg_adm_other',
      'dta_over_4h',
      'dta_over_12h',
      'system_name',
    ],
    rows: [
      [
        '2024-06-01',
        'RGT',
        'Cambridge University Hospitals NHS Foundation Trust',
        'East of England',
        '10664',
        '0',
        '6525',
        '5207',
        '0',
        '89',
        '2535',
        '0',
        '31',
        '432',
        '1097',
        '648',
        'NHS Cambridgeshire and Peterborough ICB',
      ],
      [
        '2024-06-01',
        'RJ1',
        "Guy's and St Thomas' NHS Foundation Trust",
        'London',
        '10382',
        '739',
        '6688',
        '4003',
        '0',
        '264',
        '2114',
        '0',
        '0',
        '194',
        '168',
        '72',
        'NHS South East London ICB',
      ],
    ],
    cells: {
      count: range(4, 16).flatMap((column) => [
        [0, column] as [number, number],
        [1, column] as [number, number],
      ]),
      period: [
        [0, 0],
        [1, 0],
      ],
      code: [[0, 1]],
      text: [[1, 2]],
    },
    periods: ['0000-06-01', '9999-12-01', '2099-01-01', '2009-12-01', '2024-06', '2024-13-01'],
    required: ['org_code', 'att_type1', 'dta_over_12h'],
  },
  {
    format: 'nof-data',
    header: NOF_DATA_HEADER,
    rows: [
      [
        'Q1 2025/26',
        'South East',
        'Mental health and community trust',
        'Community',
        'RYY',
        'Kent Community Health NHS Foundation Trust',
        'Access to services',
        'Elective care',
        'OF0005',
        'Percentage of patients waiting over 52 weeks for community services',
        'Jun-25',
        '%',
        '0.67',
        '0.7',
        '0.01',
        '6.32',
        '20.0',
      ],
      [
        'Q1 2025/26',
        'South East',
        'Mental health and community trust',
        'Community',
        'RYY',
        'Kent Community Health NHS Foundation Trust',
        'Access to services',
        'Elective care',
        'OF1005',
        'Percentage of patients waiting over 52 weeks for community services: score',
        'Jun-25',
        'score',
        '2',
        '2',
        '1',
        '3',
        '20.0',
      ],
    ],
    cells: {
      number: [
        [0, 12],
        [0, 13],
        [1, 14],
        [1, 15],
        [0, 16],
      ],
      period: [
        [0, 0],
        [1, 0],
      ],
      code: [[1, 4]],
      text: [[0, 5]],
    },
    periods: ['Q1 0000/01', 'Q1 2099/00', 'Q5 2025/26', 'Q1 2024/25', 'Q1 2025/27'],
    extraNumbers: [],
    required: ['Value', 'Trust_code'],
  },
  {
    format: 'nof-league',
    header: NOF_LEAGUE_HEADER,
    rows: [
      [
        'Q2 2025/26',
        'South East',
        'Mental health and community trust',
        'Community',
        'RYY',
        'Kent Community Health NHS Foundation Trust',
        '1.53',
        '1.2 to 1.89',
        '1.0',
        'No',
        '1.0',
        '1 to 11',
      ],
      [
        'Q2 2025/26',
        'East of England',
        'Acute trust',
        'Teaching',
        'RGT',
        'Cambridge University Hospitals NHS Foundation Trust',
        '2.1',
        '1.8 to 2.4',
        '2.0',
        'Yes',
        '4.0',
        '2 to 7',
      ],
    ],
    cells: {
      number: [
        [0, 6],
        [1, 8],
        [0, 10],
      ],
      period: [[1, 0]],
      code: [[0, 4]],
      text: [[1, 5]],
    },
    periods: ['Q1 0000/01', 'Q1 2099/00', 'Q5 2025/26', 'Q1 2024/25'],
    extraNumbers: ['0.5', '-1'],
    required: ['Average_score', 'Likely_range_of_rank'],
  },
  {
    format: 'lookup',
    header: [
      'org_code',
      'org_name',
      'nhse_region_code',
      'nhse_region_name',
      'icb_code_ods_hlhg',
      'icb_name_for_code_if_unambiguous',
      'icb_name_nhse_ae_jun2024',
      'postcode',
      'open_date',
      'close_date',
    ],
    rows: [
      [
        'R0A',
        'MANCHESTER UNIVERSITY NHS FOUNDATION TRUST',
        'Y62',
        'North West',
        'QOP',
        'NHS Greater Manchester Integrated Care Board',
        'NHS Greater Manchester Integrated Care Board',
        'M13 9WL',
        '20171001',
        '',
      ],
      [
        'RGT',
        'CAMBRIDGE UNIVERSITY HOSPITALS NHS FOUNDATION TRUST',
        'Y61',
        'East of England',
        'QUE',
        'NHS Cambridgeshire and Peterborough Integrated Care Board',
        'NHS Cambridgeshire and Peterborough Integrated Care Board',
        'CB2 0QQ',
        '19930401',
        '',
      ],
    ],
    cells: {
      date: [
        [0, 8],
        [1, 8],
        [1, 9],
      ],
      code: [[1, 0]],
      text: [[0, 1]],
    },
    periods: [],
    required: ['org_code', 'icb_code_ods_hlhg'],
  },
  {
    format: 'ods-etr',
    header: null,
    quoteAll: true,
    rows: [
      odsRow('RGT', 'CAMBRIDGE UNIVERSITY HOSPITALS NHS FOUNDATION TRUST', 'Y61', 'QUE', '19930401'),
      odsRow('RJ1', "GUY'S AND ST THOMAS' NHS FOUNDATION TRUST", 'Y56', 'QKK', '19930401'),
      odsRow('RYY', 'KENT COMMUNITY HEALTH NHS FOUNDATION TRUST', 'Y59', 'QKS', '20101101'),
    ],
    // The first row is how the format is recognised: only later rows are spoiled.
    cells: {
      date: [
        [1, 10],
        [2, 10],
        [2, 11],
      ],
      code: [[2, 0]],
      text: [[1, 1]],
    },
    periods: [],
    required: [],
  },
  ...publicationBaseFiles,
];

const csvCell = (cell: string, quoteAll: boolean) =>
  quoteAll || /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;

function csvText(base: BaseFile, rows: string[][], header: string[] | null = base.header): string {
  const lines = [...(header ? [header] : []), ...rows].map((cells) =>
    cells.map((cell) => csvCell(cell, base.quoteAll ?? false)).join(','),
  );
  return `${lines.join('\n')}\n`;
}

const xmlText = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** A workbook cell: text inline, a number as a number, a formula with or without a saved value. */
type WorkbookCell = string | number | { formula: string; result?: number };

function workbookBytes(
  rows: WorkbookCell[][],
  options: { state?: 'hidden' | 'veryHidden'; raw?: (rowNumber: number) => string } = {},
): Buffer {
  return oneSheetWorkbook(
    function* () {
      for (const [index, cells] of rows.entries()) {
        const rowNumber = index + 1;
        const xml = cells
          .map((cell, column) => {
            const reference = `${letter(column)}${rowNumber}`;
            if (typeof cell === 'number') return `<c r="${reference}"><v>${cell}</v></c>`;
            if (typeof cell === 'object')
              return `<c r="${reference}"><f>${xmlText(cell.formula)}</f>${cell.result === undefined ? '' : `<v>${cell.result}</v>`}</c>`;
            return cell === ''
              ? ''
              : `<c r="${reference}" t="inlineStr"><is><t>${xmlText(cell)}</t></is></c>`;
          })
          .join('');
        yield `<row r="${rowNumber}">${xml}${options.raw?.(rowNumber) ?? ''}</row>`;
      }
    },
    { state: options.state },
  );
}

/** The base file's bytes, unspoiled. */
export function baseContent(base: BaseFile): Buffer {
  if (base.format === 'tidy-xlsx') return workbookBytes([base.header ?? [], ...base.rows]);
  return Buffer.from(csvText(base, base.rows));
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)];

/**
 * Every hostile file of a run: for each format, one file per hostile value of each kind of cell
 * (the cell drawn from `seed`), and the file-level spoilings. Over a hundred in all.
 */
export function hostileFiles(seed: number): HostileFile[] {
  const random = seededRandom(seed);
  const files: HostileFile[] = [];
  for (const base of baseFiles) {
    const headerRows = base.header ? 1 : 0;
    const xlsx = base.format === 'tidy-xlsx';
    const extension = xlsx ? 'xlsx' : 'csv';
    let serial = 0;
    const add = (mutation: string, content: Buffer, row: number | null, column: string | null) => {
      serial++;
      files.push({
        name: `${base.format}-${String(serial).padStart(2, '0')}-${mutation.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.${extension}`,
        format: base.format,
        mutation,
        content,
        row,
        column,
      });
    };
    const spoilCell = (kind: Kind, value: string) => {
      const cells = base.cells[kind];
      if (!cells?.length) return;
      const [rowIndex, column] = pick(random, cells);
      const rows = base.rows.map((cells) => [...cells]);
      rows[rowIndex][column] = value;
      const content = xlsx ? workbookBytes([base.header ?? [], ...rows]) : Buffer.from(csvText(base, rows));
      add(`${kind} ${value === '' ? 'empty' : value}`, content, rowIndex + 1 + headerRows, letter(column));
    };

    for (const value of [...HOSTILE_NUMBERS, ...(base.extraNumbers ?? [])]) spoilCell('number', value);
    for (const value of HOSTILE_COUNTS) spoilCell('count', value);
    for (const value of base.periods) spoilCell('period', value);
    for (const value of HOSTILE_DATES) spoilCell('date', value);
    for (const value of ['', 'R X1']) spoilCell('code', value);

    if (xlsx) {
      const table: WorkbookCell[][] = [base.header ?? [], ...base.rows];
      const withCell = (rowIndex: number, column: number, cell: WorkbookCell) =>
        table.map((cells, index) =>
          index === rowIndex + 1 ? cells.map((old, at) => (at === column ? cell : old)) : cells,
        );
      add('formula without a value', workbookBytes(withCell(1, 3, { formula: 'E3/F3*100' })), 3, 'D');
      add('number cell 1e309', workbookBytes(withCell(0, 3, Number.POSITIVE_INFINITY)), 2, 'D');
      add('only sheet hidden', workbookBytes(table, { state: 'hidden' }), null, null);
      add('only sheet very hidden', workbookBytes(table, { state: 'veryHidden' }), null, null);
      add('cell longer than 32767', workbookBytes(withCell(2, 7, 'x'.repeat(40_000))), 4, 'H');
      add(
        'value beyond column IV',
        workbookBytes(table, {
          raw: (rowNumber) => (rowNumber === 3 ? `<c r="IZ${rowNumber}"><v>1</v></c>` : ''),
        }),
        3,
        'IZ',
      );
      const good = workbookBytes(table);
      add('archive cut short', good.subarray(0, good.length - 100), null, null);
      add(
        'not utf-8 inside',
        oneSheetWorkbook(function* () {
          yield '<row r="1"><c r="A1" t="inlineStr"><is><t>org_code</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>';
          yield Buffer.from([0x52, 0xe9, 0x47]); // "RéG" with é in Latin-1
          yield '</t></is></c></row>';
        }),
        null,
        null,
      );
      add('workbook bomb', bigCellBomb(70), null, null);
      continue;
    }

    // Bytes and quotes, in a cell drawn at random.
    const textCells = [...(base.cells.text ?? []), ...(base.cells.code ?? [])];
    for (const spoil of ['nul', 'latin1', 'stray quote', 'unclosed quote'] as const) {
      const [rowIndex, column] = pick(random, textCells);
      const rows = base.rows.map((cells) => [...cells]);
      const lines = csvText(base, rows).split('\n');
      const fields = splitFields(lines[rowIndex + headerRows]);
      const field = fields[column];
      // \u0001 stands for the Latin-1 byte until the text is bytes.
      if (spoil === 'nul') fields[column] = field.replace(/^("?)(.)/, '$1$2\u0000');
      else if (spoil === 'latin1') fields[column] = field.replace(/^("?)(.)/, '$1$2\u0001');
      else if (spoil === 'stray quote')
        fields[column] = base.quoteAll ? `${field.slice(0, -1)}"x"` : `${field} "x" y`;
      else fields[column] = `"${field}`;
      lines[rowIndex + headerRows] = fields.join(',');
      const content = Buffer.from(lines.join('\n'), 'utf8');
      if (spoil === 'latin1') content[content.indexOf(1)] = 0xe9; // é in Latin-1
      // A NUL is named by its cell; within the first 64 KiB a Latin-1 byte refuses the whole file (it is
      // in the wrong encoding); quotes name the row.
      add(
        spoil,
        content,
        spoil === 'latin1' ? null : rowIndex + 1 + headerRows,
        spoil === 'nul' ? letter(column) : null,
      );
    }
    // A record longer than Tend reads in one row.
    {
      const [rowIndex, column] = pick(random, base.cells.text ?? []);
      const rows = base.rows.map((cells) => [...cells]);
      rows[rowIndex][column] = 'x'.repeat(1_100_000);
      add('record over 1 MiB', Buffer.from(csvText(base, rows)), rowIndex + 1 + headerRows, null);
    }
    // A required column missing from the header.
    if (base.header && base.required.length > 0) {
      const dropped = pick(random, base.required);
      const at = base.header.indexOf(dropped);
      add(
        `missing column ${dropped}`,
        Buffer.from(
          csvText(
            base,
            base.rows.map((cells) => cells.filter((_, index) => index !== at)),
            base.header.filter((_, index) => index !== at),
          ),
        ),
        1,
        null,
      );
    }
  }
  // Whole files that are not CSV text at all.
  files.push(
    {
      name: 'empty.csv',
      format: 'any',
      mutation: 'empty',
      content: Buffer.alloc(0),
      row: null,
      column: null,
    },
    {
      name: 'bom-only.csv',
      format: 'any',
      mutation: 'byte-order mark only',
      content: Buffer.from([0xef, 0xbb, 0xbf]),
      row: null,
      column: null,
    },
    {
      name: 'random-bytes.csv',
      format: 'any',
      mutation: 'random bytes',
      content: Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256))),
      row: null,
      column: null,
    },
  );
  return files;
}

/** The fields of one CSV line, quotes kept (no field here holds a comma inside quotes). */
function splitFields(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (const character of line) {
    if (character === '"') quoted = !quoted;
    if (character === ',' && !quoted) {
      fields.push(current);
      current = '';
    } else current += character;
  }
  fields.push(current);
  return fields;
}
