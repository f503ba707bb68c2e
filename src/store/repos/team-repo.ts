import { type Kysely, sql } from 'kysely';
import type { ContentScope } from '../../policies/scope.ts';
import type { Database, MetricRow, OrganisationRow, TeamIndicatorRow } from '../tables.ts';
import { teamIndicatorScopeFilter } from './scope-filter.ts';

/**
 * Teams (organisations of kind `team`, tied to their organisation by a `team_of` membership) and
 * their own indicators (`metric` rows `team.<code>.<slug>` with a `team_indicator` row each).
 */

/** A team with the organisation it belongs to. */
export interface TeamRow {
  code: string;
  name: string;
  parent_code: string;
  parent_name: string;
}

function teamsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('organisation as team')
    .innerJoin('membership', (join) =>
      join.onRef('membership.member_code', '=', 'team.code').on('membership.relation', '=', 'team_of'),
    )
    .innerJoin('organisation as parent', 'parent.code', 'membership.parent_code')
    .where('team.kind', '=', 'team')
    .select([
      'team.code as code',
      'team.name as name',
      'parent.code as parent_code',
      'parent.name as parent_name',
    ]);
}

/** insertTeam: adds the team's organisation row and its `team_of` membership. */
export async function insertTeam(
  db: Kysely<Database>,
  team: { code: string; name: string; parentCode: string; validFrom: string },
): Promise<void> {
  await db
    .insertInto('organisation')
    .values({ code: team.code, name: team.name, kind: 'team', source: 'tend:team' })
    .execute();
  await db
    .insertInto('membership')
    .values({
      member_code: team.code,
      parent_code: team.parentCode,
      relation: 'team_of',
      valid_from: team.validFrom,
      valid_to: null,
      source: 'tend:team',
    })
    .execute();
}

/** findTeam: one team with its organisation, or undefined. */
export async function findTeam(db: Kysely<Database>, code: string): Promise<TeamRow | undefined> {
  return teamsQuery(db).where('team.code', '=', code.toUpperCase()).executeTakeFirst();
}

/** listTeams: every team, or an organisation's teams, by name. */
export async function listTeams(db: Kysely<Database>, parentCode?: string): Promise<TeamRow[]> {
  let query = teamsQuery(db).orderBy('parent.code').orderBy('team.name').orderBy('team.code');
  if (parentCode) query = query.where('parent.code', '=', parentCode.toUpperCase());
  return query.execute();
}

/** teamCodesWithPrefix: the codes of organisations whose code starts with `prefix` (to number a new team). */
export async function teamCodesWithPrefix(db: Kysely<Database>, prefix: string): Promise<string[]> {
  const rows = await db
    .selectFrom('organisation')
    .select('code')
    .where('code', 'like', `${prefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`)
    .execute();
  return rows.map((row) => row.code);
}

/** teamParents: every team's code with its organisation's code (what an import checks team rows against). */
export async function teamParents(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await teamsQuery(db).execute();
  return new Map(rows.map((row) => [row.code, row.parent_code]));
}

/** teamsOfParents: the teams of these organisations. */
export async function teamsOfParents(
  db: Kysely<Database>,
  parentCodes: readonly string[],
): Promise<TeamRow[]> {
  if (parentCodes.length === 0) return [];
  return teamsQuery(db)
    .where('parent.code', 'in', [...parentCodes])
    .execute();
}

/** A team indicator with its metric definition and team. */
export type TeamIndicatorDetail = TeamIndicatorRow &
  Pick<MetricRow, 'name' | 'description' | 'unit' | 'direction'> & {
    team_name: string;
    parent_code: string;
    parent_name: string;
  };

function indicatorsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('team_indicator')
    .innerJoin('metric', 'metric.id', 'team_indicator.metric_id')
    .innerJoin('organisation as team', 'team.code', 'team_indicator.team_code')
    .innerJoin('membership', (join) =>
      join
        .onRef('membership.member_code', '=', 'team_indicator.team_code')
        .on('membership.relation', '=', 'team_of'),
    )
    .innerJoin('organisation as parent', 'parent.code', 'membership.parent_code')
    .selectAll('team_indicator')
    .select([
      'metric.name as name',
      'metric.description as description',
      'metric.unit as unit',
      'metric.direction as direction',
      'team.name as team_name',
      'parent.code as parent_code',
      'parent.name as parent_name',
    ]);
}

/** insertTeamIndicator: adds the indicator's metric row and its `team_indicator` row. */
export async function insertTeamIndicator(
  db: Kysely<Database>,
  metric: MetricRow,
  indicator: Omit<TeamIndicatorRow, 'is_example'> & { is_example?: boolean },
): Promise<void> {
  await db.insertInto('metric').values(metric).execute();
  await db.insertInto('team_indicator').values(indicator).execute();
}

/** updateTeamIndicator: rewrites what may change of a team indicator: its metric's name and definition, and its own row. */
export async function updateTeamIndicator(
  db: Kysely<Database>,
  metricId: string,
  change: {
    name: string;
    description: string;
    whyItMatters: string;
    target: number | null;
    visibility: TeamIndicatorRow['visibility'];
    at: Date;
  },
): Promise<void> {
  await db
    .updateTable('metric')
    .set({ name: change.name, description: change.description })
    .where('id', '=', metricId)
    .execute();
  await db
    .updateTable('team_indicator')
    .set({
      why_it_matters: change.whyItMatters,
      target: change.target,
      visibility: change.visibility,
      updated_at: change.at,
    })
    .where('metric_id', '=', metricId)
    .execute();
}

/** findTeamIndicator: one team indicator by its metric id, unfiltered (the policy decides who reads it). */
export async function findTeamIndicator(
  db: Kysely<Database>,
  metricId: string,
): Promise<TeamIndicatorDetail | undefined> {
  return indicatorsQuery(db).where('team_indicator.metric_id', '=', metricId).executeTakeFirst();
}

/**
 * listTeamIndicators: the team indicators the scope reads, of one team or of every team of one
 * organisation, by team and name.
 */
export async function listTeamIndicators(
  db: Kysely<Database>,
  where: { team?: string; parent?: string },
  readable: ContentScope,
): Promise<TeamIndicatorDetail[]> {
  let query = indicatorsQuery(db)
    .where(teamIndicatorScopeFilter(readable, 'team_indicator.metric_id'))
    .orderBy('team.name')
    .orderBy('metric.name');
  if (where.team) query = query.where('team_indicator.team_code', '=', where.team.toUpperCase());
  if (where.parent) query = query.where('parent.code', '=', where.parent.toUpperCase());
  return query.execute();
}

/** teamIndicatorTarget: the target of a team's indicator, or null (none set, or not a team indicator). */
export async function teamIndicatorTarget(db: Kysely<Database>, metricId: string): Promise<number | null> {
  if (!metricId.startsWith('team.')) return null;
  const row = await db
    .selectFrom('team_indicator')
    .select('target')
    .where('metric_id', '=', metricId)
    .executeTakeFirst();
  return row?.target ?? null;
}

/** Each series' latest reported value and the number of points, for these metrics of these teams. */
export async function latestTeamValues(
  db: Kysely<Database>,
  metricIds: readonly string[],
): Promise<Map<string, { points: number; latest_start: string | null; latest_value: number | null }>> {
  if (metricIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('observation')
    .where('metric_id', 'in', [...metricIds])
    .select([
      'metric_id',
      sql<number>`count(*)::int`.as('points'),
      sql<string | null>`max(period_start) filter (where status = 'reported')::text`.as('latest_start'),
      sql<
        number | null
      >`(array_agg(value order by period_start desc) filter (where status = 'reported'))[1]`.as(
        'latest_value',
      ),
    ])
    .groupBy('metric_id')
    .execute();
  return new Map(rows.map(({ metric_id, ...rest }) => [metric_id, rest]));
}

export type { OrganisationRow };
