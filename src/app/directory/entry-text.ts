import type { FrozenEvidence } from '../../store/improvement-tables.ts';

/** What an entry says of its improvement, in plain English: its frozen chart's summary for the metric, else its period. */
export function entryImprovementText(
  entry: {
    evidence: FrozenEvidence[] | null;
    period_start: string | null;
    period_end: string | null;
  },
  metricId: string,
): string {
  const evidence = entry.evidence?.find((item) => item.metricId === metricId) ?? entry.evidence?.[0];
  if (evidence?.summary) return evidence.summary;
  if (entry.period_start && entry.period_end) return `between ${entry.period_start} and ${entry.period_end}`;
  return 'see the entry for what changed';
}
