import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { BoardCommentaryScope } from '../../policies/board.ts';
import type { CircleScope } from '../../policies/circle.ts';
import type { AuditScope, ContentScope } from '../../policies/scope.ts';

/** The columns of a content table (or one of its versions) the read policy looks at. */
export interface ContentColumns {
  /** The item's organisation code. */
  org: string;
  status: string;
  visibility: string;
  createdBy: string;
  /** The narrative id, for named readers; omit for content that is never named-only. */
  narrativeId?: string;
}

const none = sql<SqlBool>`false`;

function inList(column: string, values: readonly string[]): RawBuilder<SqlBool> {
  if (values.length === 0) return none;
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(values)})`;
}

/**
 * The read policy (`policies/scope.ts`) as a SQL condition over a content table: every list, count,
 * search and download of narratives and annotations goes through it.
 */
export function contentScopeFilter(scope: ContentScope, columns: ContentColumns): RawBuilder<SqlBool> {
  if (scope.everything) return sql<SqlBool>`true`;
  const org = sql.ref(columns.org);
  const status = sql.ref(columns.status);
  const visibility = sql.ref(columns.visibility);
  const createdBy = sql.ref(columns.createdBy);
  const overseen = sql<SqlBool>`(
    ${scope.england ? sql`true` : none}
    or ${inList(columns.org, scope.peopleOf)}
    or ${
      scope.systems.length
        ? sql`${org} in (select member_code from membership where relation in ('icb_ods','icb_nhse') and parent_code in (${sql.join(scope.systems)}))`
        : none
    }
    or ${
      scope.regions.length
        ? sql`${org} in (select member_code from membership where relation = 'region' and parent_code in (${sql.join(scope.regions)}))`
        : none
    })`;
  const named =
    columns.narrativeId && scope.userId !== null
      ? sql<SqlBool>`(${status} = 'published' and exists (select 1 from narrative_reader r where r.narrative_id = ${sql.ref(columns.narrativeId)} and r.user_id = ${scope.userId}))`
      : none;
  return sql<SqlBool>`(
    (${status} = 'published' and ${visibility} = 'public')
    or ${scope.userId !== null ? sql`${createdBy} = ${scope.userId}` : none}
    or (${visibility} = 'named' and ${named})
    or (${visibility} <> 'named' and ${status} = 'published' and ${overseen})
    or (${visibility} <> 'named' and ${status} <> 'published' and ${inList(columns.org, scope.peopleOf)})
  )`;
}

/** The audit read policy as a SQL condition on `audit_log`. */
export function auditScopeFilter(scope: AuditScope, orgColumn = 'audit_log.org_code'): RawBuilder<SqlBool> {
  if (scope.everything) return sql<SqlBool>`true`;
  return inList(orgColumn, scope.orgCodes);
}

/**
 * The team indicator read policy (`policies/team-indicator.ts`) as a SQL condition on a metric id
 * column: true for every metric that is not a team's indicator, for public team indicators, and for
 * organisation-only ones the scope reads — the team's people, the people of the organisation the team
 * belongs to, and those who oversee that organisation. Every read of a series, a value, a list of
 * metrics or a signal that may touch a team indicator goes through it.
 */
export function teamIndicatorScopeFilter(scope: ContentScope, metricColumn: string): RawBuilder<SqlBool> {
  if (scope.everything) return sql<SqlBool>`true`;
  const parentOverseen = sql<SqlBool>`(
    ${scope.england ? sql`true` : none}
    or ${inList('team_of.parent_code', scope.peopleOf)}
    or ${
      scope.systems.length
        ? sql`team_of.parent_code in (select member_code from membership where relation in ('icb_ods','icb_nhse') and parent_code in (${sql.join(scope.systems)}))`
        : none
    }
    or ${
      scope.regions.length
        ? sql`team_of.parent_code in (select member_code from membership where relation = 'region' and parent_code in (${sql.join(scope.regions)}))`
        : none
    })`;
  return sql<SqlBool>`not exists (
    select 1 from team_indicator hidden
    where hidden.metric_id = ${sql.ref(metricColumn)} and hidden.visibility <> 'public'
      and not ${inList('hidden.team_code', scope.peopleOf)}
      and not exists (
        select 1 from membership team_of
        where team_of.member_code = hidden.team_code and team_of.relation = 'team_of' and ${parentOverseen}
      )
  )`;
}

/** True for metrics that are not a team's own indicator: what every national list shows. */
export function nationalMetricFilter(metricColumn: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref(metricColumn)} not like 'team.%'`;
}

/** The columns of the `inquiry` table the inquiry read policy looks at. */
export interface InquiryColumns {
  id: string;
  org: string;
  state: string;
  visibility: string;
  createdBy: string;
  invitedBy: string;
  metric: string;
}

/** Organisations whose organisation-only content the scope reads, as a condition on `orgColumn`. */
function overseenBy(scope: ContentScope, orgColumn: string): RawBuilder<SqlBool> {
  const org = sql.ref(orgColumn);
  return sql<SqlBool>`(
    ${scope.england ? sql`true` : none}
    or ${inList(orgColumn, scope.peopleOf)}
    or ${
      scope.systems.length
        ? sql`${org} in (select member_code from membership where relation in ('icb_ods','icb_nhse') and parent_code in (${sql.join(scope.systems)}))`
        : none
    }
    or ${
      scope.regions.length
        ? sql`${org} in (select member_code from membership where relation = 'region' and parent_code in (${sql.join(scope.regions)}))`
        : none
    })`;
}

/**
 * The inquiry read policy (`policies/inquiry.ts`) as a SQL condition on `inquiry`: every list, count,
 * search, download and API response of inquiries — and of their notes, factors and actions, which are
 * read with their inquiry — goes through it. An inquiry about a team's indicator is read only by those
 * who read the indicator (`teamIndicatorScopeFilter`).
 */
export function inquiryScopeFilter(
  scope: ContentScope,
  columns: InquiryColumns = {
    id: 'inquiry.id',
    org: 'inquiry.org_code',
    state: 'inquiry.state',
    visibility: 'inquiry.visibility',
    createdBy: 'inquiry.created_by',
    invitedBy: 'inquiry.invited_by',
    metric: 'inquiry.metric_id',
  },
): RawBuilder<SqlBool> {
  if (scope.everything) return sql<SqlBool>`true`;
  const visibility = sql.ref(columns.visibility);
  const state = sql.ref(columns.state);
  const own =
    scope.userId !== null
      ? sql<SqlBool>`(${sql.ref(columns.createdBy)} = ${scope.userId} or ${sql.ref(columns.invitedBy)} = ${scope.userId})`
      : none;
  const named =
    scope.userId !== null
      ? sql<SqlBool>`exists (select 1 from inquiry_reader r where r.inquiry_id = ${sql.ref(columns.id)} and r.user_id = ${scope.userId})`
      : none;
  return sql<SqlBool>`(
    ${own}
    or (${visibility} = 'named' and ${named})
    or (${visibility} = 'public' and ${state} not in ('invited','declined'))
    or (${visibility} <> 'named' and ${overseenBy(scope, columns.org)})
    or (${visibility} <> 'named' and exists (
      select 1 from membership team_of
      where team_of.member_code = ${sql.ref(columns.org)} and team_of.relation = 'team_of'
        and ${overseenBy(scope, 'team_of.parent_code')}))
  ) and ${teamIndicatorScopeFilter(scope, columns.metric)}`;
}

/**
 * The review read policy (`policies/review.ts`) as a SQL condition on a review's organisation column:
 * every list and API response of reviews — and of their attendees, offers, actions and follow-ups,
 * which are read with their review — goes through it.
 */
export function reviewScopeFilter(scope: ContentScope, orgColumn = 'review.org_code'): RawBuilder<SqlBool> {
  if (scope.everything) return sql<SqlBool>`true`;
  return overseenBy(scope, orgColumn);
}

/**
 * The improvement directory's read policy (`policies/directory-entry.ts`, its scope `directoryScope`
 * in policies/scope.ts) as a SQL condition on an entry's state and organisation: every list, search,
 * count and download of directory entries goes through it.
 */
export function directoryScopeFilter(
  scope: { readonly everything: boolean; readonly peopleOf: readonly string[] },
  columns: { state: string; org: string } = {
    state: 'directory_entry.state',
    org: 'directory_entry.org_code',
  },
): RawBuilder<SqlBool> {
  if (scope.everything) return sql<SqlBool>`true`;
  return sql<SqlBool>`(${sql.ref(columns.state)} in ('published','stale') or ${inList(columns.org, scope.peopleOf)})`;
}

/** The columns of the `escalation` table the escalation read policy looks at. */
export interface EscalationColumns {
  raiser: string;
  recipient: string;
  recipientKind: string;
}

/**
 * The escalation read policy (`policies/escalation.ts`) as a SQL condition on `escalation`: the
 * raiser's people; for one sent to a region, oversight of that region; for one sent to an ICB, its
 * system leads and the ICB's own people. Never national oversight, other organisations or
 * facilitators. Every list, count and API response of escalations and their events goes through it.
 */
export function escalationScopeFilter(
  scope: ContentScope,
  columns: EscalationColumns = {
    raiser: 'escalation.raiser_org_code',
    recipient: 'escalation.recipient_org_code',
    recipientKind: 'escalation.recipient_kind',
  },
): RawBuilder<SqlBool> {
  if (scope.everything) return sql<SqlBool>`true`;
  const kind = sql.ref(columns.recipientKind);
  return sql<SqlBool>`(
    ${inList(columns.raiser, scope.peopleOf)}
    or (${kind} = 'region' and ${inList(columns.recipient, scope.regions)})
    or (${kind} = 'icb' and ${inList(columns.recipient, [...scope.systems, ...scope.peopleOf])})
  )`;
}

/**
 * The board commentary read policy (`policies/board.ts`) as a SQL condition on `board_commentary`:
 * published and restricted commentary everyone (a restricted body is withheld by the use case);
 * drafts their author; commentary in moderation its author and the board's chairs within their
 * term on `day`. Every list, count and API response of commentary goes through it.
 */
export function boardCommentaryScopeFilter(
  scope: BoardCommentaryScope,
  day: string,
  table = 'board_commentary',
): RawBuilder<SqlBool> {
  if (scope.everything) return sql<SqlBool>`true`;
  const state = sql.ref(`${table}.state`);
  if (scope.userId === null) return sql<SqlBool>`${state} in ('published','restricted')`;
  return sql<SqlBool>`(
    ${state} in ('published','restricted')
    or ${sql.ref(`${table}.author_user_id`)} = ${scope.userId}
    or (${state} = 'in_moderation' and exists (
      select 1 from board_member chair
      where chair.board_id = ${sql.ref(`${table}.board_id`)} and chair.is_chair
        and chair.user_id = ${scope.userId}
        and chair.term_from <= ${day} and (chair.term_to is null or chair.term_to >= ${day})
    ))
  )`;
}

/**
 * The circle read policy (`policies/circle.ts`) as a SQL condition on a circle id column: the
 * circle's current members only; nobody else, the operator included. Every read of circles, their
 * members and meetings goes through it.
 */
export function circleScopeFilter(scope: CircleScope, circleIdColumn = 'circle.id'): RawBuilder<SqlBool> {
  if (scope.userId === null) return sql<SqlBool>`false`;
  return sql<SqlBool>`exists (
    select 1 from circle_member reader
    where reader.circle_id = ${sql.ref(circleIdColumn)} and reader.user_id = ${scope.userId}
      and reader.left_at is null
  )`;
}

/**
 * The journal read policy (`policies/circle.ts`) as a SQL condition on `journal_entry`: its author,
 * and the current members of the circle it was shared into.
 */
export function journalScopeFilter(scope: CircleScope, table = 'journal_entry'): RawBuilder<SqlBool> {
  if (scope.userId === null) return sql<SqlBool>`false`;
  return sql<SqlBool>`(
    ${sql.ref(`${table}.author_user_id`)} = ${scope.userId}
    or (${sql.ref(`${table}.shared_to_circle_id`)} is not null
      and ${circleScopeFilter(scope, `${table}.shared_to_circle_id`)})
  )`;
}

/**
 * Those involved in a risk-sharing agreement (`policies/risk-sharing.ts`) as a SQL condition on its
 * ICB and parties: national oversight, the ICB's system leads and own people, the parties' people,
 * oversight of a region a party belongs to.
 */
function riskSharingInvolved(scope: ContentScope, agreementTable: string): RawBuilder<SqlBool> {
  const id = sql.ref(`${agreementTable}.id`);
  return sql<SqlBool>`(
    ${scope.england ? sql`true` : none}
    or ${inList(`${agreementTable}.icb_code`, [...scope.systems, ...scope.peopleOf])}
    or ${
      scope.peopleOf.length
        ? sql`exists (select 1 from risk_sharing_party involved where involved.agreement_id = ${id}
            and involved.org_code in (${sql.join(scope.peopleOf)}))`
        : none
    }
    or ${
      scope.regions.length
        ? sql`exists (select 1 from risk_sharing_party involved join membership in_region
            on in_region.member_code = involved.org_code and in_region.relation = 'region'
            where involved.agreement_id = ${id} and in_region.parent_code in (${sql.join(scope.regions)}))`
        : none
    })`;
}

/**
 * The risk-sharing read policy (`policies/risk-sharing.ts`) as a SQL condition on
 * `risk_sharing_agreement`: agreed and ended agreements everyone, drafts those involved. Every list
 * and API response of agreements goes through it.
 */
export function riskSharingScopeFilter(
  scope: ContentScope,
  agreementTable = 'risk_sharing_agreement',
): RawBuilder<SqlBool> {
  if (scope.everything) return sql<SqlBool>`true`;
  return sql<SqlBool>`(${sql.ref(`${agreementTable}.status`)} <> 'draft' or ${riskSharingInvolved(scope, agreementTable)})`;
}

/**
 * The same policy for a proposal joined to its agreement: decided proposals of a readable agreement,
 * and open ones only for those involved.
 */
export function riskSharingProposalScopeFilter(
  scope: ContentScope,
  tables = { agreement: 'risk_sharing_agreement', proposal: 'risk_sharing_proposal' },
): RawBuilder<SqlBool> {
  if (scope.everything) return sql<SqlBool>`true`;
  return sql<SqlBool>`(
    (${sql.ref(`${tables.agreement}.status`)} <> 'draft' and ${sql.ref(`${tables.proposal}.status`)} <> 'open')
    or ${riskSharingInvolved(scope, tables.agreement)}
  )`;
}
