import type { Kysely } from 'kysely';
import { cachedAssessment, nofQuarters, rememberUntilNextImport } from '../../../app/assessment-cache.ts';
import { coverageFromStore } from '../../../app/nof-coverage.ts';
import { previousQuarterLabel, segmentChanges } from '../../../engines/nof/index.ts';
import type { Database } from '../../../store/tables.ts';
import { cell, type DataTable } from '../../data-table.ts';
import { frameworkForQuarter } from '../league-tables/present.ts';

const verdictText = {
  signal: 'Signal: more than its likely range explains',
  noise: 'Noise: within its likely range',
  'not-tested': 'Not tested: no likely range',
} as const;

const twoPlaces = (value: number) => value.toFixed(2);

/**
 * The national "what changed this quarter" page: every trust whose segment changed since the
 * previous quarter, with the organisation page's signal-or-noise test on its average. Quarters are
 * those held with a previous quarter also held; `quarter` defaults to the latest of them. Returns
 * `found: false` with the quarters it can show when `quarter` is not one of them.
 */
export function presentChanges(db: Kysely<Database>, quarter: string | undefined) {
  return rememberUntilNextImport(db, `changes|${quarter ?? ''}`, () => buildChanges(db, quarter));
}

async function buildChanges(db: Kysely<Database>, wanted: string | undefined) {
  const held = await nofQuarters(db);
  const quarters = held.filter((quarter) => held.includes(previousQuarterLabel(quarter)));
  const quarter = wanted ?? quarters[0];
  if (!quarter || !quarters.includes(quarter))
    return {
      found: false as const,
      quarters,
      message:
        quarters.length === 0
          ? 'Tend holds no two consecutive quarters of NHS Oversight Framework data, so there are no changes to show.'
          : `Tend cannot show changes for "${(wanted ?? '').slice(0, 20)}". It can show ${quarters.join(', ')}.`,
    };
  const previousQuarter = previousQuarterLabel(quarter);
  const current = await cachedAssessment(db, { framework: frameworkForQuarter(quarter), quarter });
  const previous = await cachedAssessment(db, {
    framework: frameworkForQuarter(previousQuarter),
    quarter: previousQuarter,
  });
  const changes = segmentChanges(current, previous);
  const count = (verdict: keyof typeof verdictText) =>
    changes.filter((row) => row.change.verdict === verdict).length;
  const table: DataTable = {
    id: 'segment-changes',
    caption: `Segment changes from ${previousQuarter} to ${quarter}`,
    fileName: `tend-segment-changes-${quarter}`,
    stackOnPhone: true,
    columns: [
      { label: 'Trust', sort: true },
      { label: 'ODS code', csvOnly: true },
      { label: 'Type', sort: true },
      { label: `Segment in ${previousQuarter}`, numeric: true, sort: true },
      { label: `Segment in ${quarter}`, numeric: true, sort: true },
      { label: 'Direction', sort: true },
      { label: `Average in ${previousQuarter}`, numeric: true, sort: true },
      { label: `Average in ${quarter}`, numeric: true, sort: true },
      { label: `Likely range of average in ${quarter}`, hint: "Tend's own estimate" },
      { label: 'Signal or noise', sort: true },
    ],
    rows: changes.map(({ code, name, organisationTypeLabel, change }) => {
      const better = (change.currentSegment ?? 0) < (change.previousSegment ?? 0);
      return {
        key: code,
        cells: [
          cell(name, {
            href: `/organisations/${encodeURIComponent(code)}?quarter=${encodeURIComponent(quarter)}`,
            note: `(${code})`,
          }),
          cell(code),
          cell(organisationTypeLabel),
          cell(change.previousSegment ?? ''),
          cell(change.currentSegment ?? ''),
          cell(better ? 'Better segment' : 'Worse segment'),
          cell(twoPlaces(change.previousAverage), {
            sortValue: change.previousAverage,
            csv: change.previousAverage,
          }),
          cell(twoPlaces(change.currentAverage), {
            sortValue: change.currentAverage,
            csv: change.currentAverage,
          }),
          cell(
            change.likelyRange
              ? `${twoPlaces(change.likelyRange[0])} to ${twoPlaces(change.likelyRange[1])}`
              : 'Not computed',
          ),
          cell(verdictText[change.verdict], { csv: change.verdict }),
        ],
      };
    }),
  };
  return {
    found: true as const,
    quarter,
    previousQuarter,
    quarters,
    changeCount: changes.length,
    signalCount: count('signal'),
    noiseCount: count('noise'),
    notTestedCount: count('not-tested'),
    table,
    coverage: await coverageFromStore(db),
  };
}
