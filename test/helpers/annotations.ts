import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { loadUserActor } from '../../src/app/accounts/actor.ts';
import type { UseCaseContext } from '../../src/app/context.ts';
import { importFile } from '../../src/app/import-file.ts';
import { type Actor, anonymous } from '../../src/policies/actor.ts';
import type { Store } from '../../src/store/db.ts';
import { addPerson } from './people.ts';
import { addTwoTrusts } from './people-store.ts';

/** The monthly values of the small series the annotation tests chart: RJ1 and RYY, `ae-4hr-all`, 2024. */
export const seriesValues = [71, 73, 72, 74, 70, 72, 73, 81, 82, 80, 83, 82];
export const seriesMetric = 'ae-4hr-all';

/** The people the annotation tests act as, by role. */
export const annotationCast = {
  contributor: {
    email: 'ada@example.nhs.uk',
    grants: [{ role: 'contributor', scopeKind: 'organisation', scopeCode: 'RJ1' }],
  },
  admin: {
    email: 'ben@example.nhs.uk',
    grants: [{ role: 'admin', scopeKind: 'organisation', scopeCode: 'RJ1' }],
  },
  member: {
    email: 'cat@example.nhs.uk',
    grants: [{ role: 'member', scopeKind: 'organisation', scopeCode: 'RJ1' }],
  },
  otherContributor: {
    email: 'dan@example.nhs.uk',
    grants: [{ role: 'contributor', scopeKind: 'organisation', scopeCode: 'RYY' }],
  },
  londonOversight: {
    email: 'eve@example.nhs.uk',
    grants: [{ role: 'oversight', scopeKind: 'region', scopeCode: 'Y56' }],
  },
} as const;

export type AnnotationCastName = keyof typeof annotationCast;

/**
 * Two trusts (RJ1 in London, RYY in the South East; see `addTwoTrusts`) with a year of monthly
 * `ae-4hr-all` values each, and the annotation cast. Returns each person's actor.
 */
export async function setUpAnnotationStore(
  store: Store,
  clock: () => Date,
): Promise<Record<AnnotationCastName, Actor> & { anonymous: Actor }> {
  await addTwoTrusts(store);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-annotations-'));
  const file = path.join(scratch, 'series.csv');
  const rows = ['RJ1', 'RYY'].flatMap((code) =>
    seriesValues.map(
      (value, index) => `${code},${seriesMetric},2024-${String(index + 1).padStart(2, '0')},${value}`,
    ),
  );
  fs.writeFileSync(file, `org_code,metric_id,period,value\n${rows.join('\n')}\n`);
  assert.equal((await importFile(store.db, file)).outcome, 'imported');
  fs.rmSync(scratch, { recursive: true, force: true });
  const actors: Partial<Record<AnnotationCastName, Actor>> = {};
  for (const [name, person] of Object.entries(annotationCast) as [
    AnnotationCastName,
    (typeof annotationCast)[AnnotationCastName],
  ][]) {
    const id = await addPerson(store, person.email, person.grants, clock);
    const actor = await loadUserActor(store.db, id, clock(), 'session');
    assert.ok(actor);
    actors[name] = actor;
  }
  return { ...(actors as Record<AnnotationCastName, Actor>), anonymous };
}

/** A use-case context for `actor`. */
export function contextAs(store: Store, actor: Actor, clock: () => Date): UseCaseContext {
  return { db: store.db, actor, clock };
}

/** How many audit entries are about annotations. */
export async function annotationAuditCount(store: Store): Promise<number> {
  const result = await sql<{ count: number }>`
    select count(*)::integer as count from audit_log where entity_type = 'annotation'`.execute(store.db);
  return result.rows[0].count;
}

/** Every annotation row, whoever may read it, and every series' stored rebase dates. */
export async function storedAnnotations(store: Store): Promise<{
  annotations: { id: number; kind: string; status: string; on_date: string }[];
  rebaseDates: { org_code: string; metric_id: string; dates: string[]; updated_by: string }[];
}> {
  const annotations = await sql<{ id: number; kind: string; status: string; on_date: string }>`
    select id, kind, status, on_date::text as on_date from annotation order by id`.execute(store.db);
  const rebaseDates = await sql<{ org_code: string; metric_id: string; dates: string[]; updated_by: string }>`
    select org_code, metric_id, array(select d::text from unnest(rebase_dates) d order by d) as dates, updated_by
    from series_config order by org_code, metric_id`.execute(store.db);
  return { annotations: annotations.rows, rebaseDates: rebaseDates.rows };
}

/** Removes every annotation and series configuration (the audit log is append-only and stays). */
export async function clearAnnotations(store: Store): Promise<void> {
  await sql`delete from annotation`.execute(store.db);
  await sql`delete from series_config`.execute(store.db);
}
