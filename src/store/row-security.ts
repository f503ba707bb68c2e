import { type Kysely, sql } from 'kysely';
import type { Database } from './tables.ts';

/**
 * Row-level security on confidential circles and journals only protects when Tend connects as an
 * ordinary role: a superuser, or a role with BYPASSRLS, reads every row whatever the policies say.
 */

/** Whether the connected role escapes row-level security (superuser or BYPASSRLS) (`roleBypassesRowSecurity`). */
export async function roleBypassesRowSecurity(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ bypasses: boolean }>`
    select (rolsuper or rolbypassrls) as bypasses from pg_roles where rolname = current_user`.execute(db);
  return rows[0]?.bypasses ?? false;
}

/** The warning Tend gives at start on a PostgreSQL server when its role escapes row-level security. */
export const rowSecurityBypassWarning =
  'Tend is connected to PostgreSQL as a superuser or a role with BYPASSRLS, so row-level security does not ' +
  'protect confidential circles and journals. Connect Tend as its own role (see docs/operations.md, ' +
  '"Connect Tend as its own role").';
