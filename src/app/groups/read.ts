import type { OrganisationContext } from '../../policies/organisation-context.ts';
import {
  canEditGroup,
  canManageGroupMembership,
  mayManageSomeGroup,
} from '../../policies/organisation-group.ts';
import {
  currentGroupsOf,
  findGroup,
  type GroupMemberWithOrganisation,
  type GroupRow,
  groupCandidates,
  listGroupMembers,
  listGroups,
} from '../../store/repos/group-repo.ts';
import { isoDay, type UseCaseContext } from '../context.ts';
import { notFound } from './input.ts';

/**
 * Reading groups of organisations under shared leadership: every group with its members, one group
 * with its current members, those joining later and its past members, and the groups an organisation
 * belongs to today. Public, like a system's members (`policies/organisation-group.ts`); what the
 * reader may change is given beside it.
 */

/** A membership as pages and the API show it. */
export interface GroupMemberView {
  readonly id: number;
  readonly orgCode: string;
  readonly orgName: string;
  readonly fromDate: string;
  readonly toDate: string | null;
  /** Whether the reader may end this membership (it is open, and the trust is one they record groups for). */
  readonly mayEnd: boolean;
}

/** A group with its members on the reader's day. */
export interface GroupDetail {
  readonly group: GroupRow;
  /** Members on the day: joined on or before it, not ended before it. */
  readonly current: readonly GroupMemberView[];
  /** Memberships that start after the day. */
  readonly upcoming: readonly GroupMemberView[];
  /** Memberships that ended before the day, latest end first. */
  readonly past: readonly GroupMemberView[];
  readonly may: { readonly addMember: boolean; readonly edit: boolean };
}

/** Whether a membership holds on `day` (ISO date): from its start up to and including its end (`isCurrent`). */
export function isCurrent(member: { from_date: string; to_date: string | null }, day: string): boolean {
  return member.from_date <= day && (member.to_date === null || member.to_date >= day);
}

/** Loads a group or NOT_FOUND (`loadGroup`). */
export async function loadGroup(context: Pick<UseCaseContext, 'db'>, id: number): Promise<GroupRow> {
  const group = await findGroup(context.db, id);
  if (!group) throw notFound('group', id);
  return group;
}

function split(
  members: readonly GroupMemberWithOrganisation[],
  day: string,
  mayEnd: (member: GroupMemberWithOrganisation) => boolean,
) {
  const view = (member: GroupMemberWithOrganisation): GroupMemberView => ({
    id: member.id,
    orgCode: member.org_code,
    orgName: member.org_name,
    fromDate: member.from_date,
    toDate: member.to_date,
    mayEnd: member.to_date === null && mayEnd(member),
  });
  const byName = [...members].sort(
    (a, b) => a.org_name.localeCompare(b.org_name, 'en-GB') || a.from_date.localeCompare(b.from_date),
  );
  return {
    current: byName.filter((member) => isCurrent(member, day)).map(view),
    upcoming: byName.filter((member) => member.from_date > day).map(view),
    past: byName
      .filter((member) => member.to_date !== null && member.to_date < day)
      .sort(
        (a, b) => (b.to_date ?? '').localeCompare(a.to_date ?? '') || a.org_name.localeCompare(b.org_name),
      )
      .map(view),
  };
}

/** Every group with its members on the reader's day (`listAllGroups`), by name; public. */
export async function listAllGroups(
  context: UseCaseContext,
): Promise<{ groups: GroupDetail[]; mayCreate: boolean }> {
  const day = isoDay(context.clock());
  const groups = (await listGroups(context.db)).sort(
    (a, b) => a.name.localeCompare(b.name, 'en-GB') || a.id - b.id,
  );
  const members = await listGroupMembers(context.db);
  return {
    groups: groups.map((group) => ({
      group,
      ...split(
        members.filter((member) => member.group_id === group.id),
        day,
        () => false,
      ),
      may: { addMember: false, edit: false },
    })),
    mayCreate: mayManageSomeGroup(context.actor),
  };
}

/** One group with its members on the reader's day, and what the reader may change (`getGroup`). */
export async function getGroup(context: UseCaseContext, id: number): Promise<GroupDetail> {
  const group = await loadGroup(context, id);
  const day = isoDay(context.clock());
  const members = await listGroupMembers(context.db, id);
  const manages = mayManageSomeGroup(context.actor);
  const regions = new Map<string, OrganisationContext>(
    manages
      ? (await groupCandidates(context.db, [...new Set(members.map((member) => member.org_code))])).map(
          (row) => [row.code, { code: row.code, icbCodes: [], regionCodes: row.region_codes }],
        )
      : [],
  );
  const contextOf = (code: string): OrganisationContext =>
    regions.get(code) ?? { code, icbCodes: [], regionCodes: [] };
  const parts = split(
    members,
    day,
    (member) => manages && canManageGroupMembership(context.actor, contextOf(member.org_code)),
  );
  return {
    group,
    ...parts,
    may: {
      addMember: manages,
      edit:
        manages &&
        canEditGroup(
          context.actor,
          parts.current.map((member) => contextOf(member.orgCode)),
        ),
    },
  };
}

/** The groups an organisation is a current member of (`currentGroupsOfOrganisation`): one query. */
export async function currentGroupsOfOrganisation(
  context: UseCaseContext,
  orgCode: string,
): Promise<{ id: number; name: string; isExample: boolean }[]> {
  return (await currentGroupsOf(context.db, orgCode, isoDay(context.clock()))).map((row) => ({
    id: row.id,
    name: row.name,
    isExample: row.is_example,
  }));
}
