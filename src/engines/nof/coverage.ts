import type { FrameworkDefinition, OrganisationType } from './types.ts';

/** NHS England's page of segmentation results and league tables, for every trust type. */
export const nhsEnglandLeagueTablesHref =
  'https://www.england.nhs.uk/nhs-oversight-framework/segmentation-and-league-tables/';

export interface NofCoverage {
  /** Segmented trust types Tend holds data for, as NHS England names them. */
  readonly held: readonly string[];
  /** Segmented trust types Tend holds no data for. */
  readonly missing: readonly string[];
  /** Quarters held, latest first. */
  readonly quarters: readonly string[];
  /** One plain-English paragraph: what is covered, what is not, and where the rest is. */
  readonly statement: string;
  readonly publicationHref: string;
}

const plural = (label: string) => `${label.charAt(0).toLowerCase()}${label.slice(1)}s`;

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * What Tend's Oversight Framework pages cover: the trust types the framework segments that the
 * store holds, those it does not, and the quarters held, in one statement with a link to NHS
 * England's own publication of every trust type.
 *
 * @param framework the framework whose segmented types are listed
 * @param heldTypes the organisation types with Oversight Framework data in the store
 * @param quarters quarter labels held, latest first
 * @example
 * nofCoverage(nof202526, ['mental-health-and-community'], ['Q4 2025/26']).missing; // => ['Acute trust', 'Ambulance trust']
 */
export function nofCoverage(
  framework: FrameworkDefinition,
  heldTypes: readonly OrganisationType[],
  quarters: readonly string[],
): NofCoverage {
  const segmented = framework.segmentedOrganisationTypes;
  const held = segmented.filter((type) => heldTypes.includes(type));
  const missing = segmented.filter((type) => !heldTypes.includes(type));
  const label = (type: OrganisationType) => framework.organisationTypeLabels[type];
  const heldText = held.length ? list(held.map((type) => plural(label(type)))) : 'no trust type';
  const quarterText = quarters.length ? ` for ${list([...quarters].reverse())}` : '';
  const missingText = missing.length
    ? ` It holds no data for ${list(missing.map((type) => plural(label(type))))}, so they have no segment or rank here: NHS England publishes theirs.`
    : '';
  return {
    held: held.map(label),
    missing: missing.map(label),
    quarters,
    statement: `Tend holds NHS England's official Oversight Framework data for ${heldText}${quarterText}.${missingText}`,
    publicationHref: nhsEnglandLeagueTablesHref,
  };
}

/**
 * Why an organisation has no segment, in a sentence: ICBs are not segmented this year; trust
 * types whose data Tend does not hold; anything else is not assessed by the framework.
 *
 * @param organisation its name, kind (`trust`, `icb`, …) and framework type where known
 */
export function whyNoSegment(
  framework: FrameworkDefinition,
  organisation: { readonly name: string; readonly kind: string; readonly type: OrganisationType | null },
  coverage: NofCoverage,
): string {
  if (organisation.kind === 'icb' || organisation.type === 'icb') {
    return framework.segmentedOrganisationTypes.includes('icb')
      ? `${organisation.name} is an integrated care board; Tend holds no Oversight Framework data for integrated care boards.`
      : `${organisation.name} is an integrated care board. NHS England does not segment integrated care boards in ${framework.year}; it publishes their contextual metrics only.`;
  }
  if (organisation.kind !== 'trust') {
    return `The NHS Oversight Framework segments NHS trusts; ${organisation.name} is not one, so it has no segment.`;
  }
  const missing = coverage.missing.length ? list(coverage.missing.map(plural)) : null;
  return `Tend holds NHS England's official Oversight Framework data for ${coverage.held.length ? list(coverage.held.map(plural)) : 'no trust type'} only, and none for ${organisation.name}${missing ? `; NHS England also segments ${missing}` : ''}. Rather than show a segment or rank it cannot reproduce, Tend shows none: NHS England publishes every trust's.`;
}
