import { AppError } from '../../errors.ts';
import { actorLabel, actorUserId } from '../../policies/actor.ts';
import type { OrganisationContext } from '../../policies/organisation-context.ts';
import {
  canCreateGroup,
  canEditGroup,
  canManageGroupMembership,
  mayManageSomeGroup,
} from '../../policies/organisation-group.ts';
import { insertAuditEntry } from '../../store/repos/audit-repo.ts';
import {
  endGroupMember,
  type GroupCandidate,
  type GroupMemberRow,
  type GroupRow,
  groupCandidates,
  insertGroup,
  insertGroupMembers,
  listGroupMembers,
  updateGroupDescription,
} from '../../store/repos/group-repo.ts';
import { auditedWrite, authorise, isoDay, type UseCaseContext } from '../context.ts';
import {
  checkCandidates,
  checkField,
  checkFounderCodes,
  checkOverlap,
  notFound,
  validationFailed,
  valuesOf,
} from './input.ts';
import { isCurrent, loadGroup } from './read.ts';

/**
 * Recording groups of organisations under shared leadership (`policies/organisation-group.ts`):
 * creating a group of two or more trusts from a date, adding a member from a date, ending a
 * membership on a date, editing the description. National oversight records any group; a region's
 * oversight only trusts in its region; the operator anything. Each is one audited transaction
 * (`auditedWrite`) whose entry names the organisation that joined or left, so its administrators see
 * it on their audit page. Creating a group writes, in the same transaction, one entry for each
 * further founding trust as well — one organisation's entry cannot name another — so every founder's
 * audit page says it was made a member.
 */

function byLabel(context: UseCaseContext): string {
  return context.actor.kind === 'user' ? context.actor.name : actorLabel(context.actor);
}

function contextOf(candidate: GroupCandidate): OrganisationContext {
  return { code: candidate.code, icbCodes: [], regionCodes: candidate.region_codes };
}

/** Refuses (FORBIDDEN) anyone who records no groups at all, before any field is checked (`requireMayManage`). */
function requireMayManage(context: UseCaseContext, what: string): void {
  authorise(context, context.actor.kind !== 'anonymous' && mayManageSomeGroup(context.actor), what);
}

/** Refuses (FORBIDDEN) a region's oversight for trusts outside its region, naming them. */
function requireManages(context: UseCaseContext, found: readonly GroupCandidate[], what: string): void {
  const outside = found.filter((each) => !canManageGroupMembership(context.actor, contextOf(each)));
  if (outside.length)
    throw new AppError(
      'FORBIDDEN',
      `You do not have permission to ${what} for ${outside.map((each) => each.code).join(', ')}: a region's oversight records groups only of trusts in its region.`,
    );
}

/** A membership failing the store's own overlap check (a write that raced ours) as the field problem it is. */
function overlapRefused(error: unknown, orgCode: string): never {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === '23P01')
    throw validationFailed('membership', [
      `fromDate: ${orgCode} is already a member of the group for part of that time; a membership may not overlap it`,
    ]);
  throw error;
}

/**
 * Creates a group (`createGroup`): `name`, `description` (optional), `members` (two or more trusts'
 * ODS codes: a list, or text with the codes separated by commas, spaces or new lines) and `fromDate`
 * (the day they came under shared leadership).
 */
export async function createGroup(
  context: UseCaseContext,
  input: unknown,
): Promise<{ group: GroupRow; members: GroupMemberRow[] }> {
  requireMayManage(context, 'record a group');
  const values = valuesOf(input);
  const problems: string[] = [];
  const name = checkField('name', values.name, problems);
  const description = checkField('description', values.description, problems);
  const codes = checkFounderCodes(values.members, problems);
  const fromDate = checkField('fromDate', values.fromDate, problems);
  const found = await groupCandidates(context.db, codes);
  checkCandidates('members', codes, found, fromDate, problems);
  if (!canCreateGroup(context.actor, found.map(contextOf))) requireManages(context, found, 'record a group');
  if (problems.length > 0 || !name || !fromDate) throw validationFailed('group', problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const group = await insertGroup(trx, {
      name,
      description: description ?? null,
      created_by: actorUserId(context.actor),
      created_by_label: byLabel(context),
      created_at: at,
    });
    const members = await insertGroupMembers(
      trx,
      codes.map((code) => ({
        group_id: group.id,
        org_code: code,
        from_date: fromDate,
        to_date: null,
        added_by: actorUserId(context.actor),
        added_by_label: byLabel(context),
        added_at: at,
      })),
    );
    const entry = (member: GroupMemberRow) => ({
      action: 'group.create',
      entityType: 'organisation_group',
      entityId: group.id,
      orgCode: member.org_code,
      after: { group, membership: member, founders: codes },
    });
    for (const member of members.slice(1)) {
      const audit = entry(member);
      await insertAuditEntry(trx, {
        at,
        actorUserId: actorUserId(context.actor),
        actorLabel: actorLabel(context.actor),
        action: audit.action,
        entityType: audit.entityType,
        entityId: String(audit.entityId),
        orgCode: audit.orgCode,
        before: null,
        after: audit.after,
      });
    }
    return { result: { group, members }, audit: entry(members[0]) };
  });
}

/**
 * Adds a trust to a group (`addGroupMember`): `org`, `fromDate`, and `toDate` when recording a stretch
 * that has already ended. Refused when it overlaps a stretch the trust already holds in the group.
 */
export async function addGroupMember(
  context: UseCaseContext,
  groupId: number,
  input: unknown,
): Promise<GroupMemberRow> {
  const group = await loadGroup(context, groupId);
  requireMayManage(context, 'add a member to a group');
  const values = valuesOf(input);
  const problems: string[] = [];
  const orgCode = checkField('org', values.org, problems);
  const fromDate = checkField('fromDate', values.fromDate, problems);
  const toDate =
    values.toDate === undefined || values.toDate === null || values.toDate === ''
      ? undefined
      : checkField('toDate', values.toDate, problems);
  if (fromDate && toDate && toDate < fromDate)
    problems.push('toDate: The membership must end on or after it starts');
  const found = orgCode ? await groupCandidates(context.db, [orgCode]) : [];
  if (orgCode) checkCandidates('org', [orgCode], found, fromDate, problems);
  requireManages(context, found, 'add a member to a group');
  if (orgCode && fromDate && (!toDate || toDate >= fromDate))
    checkOverlap(orgCode, fromDate, toDate ?? null, await listGroupMembers(context.db, group.id), problems);
  if (problems.length > 0 || !orgCode || !fromDate) throw validationFailed('membership', problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const [member] = await insertGroupMembers(trx, [
      {
        group_id: group.id,
        org_code: orgCode,
        from_date: fromDate,
        to_date: toDate ?? null,
        added_by: actorUserId(context.actor),
        added_by_label: byLabel(context),
        added_at: at,
        ...(toDate
          ? { ended_by: actorUserId(context.actor), ended_by_label: byLabel(context), ended_at: at }
          : {}),
      },
    ]).catch((error: unknown) => overlapRefused(error, orgCode));
    return {
      result: member,
      audit: {
        action: 'group.add_member',
        entityType: 'organisation_group',
        entityId: group.id,
        orgCode,
        after: { group: { id: group.id, name: group.name }, membership: member },
      },
    };
  });
}

/**
 * Ends a membership still open (`endGroupMembership`): `toDate`, the last day the trust is a member,
 * on or after it joined. The trust stays on the group's page among its past members.
 */
export async function endGroupMembership(
  context: UseCaseContext,
  groupId: number,
  memberId: number,
  input: unknown,
): Promise<GroupMemberRow> {
  const group = await loadGroup(context, groupId);
  requireMayManage(context, "end a trust's membership of a group");
  const member = (await listGroupMembers(context.db, group.id)).find((each) => each.id === memberId);
  if (!member) throw notFound('membership', memberId);
  requireManages(
    context,
    await groupCandidates(context.db, [member.org_code]),
    "end a trust's membership of a group",
  );
  if (member.to_date !== null)
    throw new AppError('CONFLICT', `This membership already ended on ${member.to_date}.`);
  const problems: string[] = [];
  const toDate = checkField('toDate', valuesOf(input).toDate, problems);
  if (toDate !== undefined && toDate < member.from_date)
    problems.push(`toDate: The membership must end on or after it started (${member.from_date})`);
  if (problems.length > 0 || toDate === undefined) throw validationFailed('membership', problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const ended = await endGroupMember(trx, group.id, member.id, {
      toDate,
      endedBy: actorUserId(context.actor),
      endedByLabel: byLabel(context),
      at,
    });
    if (!ended) throw new AppError('CONFLICT', 'This membership has already ended.');
    const { org_name: _name, org_kind: _kind, org_closed_on: _closed, ...before } = member;
    return {
      result: ended,
      audit: {
        action: 'group.end_membership',
        entityType: 'organisation_group',
        entityId: group.id,
        orgCode: member.org_code,
        before: { group: { id: group.id, name: group.name }, membership: before },
        after: { group: { id: group.id, name: group.name }, membership: ended },
      },
    };
  });
}

/**
 * Edits a group's description (`editGroupDescription`): `description`, sent empty to clear it.
 * National oversight, or a region's oversight while every current member is in its region.
 */
export async function editGroupDescription(
  context: UseCaseContext,
  groupId: number,
  input: unknown,
): Promise<GroupRow> {
  const group = await loadGroup(context, groupId);
  requireMayManage(context, "edit a group's description");
  const members = await listGroupMembers(context.db, group.id);
  const day = isoDay(context.clock());
  const current = await groupCandidates(
    context.db,
    members.filter((member) => isCurrent(member, day)).map((member) => member.org_code),
  );
  authorise(context, canEditGroup(context.actor, current.map(contextOf)), "edit this group's description");
  const values = valuesOf(input);
  const problems: string[] = [];
  if (values.description === undefined)
    problems.push('description: Give the description, or send it empty to clear it');
  const description = checkField('description', values.description, problems);
  if (problems.length > 0) throw validationFailed('group', problems);
  return auditedWrite(context, {}, async (trx) => {
    const changed = await updateGroupDescription(trx, group.id, description ?? null);
    if (!changed) throw notFound('group', group.id);
    return {
      result: changed,
      audit: {
        action: 'group.edit_description',
        entityType: 'organisation_group',
        entityId: group.id,
        orgCode: null,
        before: { description: group.description },
        after: { description: changed.description },
      },
    };
  });
}
