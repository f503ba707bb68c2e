import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { PublicationStatus } from '../../domain/people.ts';
import { AppError } from '../../errors.ts';
import { actorUserId } from '../../policies/actor.ts';
import { canCreateNarrative, canNarrative, type NarrativeAction } from '../../policies/narrative.ts';
import { scope } from '../../policies/scope.ts';
import {
  advanceNarrative,
  deleteNarrativeReaders,
  findNarrative,
  findNarrativeVersion,
  insertNarrative,
  insertNarrativeReaders,
  insertNarrativeVersion,
  type NarrativeWithBody,
  narrativeReaders,
} from '../../store/repos/narrative-repo.ts';
import { findOrganisation, organisationContext } from '../../store/repos/organisation-repo.ts';
import type { Database, NarrativeVersionRow } from '../../store/tables.ts';
import { auditedWrite, authorise, type UseCaseContext } from '../context.ts';
import { checkNarrativeFields, type NarrativeFields, notFound, validationFailed } from './input.ts';

/**
 * Writing narratives: create, edit, publish, withdraw. Each is one audited transaction that appends
 * one immutable version (`narrative.current_version` points at it) and one audit entry whose
 * `before` and `after` are the version rows (with the named readers, for a named-only narrative).
 *
 * Status: a narrative starts as a draft or published; a draft or withdrawn narrative can be
 * published (so a withdrawn one can be republished); only a published one can be withdrawn. Text
 * can be edited in any status. Every change names the version it was based on; if the narrative has
 * moved on since, the change is refused with CONFLICT and nothing is saved.
 */

/** The version row as the audit log records it, with the readers of a named-only narrative. */
function auditVersion(version: NarrativeVersionRow, readers: readonly { email: string }[]) {
  return version.visibility === 'named'
    ? { ...version, readers: readers.map((each) => each.email) }
    : version;
}

function orgCodeOf(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9]{2,10}$/.test(value.trim())
    ? value.trim().toUpperCase()
    : undefined;
}

const createStatus = z.preprocess(
  (value) => (value === '' || value === null ? undefined : value),
  z.enum(['draft', 'published'], { error: 'Choose draft or published' }).default('draft'),
);

const baseVersionRule = z.coerce
  .number({ error: 'Give the version the change is based on' })
  .int('Give the version the change is based on')
  .min(1, 'Give the version the change is based on');

/**
 * Starts a narrative for an organisation (`createNarrative`): contributors and administrators of the
 * organisation only. Returns the new narrative.
 */
export async function createNarrative(context: UseCaseContext, input: unknown): Promise<NarrativeWithBody> {
  authorise(context, context.actor.kind !== 'anonymous', 'write a narrative');
  const values = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const orgCode = orgCodeOf(values.org);
  const problems: string[] = [];
  if (!orgCode) problems.push('org: Give the ODS code of the organisation the narrative is for');
  else if (!(await findOrganisation(context.db, orgCode)))
    problems.push(`org: No organisation has the code ${orgCode}`);
  else authorise(context, canCreateNarrative(context.actor, orgCode), `write narratives for ${orgCode}`);
  const status = createStatus.safeParse(values.status);
  if (!status.success) problems.push(`status: ${status.error.issues[0]?.message}`);
  const fields = await checkNarrativeFields(context.db, values, problems);
  if (problems.length || !fields || !orgCode || !status.success) throw validationFailed(problems);
  const authorId = actorUserId(context.actor);

  const id = await auditedWrite(context, {}, async (trx, at) => {
    const narrative = await insertNarrative(trx, {
      org_code: orgCode,
      metric_id: fields.metricId,
      period_from: fields.periodFrom,
      period_to: fields.periodTo,
      kind: fields.kind,
      title: fields.title,
      visibility: fields.visibility,
      status: status.data,
      created_by: authorId,
      at,
    });
    const version = await insertNarrativeVersion(
      trx,
      versionRow(narrative.id, 1, fields, status.data, authorId, at),
    );
    await insertNarrativeReaders(
      trx,
      narrative.id,
      fields.readers.map((reader) => reader.id),
    );
    return {
      result: narrative.id,
      audit: {
        action: 'narrative.create',
        entityType: 'narrative',
        entityId: narrative.id,
        orgCode,
        before: null,
        after: auditVersion(version, fields.readers),
      },
    };
  });
  return requireReadable(context, id);
}

/**
 * Saves a change to a narrative (`editNarrative`): `input.baseVersion` is the version the change was
 * made on; fields not given keep their values (the readers too). A save that changes nothing
 * writes nothing and returns the narrative as it is.
 */
export async function editNarrative(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<NarrativeWithBody> {
  const values = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const { narrative, current, readers } = await loadForWrite(context, id, 'edit');
  const problems: string[] = [];
  const merged: Record<string, unknown> = {
    metric: narrative.metric_id,
    kind: narrative.kind,
    title: narrative.title,
    body: narrative.body,
    visibility: narrative.visibility,
    periodFrom: narrative.period_from,
    periodTo: narrative.period_to,
    readers: readers.map((reader) => reader.email),
  };
  for (const key of Object.keys(merged)) if (values[key] !== undefined) merged[key] = values[key];
  const fields = await checkNarrativeFields(context.db, merged, problems);
  const base = baseVersionRule.safeParse(values.baseVersion);
  if (!base.success) problems.push(`baseVersion: ${base.error.issues[0]?.message}`);
  if (
    fields?.visibility === 'named' &&
    narrative.visibility !== 'named' &&
    context.actor.kind !== 'operator' &&
    narrative.created_by !== actorUserId(context.actor)
  )
    problems.push('visibility: Only the person who wrote this narrative can share it with named people only');
  if (problems.length || !fields || !base.success) throw validationFailed(problems);
  requireBase(narrative, base.data);
  const unchanged =
    fields.metricId === narrative.metric_id &&
    fields.kind === narrative.kind &&
    fields.title === narrative.title &&
    fields.body === narrative.body &&
    fields.visibility === narrative.visibility &&
    fields.periodFrom === narrative.period_from &&
    fields.periodTo === narrative.period_to &&
    sameReaders(fields.readers, fields.visibility === 'named' ? readers : []);
  if (unchanged) return narrative;
  await advance(context, narrative, current, readers, base.data, fields, narrative.status, 'narrative.edit');
  return requireReadable(context, id);
}

/** Publishes a draft or withdrawn narrative (`publishNarrative`); `baseVersion` guards against a stale page. */
export async function publishNarrative(
  context: UseCaseContext,
  id: number,
  input: { baseVersion?: unknown } = {},
): Promise<NarrativeWithBody> {
  return changeStatus(context, id, input, 'published');
}

/** Withdraws a published narrative from its readers (`withdrawNarrative`); its versions are kept. */
export async function withdrawNarrative(
  context: UseCaseContext,
  id: number,
  input: { baseVersion?: unknown } = {},
): Promise<NarrativeWithBody> {
  return changeStatus(context, id, input, 'withdrawn');
}

async function changeStatus(
  context: UseCaseContext,
  id: number,
  input: { baseVersion?: unknown },
  status: 'published' | 'withdrawn',
): Promise<NarrativeWithBody> {
  const action = status === 'published' ? 'publish' : 'withdraw';
  const { narrative, current, readers } = await loadForWrite(context, id, action);
  let base = narrative.current_version;
  if (input.baseVersion !== undefined && input.baseVersion !== '') {
    const parsed = baseVersionRule.safeParse(input.baseVersion);
    if (!parsed.success) throw validationFailed([`baseVersion: ${parsed.error.issues[0]?.message}`]);
    base = parsed.data;
  }
  requireBase(narrative, base);
  if (status === 'published' && narrative.status === 'published')
    throw new AppError('CONFLICT', `“${narrative.title}” is already published.`);
  if (status === 'withdrawn' && narrative.status !== 'published')
    throw new AppError(
      'CONFLICT',
      `Only a published narrative can be withdrawn; “${narrative.title}” is ${narrative.status === 'draft' ? 'a draft' : 'already withdrawn'}.`,
    );
  const fields: NarrativeFields = {
    metricId: narrative.metric_id,
    kind: narrative.kind,
    title: narrative.title,
    body: narrative.body,
    visibility: narrative.visibility,
    periodFrom: narrative.period_from,
    periodTo: narrative.period_to,
    readers: narrative.visibility === 'named' ? readers : [],
  };
  await advance(context, narrative, current, readers, base, fields, status, `narrative.${action}`);
  return requireReadable(context, id);
}

function versionRow(
  narrativeId: number,
  version: number,
  fields: NarrativeFields,
  status: PublicationStatus,
  writtenBy: number | null,
  at: Date,
): NarrativeVersionRow {
  return {
    narrative_id: narrativeId,
    version,
    title: fields.title,
    body: fields.body,
    kind: fields.kind,
    visibility: fields.visibility,
    status,
    metric_id: fields.metricId,
    period_from: fields.periodFrom,
    period_to: fields.periodTo,
    written_by: writtenBy,
    written_at: at,
  };
}

async function advance(
  context: UseCaseContext,
  narrative: NarrativeWithBody,
  current: NarrativeVersionRow,
  readersBefore: readonly { id: number; email: string }[],
  base: number,
  fields: NarrativeFields,
  status: PublicationStatus,
  action: string,
): Promise<void> {
  await auditedWrite(context, {}, async (trx: Transaction<Database>, at) => {
    const moved = await advanceNarrative(trx, narrative.id, base, {
      metric_id: fields.metricId,
      period_from: fields.periodFrom,
      period_to: fields.periodTo,
      kind: fields.kind,
      title: fields.title,
      visibility: fields.visibility,
      status,
      at,
    });
    if (!moved) throw conflict(narrative, base);
    const version = await insertNarrativeVersion(
      trx,
      versionRow(narrative.id, base + 1, fields, status, actorUserId(context.actor), at),
    );
    if (!sameReaders(fields.readers, readersBefore)) {
      await deleteNarrativeReaders(trx, narrative.id);
      await insertNarrativeReaders(
        trx,
        narrative.id,
        fields.readers.map((reader) => reader.id),
      );
    }
    return {
      result: undefined,
      audit: {
        action,
        entityType: 'narrative',
        entityId: narrative.id,
        orgCode: narrative.org_code,
        before: auditVersion(current, readersBefore),
        after: auditVersion(version, fields.readers),
      },
    };
  });
}

function sameReaders(a: readonly { id: number }[], b: readonly { id: number }[]): boolean {
  const left = [...new Set(a.map((each) => each.id))].sort((x, y) => x - y);
  const right = [...new Set(b.map((each) => each.id))].sort((x, y) => x - y);
  return left.length === right.length && left.every((id, index) => id === right[index]);
}

function conflict(narrative: NarrativeWithBody, base: number, now?: number): AppError {
  const moved = now === undefined ? 'someone else saved it a moment ago' : `it is now at version ${now}`;
  return new AppError(
    'CONFLICT',
    `“${narrative.title}” has changed since you opened it: you started from version ${base}, and ${moved}. Nothing was saved. Compare the versions, then make your change again.`,
    { details: [`baseVersion: ${base} is not the current version`] },
  );
}

function requireBase(narrative: NarrativeWithBody, base: number): void {
  if (base !== narrative.current_version) throw conflict(narrative, base, narrative.current_version);
}

/**
 * The narrative and its readers for a write: anonymous callers are asked to sign in; a narrative the
 * actor cannot read is NOT_FOUND (its existence is not revealed); one they can read but not change
 * is FORBIDDEN.
 */
async function loadForWrite(context: UseCaseContext, id: number, action: NarrativeAction) {
  authorise(context, context.actor.kind !== 'anonymous', `${action} narratives`);
  const content = scope(context.actor, 'read', 'narrative');
  const narrative = await findNarrative(context.db, content, id);
  if (!narrative) throw notFound(id);
  const org = await organisationContext(context.db, narrative.org_code);
  if (!org) throw notFound(id);
  const readers = await narrativeReaders(context.db, content, id);
  const allowed = canNarrative(context.actor, action, {
    org,
    status: narrative.status,
    visibility: narrative.visibility,
    createdBy: narrative.created_by,
    readerIds: readers.map((reader) => reader.id),
  });
  authorise(context, allowed, `${action} this narrative`);
  const current = await findNarrativeVersion(context.db, content, id, narrative.current_version);
  if (!current) throw notFound(id);
  return { narrative, current, readers };
}

async function requireReadable(context: UseCaseContext, id: number): Promise<NarrativeWithBody> {
  const narrative = await findNarrative(context.db, scope(context.actor, 'read', 'narrative'), id);
  if (!narrative) throw notFound(id);
  return narrative;
}
