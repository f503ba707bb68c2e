import type { AssuranceIcon, VariationIcon } from '../engines/spc/codes.ts';
import { assuranceIconLabels, variationIconLabels } from '../engines/spc/labels.ts';
import { spcColours } from './colours.ts';
import { coordinate, escapeMarkup } from './svg.ts';

/** Where to draw an icon: top-left corner and width (icons are square). */
export interface IconPlacement {
  readonly x: number;
  readonly y: number;
  readonly size?: number;
}

/** Text colours of the icon letters: darker shades of the MDC colours, readable on white. */
const letterColours = {
  improvement: '#005eb8',
  concern: '#a33e00',
  neutral: '#490092',
  commonCause: '#4c6272',
} as const;

/**
 * The Making Data Count variation icon, drawn by Tend in the MDC visual language: a ring in the
 * colour of the latest point's type, with H or L for a high or low signal and an arrow in its
 * direction, or a wavy line for common-cause variation. Drawn on a 40 × 40 grid and scaled.
 *
 * @returns an SVG `<g>` element
 */
export function renderVariationIcon(icon: VariationIcon, placement: IconPlacement): string {
  const [ring, letterColour] =
    icon === 'improvement_high' || icon === 'improvement_low'
      ? [spcColours.improvement, letterColours.improvement]
      : icon === 'concern_high' || icon === 'concern_low'
        ? [spcColours.concern, letterColours.concern]
        : icon === 'neutral_high' || icon === 'neutral_low'
          ? [spcColours.neutral, letterColours.neutral]
          : [spcColours.commonCause, letterColours.commonCause];
  let inner: string;
  if (icon === 'common_cause') {
    inner = `<path d="M9 20c2.75-5.5 5.5-5.5 5.5 0s2.75 5.5 5.5 0 2.75-5.5 5.5 0 2.75 5.5 5.5 0" fill="none" stroke="${letterColour}" stroke-width="2.5" stroke-linecap="round"/>`;
  } else {
    const high = icon.endsWith('_high');
    const arrow = high ? 'M28 27V13m-4 4 4-4 4 4' : 'M28 13v14m-4-4 4 4 4-4';
    inner =
      `<text x="16" y="25.5" text-anchor="middle" font-family="Arial, sans-serif" font-size="15" font-weight="700" fill="${letterColour}">${high ? 'H' : 'L'}</text>` +
      `<path d="${arrow}" fill="none" stroke="${letterColour}" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"/>`;
  }
  return iconGroup('variation', icon, variationIconLabels[icon], ring, inner, placement);
}

/**
 * The Making Data Count assurance icon, drawn by Tend: a ring with P (the target will be met
 * consistently), F (it will be missed consistently), or a question mark (met in some periods and
 * missed in others), in blue, orange and grey.
 *
 * @returns an SVG `<g>` element
 */
export function renderAssuranceIcon(icon: AssuranceIcon, placement: IconPlacement): string {
  const [ring, letterColour, letter] =
    icon === 'pass'
      ? [spcColours.improvement, letterColours.improvement, 'P']
      : icon === 'fail'
        ? [spcColours.concern, letterColours.concern, 'F']
        : [spcColours.commonCause, letterColours.commonCause, '?'];
  const inner = `<text x="20" y="26" text-anchor="middle" font-family="Arial, sans-serif" font-size="17" font-weight="700" fill="${letterColour}">${letter}</text>`;
  return iconGroup('assurance', icon, assuranceIconLabels[icon], ring, inner, placement);
}

/**
 * One icon as a standalone, accessible SVG document (for tables of many series).
 *
 * @example
 * renderIconSvg({ type: 'assurance', icon: 'pass' }); // => '<svg … role="img" aria-label="The target will be met consistently">…'
 */
export function renderIconSvg(
  icon:
    | { readonly type: 'variation'; readonly icon: VariationIcon }
    | { readonly type: 'assurance'; readonly icon: AssuranceIcon },
  size = 40,
): string {
  const label = icon.type === 'variation' ? variationIconLabels[icon.icon] : assuranceIconLabels[icon.icon];
  const body =
    icon.type === 'variation'
      ? renderVariationIcon(icon.icon, { x: 0, y: 0, size })
      : renderAssuranceIcon(icon.icon, { x: 0, y: 0, size });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" role="img" aria-label="${escapeMarkup(label)}">${body}</svg>`;
}

function iconGroup(
  type: 'variation' | 'assurance',
  icon: string,
  label: string,
  ring: string,
  inner: string,
  placement: IconPlacement,
): string {
  const size = placement.size ?? 40;
  const scale = size / 40;
  const transform =
    scale === 1
      ? `translate(${coordinate(placement.x)} ${coordinate(placement.y)})`
      : `translate(${coordinate(placement.x)} ${coordinate(placement.y)}) scale(${coordinate(scale)})`;
  return (
    `<g class="spc-icon spc-icon-${type}" data-icon="${icon}" transform="${transform}">` +
    `<title>${escapeMarkup(label)}</title>` +
    `<circle cx="20" cy="20" r="18" fill="#ffffff" stroke="${ring}" stroke-width="3"/>` +
    inner +
    '</g>'
  );
}
