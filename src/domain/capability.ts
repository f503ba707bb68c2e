/**
 * NHS IMPACT capability self-assessment: the five components of NHS IMPACT (Improving Patient Care
 * Together) and the maturity scale an organisation rates itself on.
 *
 * The scale is self-assessed and follows NHS IMPACT's maturity language: 1 not started, 2 emerging,
 * 3 developing, 4 embedded, 5 leading. It is the organisation's own view, with its evidence; it is
 * shown apart from the Oversight Framework segment and never changes it.
 */

export const capabilityComponents = [
  'shared_purpose',
  'people_and_culture',
  'leadership',
  'capability_and_capacity',
  'management_systems',
] as const;
export type CapabilityComponent = (typeof capabilityComponents)[number];

export const capabilityComponentLabels: Record<CapabilityComponent, string> = {
  shared_purpose: 'Building a shared purpose and vision',
  people_and_culture: 'Investing in people and culture',
  leadership: 'Developing leadership behaviours',
  capability_and_capacity: 'Building improvement capability and capacity',
  management_systems: 'Embedding improvement into management systems and processes',
};

export const capabilityLevels = [1, 2, 3, 4, 5] as const;
export type CapabilityLevel = (typeof capabilityLevels)[number];

export const capabilityLevelLabels: Record<CapabilityLevel, string> = {
  1: 'Not started',
  2: 'Emerging',
  3: 'Developing',
  4: 'Embedded',
  5: 'Leading',
};
