import type { Insertable, Kysely, Selectable } from 'kysely';
import type { CapabilityAssessmentTable, CapabilityRatingTable } from '../capability-tables.ts';
import type { Database } from '../tables.ts';

/**
 * NHS IMPACT capability self-assessments and their ratings. Every assessment is kept; the newest is
 * the organisation's current view. The use case checks the reader with `canReadCapability` first.
 */

export type CapabilityAssessmentRow = Selectable<CapabilityAssessmentTable>;
export type CapabilityRatingRow = Selectable<CapabilityRatingTable>;

/** Adds an assessment (`insertCapabilityAssessment`). */
export async function insertCapabilityAssessment(
  db: Kysely<Database>,
  row: Insertable<CapabilityAssessmentTable>,
): Promise<CapabilityAssessmentRow> {
  return db.insertInto('capability_assessment').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Adds an assessment's ratings (`insertCapabilityRatings`). */
export async function insertCapabilityRatings(
  db: Kysely<Database>,
  rows: Insertable<CapabilityRatingTable>[],
): Promise<CapabilityRatingRow[]> {
  return db.insertInto('capability_rating').values(rows).returningAll().execute();
}

/** An organisation's assessments, newest first (`listCapabilityAssessments`). */
export async function listCapabilityAssessments(
  db: Kysely<Database>,
  orgCode: string,
): Promise<CapabilityAssessmentRow[]> {
  return db
    .selectFrom('capability_assessment')
    .selectAll()
    .where('org_code', '=', orgCode)
    .orderBy('assessed_on', 'desc')
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
}

/** The ratings of an organisation's assessments (`listCapabilityRatings`). */
export async function listCapabilityRatings(
  db: Kysely<Database>,
  orgCode: string,
): Promise<CapabilityRatingRow[]> {
  return db
    .selectFrom('capability_rating')
    .innerJoin('capability_assessment', 'capability_assessment.id', 'capability_rating.assessment_id')
    .selectAll('capability_rating')
    .where('capability_assessment.org_code', '=', orgCode)
    .orderBy('capability_rating.assessment_id')
    .orderBy('capability_rating.id')
    .execute();
}

/** Marks an assessment as an invented example (`markCapabilityAsExample`). */
export async function markCapabilityAsExample(db: Kysely<Database>, assessmentId: number): Promise<void> {
  await db
    .updateTable('capability_assessment')
    .set({ is_example: true })
    .where('id', '=', assessmentId)
    .execute();
}
