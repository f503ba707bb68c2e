import {
  type CapabilityAssessmentView,
  type CapabilityHistory,
  capabilityField,
  latestCapabilityFor,
} from '../../../app/capability/capability.ts';
import type { UseCaseContext } from '../../../app/context.ts';
import {
  capabilityComponentLabels,
  capabilityComponents,
  capabilityLevelLabels,
  capabilityLevels,
} from '../../../domain/capability.ts';
import { errorsByField, type FieldError } from '../../forms.ts';
import { longDate } from '../inquiries/present.ts';

/**
 * View models of the NHS IMPACT capability self-assessment pages: the latest assessment with its
 * history, the form to record a new one, and the organisation page's section — always shown apart
 * from the Oversight Framework segment, which it never changes.
 */

export type FormValues = Record<string, string>;

export function capabilityPath(orgCode: string): string {
  return `/organisations/${encodeURIComponent(orgCode)}/capability`;
}

/** One assessment as the pages show it (`assessmentItem`). */
export function assessmentItem(assessment: CapabilityAssessmentView) {
  return {
    id: assessment.id,
    assessedOn: longDate(assessment.assessedOn),
    recordedBy: assessment.recordedBy,
    isExample: assessment.isExample,
    ratings: assessment.ratings.map((rating) => ({
      componentLabel: rating.componentLabel,
      level: rating.level,
      levelLabel: rating.levelLabel,
      evidence: rating.evidence,
      supportAsked: rating.supportAsked,
    })),
  };
}

/** The latest assessment and the history (`presentCapability`). */
export function presentCapability(history: CapabilityHistory) {
  return {
    pageName: `Capability (self-assessed) – ${history.org.name}`,
    org: { ...history.org, href: `/organisations/${encodeURIComponent(history.org.code)}` },
    latest: history.latest ? assessmentItem(history.latest) : null,
    earlier: history.history.slice(1).map(assessmentItem),
    mayWrite: history.may.write,
    newHref: `${capabilityPath(history.org.code)}/new`,
  };
}

/** The form to record a new self-assessment (`presentNewCapability`), prefilled from the latest. */
export function presentNewCapability(
  history: CapabilityHistory,
  options: { values?: FormValues; errors?: FieldError[]; today: string },
) {
  const errors = options.errors ?? [];
  const prefill: FormValues = { assessedOn: options.today };
  for (const rating of history.latest?.ratings ?? []) {
    prefill[capabilityField(rating.component, 'level')] = String(rating.level);
    prefill[capabilityField(rating.component, 'evidence')] = rating.evidence;
    prefill[capabilityField(rating.component, 'support')] = rating.supportAsked ?? '';
  }
  const values = options.values ?? prefill;
  return {
    pageName: `New capability self-assessment – ${history.org.name}`,
    org: { ...history.org, href: `/organisations/${encodeURIComponent(history.org.code)}` },
    action: capabilityPath(history.org.code),
    components: capabilityComponents.map((component) => ({
      label: capabilityComponentLabels[component],
      level: capabilityField(component, 'level'),
      evidence: capabilityField(component, 'evidence'),
      support: capabilityField(component, 'support'),
      levels: capabilityLevels.map((level) => ({
        value: String(level),
        text: `${level} – ${capabilityLevelLabels[level]}`,
        checked: values[capabilityField(component, 'level')] === String(level),
      })),
    })),
    values,
    errors,
    fieldErrors: errorsByField(errors),
  };
}

/**
 * The organisation page's capability section (`capabilitySectionFor`): the latest self-assessment for
 * those who may read it (the organisation's people and those who oversee it), nothing for anyone else.
 */
export async function capabilitySectionFor(context: UseCaseContext, orgCode: string) {
  const latest = await latestCapabilityFor(context, orgCode);
  if (latest === undefined) return { capability: null };
  return {
    capability: { href: capabilityPath(orgCode), latest: latest ? assessmentItem(latest) : null },
  };
}
