import { z } from 'zod';
import { inquiryKinds, inquiryStates } from '../../domain/inquiry.ts';
import { AppError } from '../../errors.ts';
import { peopleOf } from '../../policies/actor.ts';
import {
  canInquiry,
  canInviteInquiry,
  canOpenInquiry,
  type InquiryResource,
} from '../../policies/inquiry.ts';
import type { OrganisationContext } from '../../policies/organisation-context.ts';
import { scope } from '../../policies/scope.ts';
import type { InquiryActionRow, InquiryNoteRow } from '../../store/inquiry-tables.ts';
import {
  type FactorWithPartner,
  findInquiry,
  type InquiryWithNames,
  inquiryReaders,
  listInquiries,
  listInquiryActions,
  listInquiryFactors,
  listInquiryNotes,
  type SharedIssue,
  systemSharedIssues,
} from '../../store/repos/inquiry-repo.ts';
import { findOrganisation, organisationContext } from '../../store/repos/organisation-repo.ts';
import { findTeam } from '../../store/repos/team-repo.ts';
import type { OrganisationRow } from '../../store/tables.ts';
import type { UseCaseContext } from '../context.ts';
import { canReadMetric } from '../teams/access.ts';
import { notFound } from './input.ts';

/**
 * Reading inquiries: one with its notes, factors and actions, an organisation's, a chart's, any
 * filtered list, and a system's shared issues. Everything goes through the actor's inquiry scope;
 * what it does not allow is NOT_FOUND, never FORBIDDEN, so its existence is not revealed.
 */

/** What the actor may do to an inquiry they can read. */
export interface InquiryPermissions {
  /** Accept or decline an invitation. */
  respond: boolean;
  /** Add notes, factors and actions, answer prompts, move it on, close it. */
  work: boolean;
}

export interface InquiryDetail {
  inquiry: InquiryWithNames;
  org: OrganisationContext;
  notes: InquiryNoteRow[];
  factors: FactorWithPartner[];
  actions: InquiryActionRow[];
  permissions: InquiryPermissions;
  /** The people a named-only inquiry is shared with: shown only to those who may work on it. */
  readers: { email: string; name: string }[];
}

/**
 * An organisation's policy context and, for a team, the context of the organisation it belongs to
 * (`organisationAndParent`).
 */
export async function organisationAndParent(
  context: Pick<UseCaseContext, 'db'>,
  code: string,
): Promise<{ org: OrganisationContext | undefined; parent: OrganisationContext | null }> {
  const org = await organisationContext(context.db, code);
  const team = org ? await findTeam(context.db, code) : undefined;
  const parent = team ? await organisationContext(context.db, team.parent_code) : undefined;
  return { org, parent: parent ?? null };
}

/**
 * An inquiry the actor may read, as the policy sees it (`loadInquiryResource`), with its organisation
 * and named readers; NOT_FOUND when the scope does not read it.
 */
export async function loadInquiryResource(context: UseCaseContext, id: number) {
  const content = scope(context.actor, 'read', 'inquiry');
  const inquiry = await findInquiry(context.db, content, id);
  if (!inquiry) throw notFound(id);
  const { org, parent } = await organisationAndParent(context, inquiry.org_code);
  if (!org) throw notFound(id);
  const readers = await inquiryReaders(context.db, content, id);
  const resource: InquiryResource = {
    org,
    parent,
    state: inquiry.state,
    visibility: inquiry.visibility,
    createdBy: inquiry.created_by,
    invitedBy: inquiry.invited_by,
    readerIds: readers.map((reader) => reader.id),
    metricReadable: inquiry.metric_id === null || (await canReadMetric(context, inquiry.metric_id)),
  };
  return { inquiry, org, readers, resource, content };
}

/** One inquiry the actor may read, with its timeline and what they may do to it (`getInquiry`). */
export async function getInquiry(context: UseCaseContext, id: number): Promise<InquiryDetail> {
  const { inquiry, org, readers, resource, content } = await loadInquiryResource(context, id);
  const permissions = {
    respond: canInquiry(context.actor, 'respond', resource),
    work: canInquiry(context.actor, 'work', resource),
  };
  const [notes, factors, actions] = await Promise.all([
    listInquiryNotes(context.db, content, id),
    listInquiryFactors(context.db, content, id),
    listInquiryActions(context.db, content, id),
  ]);
  return {
    inquiry,
    org,
    notes,
    factors,
    actions,
    permissions,
    readers:
      permissions.work || permissions.respond
        ? readers.map((reader) => ({ email: reader.email, name: reader.display_name }))
        : [],
  };
}

/** The query a list of inquiries accepts (API and pages). */
export const inquiryListFilter = z.object({
  org: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{2,10}$/, 'must be an ODS code')
    .transform((code) => code.toUpperCase())
    .optional()
    .describe('Only inquiries of this organisation (ODS code)'),
  metric: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a metric id')
    .optional()
    .describe('Only inquiries about this metric'),
  signal: z.coerce.number().int().min(1).optional().describe('Only inquiries opened from this signal'),
  kind: z.enum(inquiryKinds).optional().describe('inquiry or learning_review'),
  state: z.enum(inquiryStates).optional().describe('Only inquiries in this state'),
  q: z.string().trim().min(1).max(200).optional().describe('Text in the title or learning summary'),
});

/** Inquiries the actor may read, filtered (`findInquiries`). */
export async function findInquiries(
  context: UseCaseContext,
  filter: z.output<typeof inquiryListFilter> & { limit?: number },
): Promise<InquiryWithNames[]> {
  return listInquiries(context.db, scope(context.actor, 'read', 'inquiry'), {
    orgCode: filter.org,
    metricId: filter.metric,
    signalId: filter.signal,
    kind: filter.kind,
    state: filter.state,
    text: filter.q,
    limit: filter.limit,
  });
}

export interface OrganisationInquiries {
  organisation: OrganisationRow;
  inquiries: InquiryWithNames[];
  /** Whether the actor may open an inquiry for the organisation. */
  canOpen: boolean;
  /** Whether the actor may invite the organisation into one. */
  canInvite: boolean;
}

/**
 * An organisation's inquiries the actor may read (`organisationInquiries`), the most recently
 * changed first; only those about `metricId` when given. NOT_FOUND for an unknown organisation.
 */
export async function organisationInquiries(
  context: UseCaseContext,
  orgCode: string,
  options: { metricId?: string } = {},
): Promise<OrganisationInquiries> {
  const organisation = /^[A-Za-z0-9]{2,10}$/.test(orgCode)
    ? await findOrganisation(context.db, orgCode)
    : undefined;
  if (!organisation) throw new AppError('NOT_FOUND', `No organisation has the code ${orgCode.slice(0, 20)}.`);
  const inquiries = await listInquiries(context.db, scope(context.actor, 'read', 'inquiry'), {
    orgCode: organisation.code,
    metricId: options.metricId,
  });
  const { org, parent } = await organisationAndParent(context, organisation.code);
  return {
    organisation,
    inquiries,
    canOpen: canOpenInquiry(context.actor, organisation.code, parent?.code),
    canInvite:
      !peopleOf(context.actor).includes(organisation.code) &&
      !!org &&
      canInviteInquiry(context.actor, org, parent),
  };
}

/** The factors tagged with a system partner in the ICB's members' inquiries the actor may read (`sharedIssuesOf`). */
export async function sharedIssuesOf(context: UseCaseContext, icbCode: string): Promise<SharedIssue[]> {
  return systemSharedIssues(context.db, scope(context.actor, 'read', 'inquiry'), icbCode);
}
