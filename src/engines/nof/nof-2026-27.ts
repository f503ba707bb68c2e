import { nof202526CombinedFinance, nof202526Metrics, nofDomains } from './nof-2025-26.ts';
import type { FrameworkDefinition } from './types.ts';

/**
 * NHS Oversight Framework 2026/27, as far as it is known: provisional configuration.
 *
 * NHS England's 2026/27 methodology manual (introduction only reachable) says providers and
 * ICBs are both scored on a focused metric set and segmented, and that the average metric score
 * becomes a segment "using defined thresholds" instead of quartiles, followed by an adjustment.
 * The threshold values and the metric list were not published when this was written, so the
 * thresholds (1.5, 2.5, 3.5) and the 2025/26 metric list stand in and are marked provisional.
 * Replace them when NHS England publishes the technical annex.
 */
export const nof202627: FrameworkDefinition = {
  id: 'nof-2026-27',
  year: '2026/27',
  name: 'NHS Oversight Framework 2026/27 (provisional)',
  status: 'provisional',
  sources: ['NHS England, NHS Oversight Framework 2026/27 – methodology manual (introduction and overview)'],
  organisationTypes: ['acute', 'mental-health-and-community', 'ambulance', 'icb'],
  segmentedOrganisationTypes: ['acute', 'mental-health-and-community', 'ambulance', 'icb'],
  organisationTypeLabels: {
    acute: 'Acute trust',
    'mental-health-and-community': 'Mental health and community trust',
    ambulance: 'Ambulance trust',
    icb: 'Integrated care board',
  },
  // Provisional: the 2025/26 trust counts and the 42 ICBs; mergers will change them.
  organisationCounts: { acute: 134, 'mental-health-and-community': 61, ambulance: 10, icb: 42 },
  domains: nofDomains,
  metrics: nof202526Metrics,
  combinedFinance: nof202526CombinedFinance,
  segmentation: { method: 'fixed-thresholds', thresholds: [1.5, 2.5, 3.5], provenance: 'provisional' },
  publishedCutPoints: {},
  financialOverride: { cap: 3, provenance: 'provisional' },
  summaryIds: {
    adjustedSegment: 'OF5000',
    averageMetricScore: 'OF5002',
    unadjustedSegment: 'OF5003',
    financialOverride: 'OF5004',
    finalSegment: 'OF5005',
    recoverySupportProgramme: 'OF5007',
  },
  notes: [
    'Provisional: the fixed thresholds, the metric list (including ICB metrics) and the adjustment step are placeholders until NHS England publishes them.',
    'Applied to 2025/26 scores, thresholds of 1.5, 2.5 and 3.5 would put no mental health or community trust in segment 1 or 4 in any quarter.',
  ],
};
