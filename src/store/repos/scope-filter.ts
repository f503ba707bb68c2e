import { type RawBuilder, type SqlBool, sql } from 'kysely';
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
