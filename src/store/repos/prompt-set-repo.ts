import { type Kysely, sql } from 'kysely';
import type { PromptDomain, PromptField } from '../../domain/inquiry.ts';
import type { PromptSetRow } from '../inquiry-tables.ts';
import type { Database } from '../tables.ts';

/**
 * Prompt sets: one immutable row per version of a domain's questions. The current set of a domain
 * is its highest version; an inquiry points at the row it opened with. Prompt sets are not private.
 */

/** The current version of every domain's prompt set (`currentPromptSets`), in domain order of the table. */
export async function currentPromptSets(db: Kysely<Database>): Promise<PromptSetRow[]> {
  return db
    .selectFrom('prompt_set')
    .selectAll()
    .where(
      sql<boolean>`version = (select max(latest.version) from prompt_set latest where latest.domain = prompt_set.domain)`,
    )
    .orderBy('id')
    .execute();
}

/** The current version of one domain's prompt set (`currentPromptSet`). */
export async function currentPromptSet(
  db: Kysely<Database>,
  domain: PromptDomain,
): Promise<PromptSetRow | undefined> {
  return db
    .selectFrom('prompt_set')
    .selectAll()
    .where('domain', '=', domain)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** One version of a prompt set by its id (`findPromptSet`). */
export async function findPromptSet(db: Kysely<Database>, id: number): Promise<PromptSetRow | undefined> {
  return db.selectFrom('prompt_set').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every version of a domain's prompt set, newest first (`promptSetVersions`). */
export async function promptSetVersions(db: Kysely<Database>, domain: PromptDomain): Promise<PromptSetRow[]> {
  return db
    .selectFrom('prompt_set')
    .selectAll()
    .where('domain', '=', domain)
    .orderBy('version', 'desc')
    .execute();
}

/**
 * Adds the next version of a domain's prompt set (`insertPromptSetVersion`): version = the highest so
 * far + 1, computed in the same statement (two saves at once: the second fails the unique key).
 */
export async function insertPromptSetVersion(
  db: Kysely<Database>,
  set: {
    domain: PromptDomain;
    title: string;
    description: string;
    fields: readonly PromptField[];
    createdBy: string;
    at: Date;
  },
): Promise<PromptSetRow> {
  return db
    .insertInto('prompt_set')
    .values({
      domain: set.domain,
      version: sql<number>`(select coalesce(max(version), 0) + 1 from prompt_set where domain = ${set.domain})`,
      title: set.title,
      description: set.description,
      fields: JSON.stringify(set.fields),
      created_by: set.createdBy,
      created_at: set.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
