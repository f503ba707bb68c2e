import { roleLabels } from '../../domain/people.ts';
import { AppError } from '../../errors.ts';
import type { Store } from '../../store/db.ts';
import { findUserByEmail } from '../../store/repos/user-repo.ts';
import { loadUserActor } from '../accounts/actor.ts';
import { addUser, grantRole } from '../accounts/users.ts';
import { authorise, type UseCaseContext } from '../context.ts';
import { type DemoAccount, demoPassword, demoTrusts } from '../demo-accounts.ts';
import { createTeam, createTeamIndicator, enterTeamValues } from './write.ts';

/** The demo's team: community midwifery of the home trust, clearly an example. */
export const demoTeam = { code: `${demoTrusts.home}MAT`, name: 'Community midwifery (example)' } as const;
export const demoTeamAdminEmail = `team-admin.${demoTeam.code.toLowerCase()}@tend-demo.example`;
export const demoTeamIndicatorSlug = 'continuity-of-carer';

/**
 * Two years of monthly values, April 2024 to March 2026: about 62% of women seen by a midwife they
 * had met before, rising to about 74% after the team moved to small caseload groups in August
 * 2025. Made up, from a fixed seed, so the demo is the same every time.
 */
export function demoTeamValues(): { period: string; value: number }[] {
  let seed = 20_240_401;
  const noise = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648 - 0.5;
  };
  const values: { period: string; value: number }[] = [];
  for (let index = 0; index < 24; index++) {
    const year = 2024 + Math.floor((index + 3) / 12);
    const month = ((index + 3) % 12) + 1;
    const level = index >= 16 ? 74 : 62;
    values.push({
      period: `${year}-${String(month).padStart(2, '0')}`,
      value: Math.round((level + noise() * 6) * 10) / 10,
    });
  }
  return values;
}

/**
 * `createDemoTeam`: the demo's example team in the home trust, with an account that administers it
 * (returned with its password), an indicator of its own marked as an example, public, and its two
 * years of monthly values entered by that administrator. Run as the operator `demo` after the
 * demo accounts.
 */
export async function createDemoTeam(context: UseCaseContext & { store: Store }): Promise<DemoAccount[]> {
  authorise(context, context.actor.kind === 'operator', 'create the demo team');
  const team = await createTeam(context, { org: demoTrusts.home, name: demoTeam.name, code: demoTeam.code });
  const password = demoPassword(demoTeamAdminEmail);
  const name = `Demo team administrator (${team.code})`;
  await addUser(context, { email: demoTeamAdminEmail, name, password, isDemo: true });
  await grantRole(context, {
    email: demoTeamAdminEmail,
    role: 'admin',
    scopeKind: 'organisation',
    scopeCode: team.code,
  });
  const user = await findUserByEmail(context.db, demoTeamAdminEmail);
  const actor = user && (await loadUserActor(context.db, user.id, context.clock(), 'session'));
  if (!actor) throw new AppError('INTERNAL', 'The demo team administrator could not be loaded.');
  const admin = { ...context, actor };
  await createTeamIndicator(admin, team.code, {
    name: 'Continuity of carer (example)',
    slug: demoTeamIndicatorSlug,
    definition:
      'Of women giving birth in the month who were booked with the team, the percentage seen at most of their antenatal and postnatal appointments by a midwife they had met before. Example figures, made up for the demo.',
    unit: '%',
    direction: 'higher_is_better',
    target: 75,
    whyItMatters:
      'Women tell us that being cared for by someone who knows their story is what makes them feel safe: trust, continuity and the experience of birth, beside the standard clinical metrics. This is an example written for the demo; it is not the trust’s own.',
    visibility: 'public',
    isExample: true,
  });
  await enterTeamValues(admin, team.code, demoTeamIndicatorSlug, demoTeamValues());
  return [
    {
      email: demoTeamAdminEmail,
      name,
      role: 'admin',
      roleText: `${roleLabels.admin}, ${team.name} of ${team.parent_name} (${team.code})`,
      password,
    },
  ];
}
