import type { Transaction } from 'kysely';
import { renderSpcChart } from '../../charts/spc-chart.ts';
import type { EntrySource, EntryState } from '../../domain/improvement.ts';
import { AppError } from '../../errors.ts';
import { actorLabel, actorUserId, writerOf } from '../../policies/actor.ts';
import {
  canDirectoryEntry,
  canNominate,
  canRecordAdoption,
  curatesDirectory,
  type DirectoryEntryAction,
} from '../../policies/directory-entry.ts';
import { directoryScope, scope } from '../../policies/scope.ts';
import type { FrozenEvidence } from '../../store/improvement-tables.ts';
import {
  type DirectoryEntryRow,
  type DirectoryEntryWithNames,
  entryContacts,
  entryMetrics,
  entryVersions,
  findChangeIdea,
  findDirectoryEntry,
  insertAdoption,
  insertChangeIdea,
  insertContact,
  insertDirectoryEntry,
  insertEntryMetrics,
  insertEntryVersion,
  linkChangeIdeas,
  removeContact,
  updateDirectoryEntry,
} from '../../store/repos/directory-repo.ts';
import { findInquiry } from '../../store/repos/inquiry-repo.ts';
import { findMetric } from '../../store/repos/metric-repo.ts';
import { findOrganisation } from '../../store/repos/organisation-repo.ts';
import type { Database } from '../../store/tables.ts';
import { auditedWrite, authorise, isoDay, type UseCaseContext } from '../context.ts';
import { storedSpc } from '../spc-view.ts';
import { canReadMetric } from '../teams/access.ts';
import { computeMetricCandidates, describeImprovement } from './candidates.ts';
import {
  adoptionSchema,
  changeIdeaSchema,
  contactSchema,
  entrySchema,
  linkSchema,
  parseInput,
  revisionSchema,
  stepSchema,
  withdrawSchema,
} from './input.ts';

/**
 * Writing the improvement directory. Each use case is one audited transaction (`auditedWrite`):
 * add an entry (found by a facilitator, nominated by the organisation itself, or from a learning
 * review), invite the organisation, publish it (only with at least one contact whose consent is
 * recorded; its charts frozen as evidence), a new version of what they did and what did not work,
 * add or remove a contact, change ideas and their links, adoptions with how they went, and
 * withdraw it. Stale is not written: an entry reads as stale while a contact is past their
 * review-by date (`effectiveState` in read.ts).
 */

function notFound(id: number): AppError {
  return new AppError('NOT_FOUND', `No directory entry has the id ${id}.`);
}

/** The entry if the actor reads it and may do `action` to it; NOT_FOUND when unread, FORBIDDEN otherwise. */
async function entryFor(
  context: UseCaseContext,
  id: number,
  action: DirectoryEntryAction,
  what: string,
): Promise<DirectoryEntryWithNames> {
  const entry = await findDirectoryEntry(context.db, directoryScope(context.actor), id);
  if (!entry) throw notFound(id);
  const resource = { orgCode: entry.org_code, state: entry.state, source: entry.source };
  authorise(context, canDirectoryEntry(context.actor, action, resource), what);
  return entry;
}

function stale(id: number): AppError {
  return new AppError(
    'CONFLICT',
    `Directory entry ${id} was changed by someone else since you loaded it. Reload it and try again.`,
  );
}

/** Changes the entry at the version the writer saw, or CONFLICT. */
async function changeEntry(
  trx: Transaction<Database>,
  entry: DirectoryEntryRow,
  version: number,
  change: Parameters<typeof updateDirectoryEntry>[3],
  at: Date,
): Promise<DirectoryEntryRow> {
  if (version !== entry.version) throw stale(entry.id);
  const changed = await updateDirectoryEntry(trx, entry.id, version, change, at);
  if (!changed) throw stale(entry.id);
  return changed;
}

/**
 * Adds an entry in state candidate (`createEntry`). Curators choose its source (facilitator by
 * default); anyone else nominates their own organisation. From a learning review, `inquiry` names a
 * learning review of the same organisation the actor reads.
 */
export async function createEntry(context: UseCaseContext, input: unknown): Promise<DirectoryEntryRow> {
  authorise(
    context,
    curatesDirectory(context.actor) || writerOf(context.actor).length > 0,
    'add an entry to the directory',
  );
  const values = parseInput('directory entry', entrySchema, input);
  const problems: string[] = [];
  const organisation = await findOrganisation(context.db, values.org);
  if (!organisation) problems.push(`org: No organisation has the code ${values.org}`);
  for (const metricId of values.metrics)
    if (!(await findMetric(context.db, metricId)) || !(await canReadMetric(context, metricId))) {
      problems.push(`metrics: No metric has the id ${JSON.stringify(metricId)}`);
      break;
    }
  const source: EntrySource =
    values.source ??
    (values.inquiry ? 'learning_review' : curatesDirectory(context.actor) ? 'facilitator' : 'nomination');
  if (source === 'facilitator' && !curatesDirectory(context.actor))
    problems.push(
      'source: Only an improvement facilitator adds an entry they found; nominate your organisation instead',
    );
  if (source === 'learning_review') {
    const inquiry = values.inquiry
      ? await findInquiry(context.db, scope(context.actor, 'read', 'inquiry'), values.inquiry)
      : undefined;
    if (inquiry?.kind !== 'learning_review' || inquiry.org_code !== values.org)
      problems.push('inquiry: Choose a learning review of the same organisation');
  }
  if (values.period_start && values.period_end && values.period_end < values.period_start)
    problems.push('period_end: The end of the improvement must be on or after its start');
  if (problems.length) parseInput('directory entry', entrySchema, input, problems);
  authorise(context, canNominate(context.actor, values.org), `add a directory entry for ${values.org}`);
  return auditedWrite(context, {}, async (trx, at) => {
    const entry = await insertDirectoryEntry(trx, {
      org_code: values.org,
      title: values.title,
      state: 'candidate',
      source,
      inquiry_id: source === 'learning_review' ? (values.inquiry ?? null) : null,
      period_start: values.period_start ?? null,
      period_end: values.period_end ?? null,
      effort: values.effort ?? '',
      resources: values.resources ?? '',
      evidence: null,
      withdrawn_reason: null,
      created_by: actorUserId(context.actor),
      created_by_label: actorLabel(context.actor),
      created_at: at,
      updated_at: at,
    });
    await insertEntryMetrics(trx, entry.id, [...new Set(values.metrics)]);
    await insertEntryVersion(trx, {
      entry_id: entry.id,
      version: 1,
      what_they_did: values.what_they_did,
      what_did_not_work: values.what_did_not_work ?? '',
      written_by: actorUserId(context.actor),
      written_by_label: actorLabel(context.actor),
      written_at: at,
    });
    return {
      result: entry,
      audit: {
        action: 'directory_entry.create',
        entityType: 'directory_entry',
        entityId: entry.id,
        orgCode: entry.org_code,
        after: { title: entry.title, source, metrics: values.metrics },
      },
    };
  });
}

/** Invites the entry's organisation to share what it did (`inviteEntry`): candidate → invited. Curators only. */
export async function inviteEntry(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<DirectoryEntryRow> {
  const entry = await entryFor(context, id, 'curate', 'invite an organisation into the directory');
  const { version } = parseInput('invitation', stepSchema, input);
  if (entry.state !== 'candidate')
    throw new AppError('CONFLICT', `Directory entry ${id} is ${entry.state}; only a candidate is invited.`);
  return moveEntry(context, entry, version, 'invited', 'directory_entry.invite', {});
}

async function moveEntry(
  context: UseCaseContext,
  entry: DirectoryEntryRow,
  version: number,
  state: EntryState,
  action: string,
  change: Parameters<typeof updateDirectoryEntry>[3],
): Promise<DirectoryEntryRow> {
  return auditedWrite(context, {}, async (trx, at) => {
    const changed = await changeEntry(trx, entry, version, { ...change, state }, at);
    return {
      result: changed,
      audit: {
        action,
        entityType: 'directory_entry',
        entityId: entry.id,
        orgCode: entry.org_code,
        before: { state: entry.state },
        after: { state },
      },
    };
  });
}

/**
 * The entry's charts as they are now (`freezeEvidence`): for each of its metrics the organisation
 * holds, the SVG and the points, with a summary of the reading.
 */
async function freezeEvidence(
  context: UseCaseContext,
  entry: DirectoryEntryRow,
  metricIds: readonly string[],
  at: Date,
): Promise<FrozenEvidence[]> {
  const evidence: FrozenEvidence[] = [];
  for (const metricId of metricIds) {
    const spc = await storedSpc(context.db, entry.org_code, metricId).catch(() => null);
    if (!spc || spc.points.length === 0) continue;
    evidence.push({
      metricId,
      frozenAt: at.toISOString(),
      svg: renderSpcChart(spc.series, {
        id: `evidence-${entry.id}-${evidence.length}`,
        title: `${spc.metric.name}, ${spc.organisation.name} (as published ${isoDay(at)})`,
        metricName: spc.metric.name,
        unit: spc.unit,
      }),
      points: spc.points.flatMap((point) =>
        point.value === null ? [] : [{ period: point.date, value: point.value }],
      ),
      summary: await improvementSummary(context, entry.org_code, metricId, spc.reading.variation),
    });
  }
  return evidence;
}

/** The improvement in plain English where the organisation is a candidate on the metric, else the chart's reading. */
async function improvementSummary(
  context: UseCaseContext,
  orgCode: string,
  metricId: string,
  reading: string,
): Promise<string> {
  const found = await computeMetricCandidates(context.db, metricId).catch(() => null);
  const candidate = found?.candidates.find((row) => row.code === orgCode);
  return found && candidate ? describeImprovement(candidate, found.readOn, found.granularity) : reading;
}

/**
 * Publishes the entry (`publishEntry`): candidate or invited → published, only with at least one
 * contact whose consent is recorded; freezes its charts as evidence. Curators only.
 */
export async function publishEntry(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<DirectoryEntryRow> {
  const entry = await entryFor(context, id, 'curate', 'publish a directory entry');
  const { version } = parseInput('publication', stepSchema, input);
  if (entry.state !== 'candidate' && entry.state !== 'invited')
    throw new AppError(
      'CONFLICT',
      `Directory entry ${id} is ${entry.state}; only a candidate or an invited entry is published.`,
    );
  const contacts = await entryContacts(context.db, [id]);
  if (contacts.length === 0)
    throw new AppError(
      'VALIDATION_FAILED',
      'The publication has 1 problem: contacts: Record at least one contact who agreed to be contacted before publishing',
      {
        details: ['contacts: Record at least one contact who agreed to be contacted before publishing'],
      },
    );
  const metrics = (await entryMetrics(context.db, [id])).map((row) => row.metric_id);
  const at = context.clock();
  const evidence = await freezeEvidence(context, entry, metrics, at);
  return moveEntry(context, entry, version, 'published', 'directory_entry.publish', {
    evidence,
    published_at: at,
  });
}

/** Withdraws the entry with a reason (`withdrawEntry`). Curators only. */
export async function withdrawEntry(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<DirectoryEntryRow> {
  const entry = await entryFor(context, id, 'curate', 'withdraw a directory entry');
  const values = parseInput('withdrawal', withdrawSchema, input);
  if (entry.state === 'withdrawn')
    throw new AppError('CONFLICT', `Directory entry ${id} is already withdrawn.`);
  return moveEntry(context, entry, values.version, 'withdrawn', 'directory_entry.withdraw', {
    withdrawn_at: context.clock(),
    withdrawn_reason: values.reason,
  });
}

/** A new version of what they did and what did not work, with effort and resources (`reviseEntry`). */
export async function reviseEntry(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<DirectoryEntryRow> {
  const entry = await entryFor(context, id, 'edit', 'change this directory entry');
  const values = parseInput('new version', revisionSchema, input);
  if (entry.state === 'withdrawn') throw new AppError('CONFLICT', `Directory entry ${id} is withdrawn.`);
  const latest = (await entryVersions(context.db, [id]))[0];
  return auditedWrite(context, {}, async (trx, at) => {
    const changed = await changeEntry(
      trx,
      entry,
      values.version,
      { effort: values.effort ?? entry.effort, resources: values.resources ?? entry.resources },
      at,
    );
    const version = await insertEntryVersion(trx, {
      entry_id: id,
      version: (latest?.version ?? 0) + 1,
      what_they_did: values.what_they_did,
      what_did_not_work: values.what_did_not_work ?? '',
      written_by: actorUserId(context.actor),
      written_by_label: actorLabel(context.actor),
      written_at: at,
    });
    return {
      result: changed,
      audit: {
        action: 'directory_entry.revise',
        entityType: 'directory_entry',
        entityId: id,
        orgCode: entry.org_code,
        after: { version: version.version },
      },
    };
  });
}

/** Adds a contact with their recorded consent and review-by date (`addContact`). */
export async function addContact(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<{ id: number }> {
  const entry = await entryFor(context, id, 'edit', 'add a contact to this directory entry');
  const values = parseInput('contact', contactSchema, input);
  if (values.review_by <= values.consent_recorded_on)
    parseInput('contact', contactSchema, input, [
      'review_by: The review-by date must be after the date consent was recorded',
    ]);
  if (entry.state === 'withdrawn') throw new AppError('CONFLICT', `Directory entry ${id} is withdrawn.`);
  return auditedWrite(context, {}, async (trx) => {
    const contact = await insertContact(trx, {
      entry_id: id,
      name: values.name,
      role: values.role,
      email: values.email,
      consent_scope: values.consent_scope,
      consent_recorded_on: values.consent_recorded_on,
      consent_recorded_by_label: actorLabel(context.actor),
      review_by: values.review_by,
    });
    return {
      result: { id: contact.id },
      // Field names, never the contact's details, in the audit log.
      audit: {
        action: 'directory_contact.add',
        entityType: 'directory_entry',
        entityId: id,
        orgCode: entry.org_code,
        after: { contact: contact.id, consent_scope: values.consent_scope, review_by: values.review_by },
      },
    };
  });
}

/** Removes a contact (`removeEntryContact`). */
export async function removeEntryContact(
  context: UseCaseContext,
  id: number,
  contactId: number,
): Promise<void> {
  const entry = await entryFor(context, id, 'edit', 'remove a contact from this directory entry');
  await auditedWrite(context, {}, async (trx, at) => {
    const removed = await removeContact(trx, id, contactId, at);
    if (!removed) throw new AppError('NOT_FOUND', `Directory entry ${id} has no contact ${contactId}.`);
    return {
      result: undefined,
      audit: {
        action: 'directory_contact.remove',
        entityType: 'directory_entry',
        entityId: id,
        orgCode: entry.org_code,
        before: { contact: contactId },
      },
    };
  });
}

/** Adds a change idea to a metric (`createChangeIdea`). Curators only. */
export async function createChangeIdea(context: UseCaseContext, input: unknown): Promise<{ id: number }> {
  authorise(context, curatesDirectory(context.actor), 'add a change idea');
  const values = parseInput('change idea', changeIdeaSchema, input);
  const metric = await findMetric(context.db, values.metric);
  if (!metric)
    parseInput('change idea', changeIdeaSchema, input, [
      `metric: No metric has the id ${JSON.stringify(values.metric)}`,
    ]);
  return auditedWrite(context, {}, async (trx, at) => {
    const idea = await insertChangeIdea(trx, {
      metric_id: values.metric,
      name: values.name,
      summary: values.summary ?? '',
      created_by: actorUserId(context.actor),
      created_by_label: actorLabel(context.actor),
      created_at: at,
    });
    if (!idea)
      throw new AppError('CONFLICT', `The metric already has a change idea called "${values.name}".`);
    return {
      result: { id: idea.id },
      audit: {
        action: 'change_idea.create',
        entityType: 'change_idea',
        entityId: idea.id,
        orgCode: null,
        after: { metric: values.metric, name: values.name },
      },
    };
  });
}

/** Links change ideas of the entry's metrics to the entry (`linkEntryChangeIdeas`). */
export async function linkEntryChangeIdeas(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<void> {
  const entry = await entryFor(context, id, 'edit', 'link change ideas to this directory entry');
  const values = parseInput('change ideas', linkSchema, input);
  const metrics = new Set((await entryMetrics(context.db, [id])).map((row) => row.metric_id));
  for (const ideaId of values.change_ideas) {
    const idea = await findChangeIdea(context.db, ideaId);
    if (!idea || !metrics.has(idea.metric_id))
      parseInput('change ideas', linkSchema, input, [
        `change_ideas: Change idea ${ideaId} is not a change idea of this entry’s metrics`,
      ]);
  }
  await auditedWrite(context, {}, async (trx) => {
    await linkChangeIdeas(trx, id, values.change_ideas);
    return {
      result: undefined,
      audit: {
        action: 'directory_entry.link_change_ideas',
        entityType: 'directory_entry',
        entityId: id,
        orgCode: entry.org_code,
        after: { change_ideas: values.change_ideas },
      },
    };
  });
}

/** Records that an organisation adopted a published entry's idea, and how it went (`recordAdoption`). */
export async function recordAdoption(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<{ id: number }> {
  const entry = await entryFor(context, id, 'read', 'read this directory entry');
  authorise(
    context,
    curatesDirectory(context.actor) || writerOf(context.actor).length > 0,
    'record an adoption',
  );
  const values = parseInput('adoption', adoptionSchema, input);
  if (!(await findOrganisation(context.db, values.org)))
    parseInput('adoption', adoptionSchema, input, [`org: No organisation has the code ${values.org}`]);
  authorise(context, canRecordAdoption(context.actor, values.org), `record an adoption for ${values.org}`);
  if (entry.state !== 'published' && entry.state !== 'stale')
    throw new AppError(
      'CONFLICT',
      `Directory entry ${id} is not published; only a published idea is adopted.`,
    );
  return auditedWrite(context, {}, async (trx, at) => {
    const adoption = await insertAdoption(trx, {
      entry_id: id,
      org_code: values.org,
      adopted_on: values.adopted_on,
      how_it_went: values.how_it_went ?? '',
      outcome: values.outcome ?? null,
      created_by: actorUserId(context.actor),
      created_by_label: actorLabel(context.actor),
      created_at: at,
    });
    return {
      result: { id: adoption.id },
      audit: {
        action: 'directory_adoption.create',
        entityType: 'directory_entry',
        entityId: id,
        orgCode: values.org,
        after: { org: values.org, outcome: values.outcome ?? null },
      },
    };
  });
}
