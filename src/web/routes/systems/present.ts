import type { Kysely } from 'kysely';
import { cachedAssessment, nofQuarters, rememberUntilNextImport } from '../../../app/assessment-cache.ts';
import { organisationScorecard } from '../../../app/spc-view.ts';
import { listSystems, type SystemMember, systemMembers } from '../../../app/systems.ts';
import { renderIconSvg } from '../../../charts/index.ts';
import type { Database } from '../../../store/tables.ts';
import { kindLabel, odsCodePattern } from '../organisations/present.ts';

/** The metrics a system page shows for each member, where the member holds them. */
export const systemKeyMetrics = ['ae-4hr-type1', 'ae-4hr-all', 'OF5002'] as const;

/** The link to a system's page. */
export function systemHref(code: string): string {
  return `/systems/${encodeURIComponent(code)}`;
}

/** Every ICB with its member counts. */
export async function presentSystemList(db: Kysely<Database>) {
  const systems = await listSystems(db);
  return { systems: systems.map((row) => ({ ...row, href: systemHref(row.code) })) };
}

function mappingText(member: SystemMember): string {
  if (member.inNhse && member.inOds) return 'Both';
  return member.inNhse ? 'NHS England only' : 'ODS geography only';
}

/** Everything the system page shows, or `null` when no ICB has the code. */
/** `buildPresentSystem`, remembered until the next import (the page depends only on stored data). */
export function presentSystem(db: Kysely<Database>, code: string): ReturnType<typeof buildPresentSystem> {
  return rememberUntilNextImport(db, `system-page|${code.toUpperCase()}`, () => buildPresentSystem(db, code));
}

async function buildPresentSystem(db: Kysely<Database>, code: string) {
  if (!odsCodePattern.test(code)) return null;
  const system = await systemMembers(db, code);
  if (!system) return null;
  const quarter = (await nofQuarters(db))[0] ?? null;
  const assessment = quarter ? await cachedAssessment(db, { framework: 'nof-2025-26', quarter }) : null;
  const members = [];
  for (const member of system.members) {
    const nof = assessment?.details.find((row) => row.code === member.code) ?? null;
    const scorecard = await organisationScorecard(db, member.code);
    const href = `/organisations/${encodeURIComponent(member.code)}`;
    members.push({
      ...member,
      kindLabel: kindLabel(member.kind),
      mapping: mappingText(member),
      href,
      nof: nof && {
        segment: nof.adjustedSegment,
        rank: nof.rank,
        peerGroupSize: nof.peerGroupSize,
        typeLabel: nof.organisationTypeLabel,
      },
      metrics: systemKeyMetrics.map((id) => {
        const row = scorecard.find((entry) => entry.metric.id === id);
        return row
          ? {
              held: true,
              value: row.latestValue,
              period: row.latestPeriod,
              href: `${href}/metrics/${encodeURIComponent(id)}`,
              variationLabel: row.variationLabel,
              variationSvg: row.variationIcon
                ? renderIconSvg({ type: 'variation', icon: row.variationIcon }, 24)
                : null,
            }
          : { held: false };
      }),
    });
  }
  const metricNames = new Map<string, string>();
  for (const id of systemKeyMetrics) {
    const name = (await db.selectFrom('metric').select('name').where('id', '=', id).executeTakeFirst())?.name;
    metricNames.set(id, name ?? id);
  }
  const nhse = members.filter((member) => member.inNhse);
  const ods = members.filter((member) => member.inOds);
  return {
    icb: system.icb,
    quarter,
    members,
    nhseCount: nhse.length,
    odsCount: ods.length,
    odsOnly: members.filter((member) => member.inOds && !member.inNhse),
    nhseOnly: members.filter((member) => member.inNhse && !member.inOds),
    keyMetrics: systemKeyMetrics.map((id) => ({ id, name: metricNames.get(id) ?? id })),
  };
}
