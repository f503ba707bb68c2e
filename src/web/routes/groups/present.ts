import { cachedAssessment, nofQuarters } from '../../../app/assessment-cache.ts';
import type { UseCaseContext } from '../../../app/context.ts';
import { currentGroupsOfOrganisation, type GroupDetail } from '../../../app/groups/read.ts';
import { readSignals } from '../../../app/signals/read.ts';
import { cell, type DataTable } from '../../data-table.ts';
import { errorsByField, type FieldError } from '../../forms.ts';
import { longDate } from '../inquiries/present.ts';
import { frameworkForQuarter } from '../league-tables/present.ts';

/**
 * View models of the group pages: every group with its current members, and one group's members
 * shown together — for each current member its Oversight Framework segment and the quarter it is
 * from, its open signals and a link — with the memberships that ended beneath, and the forms for
 * those who record groups (create, add a member, end a membership, edit the description).
 */

export type FormValues = Record<string, string>;

/** Which form on the group page a problem belongs to. */
export type GroupForm = 'description' | 'add' | 'end';

export interface FormState {
  values?: FormValues;
  errors?: FieldError[];
  form?: GroupForm;
  memberId?: number;
}

/** The address of every group, and of one. */
export const groupsPath = '/groups';
export function groupPath(id: number): string {
  return `${groupsPath}/${id}`;
}

function organisationHref(code: string): string {
  return `/organisations/${encodeURIComponent(code)}`;
}

/** Every group with its current members, and the form to create one for those who may (`presentGroups`). */
export function presentGroups(
  list: { groups: readonly GroupDetail[]; mayCreate: boolean },
  state: FormState = {},
) {
  const errors = state.errors ?? [];
  const table: DataTable = {
    id: 'groups',
    caption: 'Groups of trusts under shared leadership and their current members',
    captionHidden: true,
    fileName: 'tend-groups',
    columns: [
      { label: 'Group', sort: true },
      { label: 'Current members', sort: true },
      { label: 'Current member codes', csvOnly: true },
      { label: 'Number of current members', numeric: true, sort: true },
      { label: 'Past memberships', numeric: true, sort: true },
      { label: 'Example', csvOnly: true },
    ],
    rows: list.groups.map((detail) => ({
      key: String(detail.group.id),
      cells: [
        cell(detail.group.name, {
          href: groupPath(detail.group.id),
          note: detail.group.is_example ? '(Example – invented)' : undefined,
        }),
        cell(detail.current.map((member) => member.orgName).join('; ') || 'None today'),
        cell(detail.current.map((member) => member.orgCode).join(' ')),
        cell(detail.current.length),
        cell(detail.past.length),
        cell(detail.group.is_example ? 'Yes' : 'No'),
      ],
    })),
  };
  return {
    pageName: 'Groups and shared leadership',
    groupCount: list.groups.length,
    groups: table,
    mayCreate: list.mayCreate,
    createAction: groupsPath,
    values: state.values ?? {},
    errors,
    fieldErrors: errorsByField(errors),
  };
}

/** A member's Oversight Framework segment in the latest quarter Tend holds for it, or null. */
async function latestSegment(
  db: UseCaseContext['db'],
  code: string,
): Promise<{ segment: number | null; quarter: string } | null> {
  const quarter = (await nofQuarters(db, code))[0];
  if (!quarter) return null;
  const assessment = await cachedAssessment(db, { framework: frameworkForQuarter(quarter), quarter });
  const row = assessment.details.find((each) => each.code === code);
  return row ? { segment: row.adjustedSegment, quarter } : null;
}

/**
 * One group (`presentGroup`): its current members shown together as a data table (segment and
 * quarter from the Oversight Framework, as the organisation page reads them; open signals the
 * reader may read, linked to their list), those joining later, past members with their dates, and
 * the forms the reader may use. Problems with one form are shown beside it.
 */
export async function presentGroup(
  context: Pick<UseCaseContext, 'db' | 'actor'>,
  detail: GroupDetail,
  state: FormState = {},
) {
  const { group } = detail;
  const errors = state.errors ?? [];
  const fieldErrors = errorsByField(errors);
  const current = [];
  for (const member of detail.current) {
    const nof = await latestSegment(context.db, member.orgCode);
    const signals = await readSignals(context, { orgCode: member.orgCode }, 0);
    current.push({ member, nof, openSignals: signals.total });
  }
  const membersTable: DataTable = {
    id: 'members',
    caption: `Current members of ${group.name}: NHS Oversight Framework segment and open signals`,
    fileName: `tend-group-${group.id}-members`,
    columns: [
      { label: 'Trust', sort: true },
      { label: 'ODS code', csvOnly: true },
      { label: 'Member from', sort: true },
      { label: 'Segment', numeric: true, sort: true },
      { label: 'Quarter', sort: true },
      { label: 'Open signals', numeric: true, sort: true },
    ],
    rows: current.map(({ member, nof, openSignals }) => ({
      key: member.orgCode,
      cells: [
        cell(member.orgName, { href: organisationHref(member.orgCode), note: `(${member.orgCode})` }),
        cell(member.orgCode),
        cell(longDate(member.fromDate), { sortValue: member.fromDate, csv: member.fromDate }),
        nof?.segment
          ? cell(`Segment ${nof.segment}`, { sortValue: nof.segment, csv: nof.segment })
          : cell('Not held', { sortValue: 99, csv: null }),
        cell(nof?.quarter ?? 'None held', { csv: nof?.quarter ?? null }),
        cell(openSignals, { href: `/signals?org=${encodeURIComponent(member.orgCode)}` }),
      ],
    })),
  };
  const pastTable: DataTable = {
    id: 'past-members',
    caption: `Past members of ${group.name}`,
    fileName: `tend-group-${group.id}-past-members`,
    columns: [
      { label: 'Trust', sort: true },
      { label: 'ODS code', csvOnly: true },
      { label: 'Member from', sort: true },
      { label: 'Member until', sort: true },
    ],
    rows: detail.past.map((member) => ({
      key: `${member.orgCode}-${member.id}`,
      cells: [
        cell(member.orgName, { href: organisationHref(member.orgCode), note: `(${member.orgCode})` }),
        cell(member.orgCode),
        cell(longDate(member.fromDate), { sortValue: member.fromDate, csv: member.fromDate }),
        cell(longDate(member.toDate), { sortValue: member.toDate ?? '', csv: member.toDate }),
      ],
    })),
  };
  const base = groupPath(group.id);
  const valuesFor = (form: GroupForm) => (state.form === form ? (state.values ?? {}) : {});
  return {
    pageName: `${group.name} – group`,
    group: {
      id: group.id,
      name: group.name,
      description: group.description,
      isExample: group.is_example,
      created: longDate(group.created_at),
    },
    currentCount: detail.current.length,
    membersTable,
    upcoming: detail.upcoming.map((member) => ({
      name: member.orgName,
      code: member.orgCode,
      href: organisationHref(member.orgCode),
      from: longDate(member.fromDate),
    })),
    pastCount: detail.past.length,
    pastTable,
    may: detail.may,
    endable: detail.current
      .concat(detail.upcoming)
      .filter((member) => member.mayEnd)
      .map((member) => ({
        id: member.id,
        name: member.orgName,
        code: member.orgCode,
        from: longDate(member.fromDate),
        action: `${base}/members/${member.id}/end`,
        error: state.form === 'end' && state.memberId === member.id ? fieldErrors.toDate : undefined,
        value: state.form === 'end' && state.memberId === member.id ? state.values?.toDate : undefined,
      })),
    descriptionAction: `${base}/description`,
    addAction: `${base}/members`,
    descriptionValues:
      state.form === 'description' ? (state.values ?? {}) : { description: group.description ?? '' },
    addValues: valuesFor('add'),
    errors:
      state.form === 'end'
        ? errors.map((error) => ({
            ...error,
            field: error.field === 'toDate' ? `toDate-${state.memberId}` : error.field,
          }))
        : errors,
    descriptionErrors: state.form === 'description' ? fieldErrors : {},
    addErrors: state.form === 'add' ? fieldErrors : {},
  };
}

/** The organisation page's line naming the groups it is a current member of (`groupLinksFor`): one query. */
export async function groupLinksFor(
  context: UseCaseContext,
  orgCode: string,
): Promise<{ groupLinks: { href: string; name: string; isExample: boolean }[] }> {
  const groups = await currentGroupsOfOrganisation(context, orgCode);
  return {
    groupLinks: groups.map((group) => ({
      href: groupPath(group.id),
      name: group.name,
      isExample: group.isExample,
    })),
  };
}
