import type { MetricCandidates } from '../../../app/directory/candidates.ts';
import { candidateView } from '../../../app/directory/candidates.ts';
import type { DirectoryCoverage } from '../../../app/directory/coverage.ts';
import type { EntryDetail, EntrySummary } from '../../../app/directory/read.ts';
import {
  consentScopeLabels,
  consentScopes,
  entrySourceLabels,
  entryStateLabels,
  outcomeLabels,
  outcomes,
} from '../../../domain/improvement.ts';
import { candidateReasonText } from '../../../engines/directory/candidates.ts';
import { cell, type DataTable } from '../../data-table.ts';

/**
 * The improvement directory's view models: search results, one entry with the forms its reader may
 * use, the coverage table and the candidates table (each with its CSV from the same description).
 */

export type FormValues = Record<string, string>;

const percent = (share: number | null) =>
  share === null ? 'No open concerns' : `${(share * 100).toFixed(0)}%`;

/** An entry in a list of results. */
export function presentSummary(entry: EntrySummary) {
  return {
    ...entry,
    stateLabel: entryStateLabels[entry.state],
    excerpt: entry.whatTheyDid.length > 280 ? `${entry.whatTheyDid.slice(0, 277)}…` : entry.whatTheyDid,
  };
}

/** The entry page's view model. */
export function presentEntry(detail: EntryDetail, signedIn: boolean) {
  const { entry } = detail;
  return {
    pageName: entry.title,
    entry: {
      id: entry.id,
      title: entry.title,
      state: detail.state,
      stateLabel: entryStateLabels[detail.state],
      sourceLabel: entrySourceLabels[entry.source],
      orgCode: entry.org_code,
      orgName: entry.org_name,
      orgHref: `/organisations/${encodeURIComponent(entry.org_code)}`,
      periodStart: entry.period_start ? String(entry.period_start).slice(0, 10) : null,
      periodEnd: entry.period_end ? String(entry.period_end).slice(0, 10) : null,
      effort: entry.effort,
      resources: entry.resources,
      version: entry.version,
      isExample: entry.is_example,
      withdrawnReason: entry.withdrawn_reason,
      publishedOn: entry.published_at ? entry.published_at.toISOString().slice(0, 10) : null,
    },
    metrics: detail.metrics.map((metric) => ({
      id: metric.metric_id,
      name: metric.metric_name,
      chartHref: `/organisations/${encodeURIComponent(entry.org_code)}/metrics/${encodeURIComponent(metric.metric_id)}`,
      metricHref: `/metrics/${encodeURIComponent(metric.metric_id)}`,
    })),
    current: detail.versions[0] ?? null,
    earlier: detail.versions.slice(1).map((version) => ({
      version: version.version,
      whatTheyDid: version.what_they_did,
      whatDidNotWork: version.what_did_not_work,
      writtenOn: version.written_at.toISOString().slice(0, 10),
    })),
    contacts: detail.contacts.map((contact) => ({
      ...contact,
      consentLabel: consentScopeLabels[contact.consentScope],
      emailHidden: contact.email === null,
    })),
    changeIdeas: detail.changeIdeas.map((idea) => ({
      id: idea.id,
      name: idea.name,
      summary: idea.summary,
      href: `/improvement?idea=${idea.id}`,
    })),
    adoptions: detail.adoptions.map((adoption) => ({
      orgName: adoption.org_name,
      orgCode: adoption.org_code,
      adoptedOn: String(adoption.adopted_on).slice(0, 10),
      howItWent: adoption.how_it_went,
      outcome: adoption.outcome ? outcomeLabels[adoption.outcome] : 'Not yet recorded',
    })),
    evidence: detail.evidence.map((item) => ({
      metricId: item.metricId,
      svg: item.svg,
      summary: item.summary,
      frozenOn: item.frozenAt.slice(0, 10),
      points: item.points,
    })),
    may: detail.may,
    signedIn,
    consentChoices: consentScopes.map((scope) => ({ value: scope, text: consentScopeLabels[scope] })),
    outcomeChoices: outcomes.map((outcome) => ({ value: outcome, text: outcomeLabels[outcome] })),
    actionsBase: `/improvement/entries/${entry.id}`,
  };
}

/** The coverage table: one row per metric that is scored or has concerns. */
export function coverageTable(coverage: DirectoryCoverage): DataTable {
  return {
    id: 'coverage',
    caption: 'Published entries per metric against the goal of three',
    fileName: 'tend-directory-coverage',
    columns: [
      { label: 'Metric', sort: true },
      { label: 'Metric id', csvOnly: true },
      { label: 'Scored', sort: true },
      { label: 'Open concerns', numeric: true, sort: true },
      { label: 'Published entries', numeric: true, sort: true },
      { label: 'Gap to three', numeric: true, sort: 'descending' },
      { label: 'Candidates to ask' },
      { label: 'Concerns with three offers of help', numeric: true, sort: true },
    ],
    rows: coverage.metrics.map((metric) => ({
      key: metric.metricId,
      cells: [
        cell(metric.metricName, { href: `/improvement?metric=${encodeURIComponent(metric.metricId)}` }),
        cell(metric.metricId),
        cell(metric.scored ? 'Yes' : 'No'),
        cell(metric.openConcerns),
        cell(metric.publishedEntries),
        cell(metric.gap),
        cell(
          metric.gap === 0
            ? 'Goal met'
            : metric.candidateCount === 0
              ? 'None found yet'
              : `${metric.candidates.map((candidate) => candidate.name).join(', ')}${metric.candidateCount > metric.candidates.length ? ` and ${metric.candidateCount - metric.candidates.length} more` : ''}`,
          {
            href:
              metric.gap > 0 && metric.candidateCount > 0
                ? `/improvement/candidates?metric=${encodeURIComponent(metric.metricId)}`
                : undefined,
            csv: metric.candidates.map((candidate) => candidate.code).join(' '),
          },
        ),
        cell(metric.concernsWithThreeOffers),
      ],
    })),
  };
}

/** The coverage page's headline figures. */
export function coverageSummary(coverage: DirectoryCoverage) {
  return {
    goal: coverage.goal,
    openConcerns: coverage.openConcerns,
    concernsWithThreeOffers: coverage.concernsWithThreeOffers,
    share: percent(coverage.shareWithThreeOffers),
    metricsMeetingGoal: coverage.metricsMeetingGoal,
    metricCount: coverage.metrics.length,
  };
}

/** The candidates table of one metric: public suggestions, never contact details. */
export function candidatesTable(found: MetricCandidates): DataTable {
  return {
    id: 'candidates',
    caption: `Candidates for ${found.metric.name} – not yet confirmed`,
    fileName: `tend-directory-candidates-${found.metric.id}`,
    columns: [
      { label: 'Organisation', sort: true },
      { label: 'Code', csvOnly: true },
      { label: 'Why', sort: true },
      { label: 'Improvement' },
      { label: 'Relative improvement', numeric: true, sort: 'descending' },
      { label: 'Status' },
    ],
    rows: found.candidates.map((candidate) => {
      const view = candidateView(found, candidate);
      return {
        key: candidate.code,
        cells: [
          cell(candidate.name, {
            href: `/organisations/${encodeURIComponent(candidate.code)}/metrics/${encodeURIComponent(found.readOn.id)}`,
          }),
          cell(candidate.code),
          cell(candidate.reasons.map((reason) => candidateReasonText[reason]).join('; ')),
          cell(view.summary),
          cell(
            candidate.relativeImprovement === null
              ? '–'
              : `${(candidate.relativeImprovement * 100).toFixed(1)}%`,
            { sortValue: candidate.relativeImprovement ?? 0, csv: candidate.relativeImprovement },
          ),
          cell('Candidate – not yet confirmed'),
        ],
      };
    }),
  };
}
