import { parseQuarterLabel } from '../../domain/quarter.ts';
import { nof202526 } from './nof-2025-26.ts';
import { nof202627 } from './nof-2026-27.ts';
import type { FrameworkDefinition, MetricDefinition } from './types.ts';

/** Every framework year Tend knows, by id. */
export const frameworks: Readonly<Record<string, FrameworkDefinition>> = {
  [nof202526.id]: nof202526,
  [nof202627.id]: nof202627,
};

/**
 * The framework definition for an id (`nof-2025-26`), or for a definition passed straight through.
 *
 * @throws `invalid framework: <id>` for an id Tend does not know
 */
export function getFramework(framework: FrameworkDefinition | string): FrameworkDefinition {
  if (typeof framework !== 'string') return framework;
  const found = frameworks[framework];
  if (!found) throw new Error(`invalid framework: ${framework}`);
  return found;
}

/** The framework whose year holds a quarter label ("Q4 2025/26" → nof-2025-26), or undefined. */
export function frameworkForQuarter(quarterLabel: string): FrameworkDefinition | undefined {
  const year = parseQuarterLabel(quarterLabel)?.year;
  return Object.values(frameworks).find((framework) => framework.year === year);
}

/** The metric with a value id (`OF0082`) or score id (`OF1082`), or undefined. */
export function findMetric(framework: FrameworkDefinition, id: string): MetricDefinition | undefined {
  return framework.metrics.find((metric) => metric.id === id || metric.scoreId === id);
}
