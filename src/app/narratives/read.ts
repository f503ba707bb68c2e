import { z } from 'zod';
import { narrativeKinds, publicationStatuses } from '../../domain/people.ts';
import { AppError } from '../../errors.ts';
import { actorUserId, peopleOf } from '../../policies/actor.ts';
import { canCreateNarrative, canNarrative } from '../../policies/narrative.ts';
import type { OrganisationContext } from '../../policies/organisation-context.ts';
import { scope } from '../../policies/scope.ts';
import {
  findNarrative,
  findNarrativeVersion,
  listNarratives,
  listNarrativesWithTotal,
  listNarrativeVersions,
  type NarrativeFilter,
  type NarrativeWithBody,
  narrativeReaders,
} from '../../store/repos/narrative-repo.ts';
import { findOrganisation, organisationContext } from '../../store/repos/organisation-repo.ts';
import { usersByIds } from '../../store/repos/user-repo.ts';
import type { NarrativeVersionRow, OrganisationRow } from '../../store/tables.ts';
import type { UseCaseContext } from '../context.ts';
import { compareFields, compareText, type DiffRow, type FieldChange } from './diff.ts';
import { notFound } from './input.ts';

/**
 * Reading narratives: one, an organisation's (or one chart's), any filtered list, their versions
 * and the difference between two versions. Everything goes through the actor's read scope; what it
 * does not allow is NOT_FOUND, never FORBIDDEN, so its existence is not revealed.
 */

/** What the actor may do to a narrative they can read. */
export interface NarrativePermissions {
  edit: boolean;
  publish: boolean;
  withdraw: boolean;
}

export interface NarrativeDetail {
  narrative: NarrativeWithBody;
  org: OrganisationContext;
  permissions: NarrativePermissions;
  /** The people a named-only narrative is shared with: shown only to those who may edit it. */
  readers: { email: string; name: string }[];
}

function permissionsFor(
  context: UseCaseContext,
  narrative: NarrativeWithBody,
  org: OrganisationContext,
  readerIds: readonly number[],
): NarrativePermissions {
  const resource = {
    org,
    status: narrative.status,
    visibility: narrative.visibility,
    createdBy: narrative.created_by,
    readerIds,
  };
  const edit = canNarrative(context.actor, 'edit', resource);
  return {
    edit,
    publish: edit && narrative.status !== 'published' && canNarrative(context.actor, 'publish', resource),
    withdraw: edit && narrative.status === 'published' && canNarrative(context.actor, 'withdraw', resource),
  };
}

/** One narrative the actor may read, with what they may do to it (`getNarrative`). */
export async function getNarrative(context: UseCaseContext, id: number): Promise<NarrativeDetail> {
  const content = scope(context.actor, 'read', 'narrative');
  const narrative = await findNarrative(context.db, content, id);
  if (!narrative) throw notFound(id);
  const org = await organisationContext(context.db, narrative.org_code);
  if (!org) throw notFound(id);
  const readers = await narrativeReaders(context.db, content, id);
  const permissions = permissionsFor(
    context,
    narrative,
    org,
    readers.map((reader) => reader.id),
  );
  return {
    narrative,
    org,
    permissions,
    readers: permissions.edit
      ? readers.map((reader) => ({ email: reader.email, name: reader.display_name }))
      : [],
  };
}

/** The query a list of narratives accepts (API and pages). */
export const narrativeListFilter = z.object({
  org: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'must be an ODS code')
    .transform((code) => code.toUpperCase())
    .optional()
    .describe('Only narratives of this organisation (ODS code)'),
  metric: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a metric id')
    .optional()
    .describe('Only narratives about this metric'),
  kind: z.enum(narrativeKinds).optional().describe('Only narratives of this kind'),
  status: z.enum(publicationStatuses).optional().describe('Only narratives in this status'),
});

/** Narratives the actor may read, filtered (`findNarratives`). */
export async function findNarratives(
  context: UseCaseContext,
  filter: z.output<typeof narrativeListFilter> & { limit?: number },
): Promise<NarrativeWithBody[]> {
  const repoFilter: NarrativeFilter = {
    orgCode: filter.org,
    metricId: filter.metric,
    kind: filter.kind,
    status: filter.status,
    limit: filter.limit,
  };
  return listNarratives(context.db, scope(context.actor, 'read', 'narrative'), repoFilter);
}

export interface OrganisationNarratives {
  organisation: OrganisationRow;
  narratives: NarrativeWithBody[];
  /** How many narratives the actor may read there in all (more than listed when `limit` was given). */
  total: number;
  /** Whether the actor may write narratives for the organisation. */
  canWrite: boolean;
}

/**
 * An organisation's narratives the actor may read (`organisationNarratives`), Financial Stewardship
 * Narratives first; only those about `metricId` when given. NOT_FOUND for an unknown organisation.
 */
export async function organisationNarratives(
  context: UseCaseContext,
  orgCode: string,
  options: { metricId?: string; limit?: number; organisation?: OrganisationRow } = {},
): Promise<OrganisationNarratives> {
  const organisation =
    options.organisation?.code === orgCode
      ? options.organisation
      : /^[A-Za-z0-9]{2,10}$/.test(orgCode)
        ? await findOrganisation(context.db, orgCode)
        : undefined;
  if (!organisation) throw new AppError('NOT_FOUND', `No organisation has the code ${orgCode.slice(0, 20)}.`);
  const readScope = scope(context.actor, 'read', 'narrative');
  const filter = { orgCode: organisation.code, metricId: options.metricId };
  const { narratives, total } =
    options.limit === undefined
      ? await listNarratives(context.db, readScope, filter).then((all) => ({
          narratives: all,
          total: all.length,
        }))
      : await listNarrativesWithTotal(context.db, readScope, { ...filter, limit: options.limit });
  return { organisation, narratives, total, canWrite: canCreateNarrative(context.actor, organisation.code) };
}

export interface VersionEntry extends NarrativeVersionRow {
  /** The writer's name, shown to the organisation's people; null otherwise or when unknown. */
  writtenByName: string | null;
}

/** Whether the actor sees who wrote each version: the organisation's people and the operator. */
function showsWriters(context: UseCaseContext, orgCode: string): boolean {
  return context.actor.kind === 'operator' || peopleOf(context.actor).includes(orgCode);
}

/**
 * A narrative's versions the actor may read, oldest first (`narrativeVersions`): each under its own
 * status and visibility, so an earlier draft or organisation-only version stays hidden from a
 * reader of the published one.
 */
export async function narrativeVersions(
  context: UseCaseContext,
  id: number,
): Promise<NarrativeDetail & { versions: VersionEntry[] }> {
  const detail = await getNarrative(context, id);
  const versions = await listNarrativeVersions(context.db, scope(context.actor, 'read', 'narrative'), {
    narrativeId: id,
  });
  const names = showsWriters(context, detail.narrative.org_code)
    ? new Map(
        (
          await usersByIds(
            context.db,
            versions.map((version) => version.written_by).filter((each): each is number => each !== null),
          )
        ).map((user) => [user.id, user.display_name]),
      )
    : new Map<number, string>();
  return {
    ...detail,
    versions: versions.map((version) => ({
      ...version,
      writtenByName:
        version.written_by === null
          ? null
          : version.written_by === actorUserId(context.actor)
            ? 'you'
            : (names.get(version.written_by) ?? null),
    })),
  };
}

export interface VersionComparison extends NarrativeDetail {
  from: NarrativeVersionRow;
  to: NarrativeVersionRow;
  fields: FieldChange[];
  rows: DiffRow[];
}

/**
 * The difference between two versions the actor may read (`compareNarrativeVersions`): fields that
 * changed and the text side by side. NOT_FOUND when either version is not one they may read.
 */
export async function compareNarrativeVersions(
  context: UseCaseContext,
  id: number,
  fromVersion: number,
  toVersion: number,
): Promise<VersionComparison> {
  const detail = await getNarrative(context, id);
  const content = scope(context.actor, 'read', 'narrative');
  const from = await findNarrativeVersion(context.db, content, id, fromVersion);
  const to = await findNarrativeVersion(context.db, content, id, toVersion);
  if (!from || !to)
    throw new AppError(
      'NOT_FOUND',
      `Narrative ${id} has no version ${!from ? fromVersion : toVersion} that you can read.`,
    );
  return { ...detail, from, to, fields: compareFields(from, to), rows: compareText(from.body, to.body) };
}
