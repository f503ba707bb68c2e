import { isoDay, type UseCaseContext } from '../../../app/context.ts';
import { followThrough, noFollowThrough } from '../../../app/follow-ups/follow-through.ts';
import { followThroughSection } from './present.ts';

/**
 * The follow-through section of an organisation, system or region page (`followThroughSectionFor`):
 * public counts and shares, the same for every reader, as `followThrough` for
 * `partials/follow-through-section.njk`.
 */
export async function followThroughSectionFor(
  context: UseCaseContext,
  level: 'organisation' | 'system' | 'region',
  code: string,
  name: string,
): Promise<{ followThrough: ReturnType<typeof followThroughSection> }> {
  const figures = await followThrough(context.db, isoDay(context.clock()));
  const own =
    level === 'organisation'
      ? figures.organisations.find((each) => each.code === code)?.figures
      : (level === 'system' ? figures.systems : figures.regions).get(code);
  return { followThrough: followThroughSection(name, own ?? noFollowThrough) };
}
