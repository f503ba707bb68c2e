import { AppError, validationFailedInFieldOrder } from '../../errors.ts';
import type { GroupCandidate, GroupMemberRow } from '../../store/repos/group-repo.ts';
import { fieldChecker, isoDate, optionalText, organisationCode, text, valuesOf } from '../input-fields.ts';

/**
 * A group's and a membership's fields checked at the use cases' door: every problem listed at once
 * as `field: problem` (VALIDATION_FAILED), each field named as the web forms and the JSON API name
 * it — unknown codes, organisations that are not open trusts, dates, a membership overlapping one
 * the organisation already holds in the group, and a group of fewer than two organisations when it
 * is created.
 */

export const nameMax = 200;
export const descriptionMax = 2_000;
/** The most organisations a group is created with (more are added one by one). */
export const foundersMax = 20;

/** Each field's own rule. */
export const fieldRules = {
  name: text(nameMax, 'Enter the group’s name', 'The name'),
  description: optionalText(descriptionMax, 'The description'),
  org: organisationCode('Give the ODS code of the trust'),
  fromDate: isoDate('Enter the date the membership starts, as YYYY-MM-DD'),
  toDate: isoDate('Enter the date the membership ends, as YYYY-MM-DD'),
} as const;

export type FieldName = keyof typeof fieldRules;

/** Runs one field's rule (`checkField`); a problem is pushed as `field: message`. */
export const checkField = fieldChecker(fieldRules);

const fieldOrder = ['name', 'description', 'members', 'org', 'fromDate', 'toDate'];

/** VALIDATION_FAILED listing every problem in the order of the form's fields (`validationFailed`). */
export function validationFailed(thing: string, unordered: readonly string[]): AppError {
  return validationFailedInFieldOrder(thing, unordered, fieldOrder);
}

/** NOT_FOUND for a group or membership that does not exist. */
export function notFound(what: 'group' | 'membership', id: number): AppError {
  return new AppError('NOT_FOUND', `There is no ${what} ${id}.`);
}

const codePattern = /^[A-Za-z0-9]{2,10}$/;

/**
 * The founding members' codes (`checkFounderCodes`): an array of ODS codes (API), or text with codes
 * separated by commas, spaces or new lines (the form); upper-cased, duplicates refused. Fewer than two
 * is a problem: a group is of two or more organisations.
 */
export function checkFounderCodes(value: unknown, problems: string[]): string[] {
  const raw =
    typeof value === 'string'
      ? value.split(/[\s,;]+/).filter(Boolean)
      : Array.isArray(value)
        ? value
        : value === undefined || value === null
          ? []
          : undefined;
  if (raw === undefined) {
    problems.push('members: Give the ODS codes of the trusts, as a list');
    return [];
  }
  const codes: string[] = [];
  const malformed: string[] = [];
  const repeated: string[] = [];
  for (const each of raw) {
    const code = typeof each === 'string' ? each.trim().toUpperCase() : '';
    if (!codePattern.test(code)) malformed.push(typeof each === 'string' ? each.slice(0, 20) : String(each));
    else if (codes.includes(code)) repeated.push(code);
    else codes.push(code);
  }
  if (raw.length > foundersMax)
    problems.push(`members: Create the group with ${foundersMax} trusts or fewer, then add the others`);
  if (malformed.length) problems.push(`members: Not an ODS code: ${malformed.join(', ')}`);
  if (repeated.length) problems.push(`members: Given more than once: ${[...new Set(repeated)].join(', ')}`);
  if (codes.length + malformed.length < 2)
    problems.push('members: A group is of two or more trusts: give at least two ODS codes');
  return codes.slice(0, foundersMax);
}

/**
 * The problems of organisations as members (`checkCandidates`): codes Tend does not hold, and
 * organisations that are not NHS trusts or had closed by `fromDate`. `field` names the field the
 * codes came from.
 */
export function checkCandidates(
  field: 'members' | 'org',
  codes: readonly string[],
  found: readonly GroupCandidate[],
  fromDate: string | undefined,
  problems: string[],
): void {
  const byCode = new Map(found.map((row) => [row.code, row]));
  const unknown = codes.filter((code) => !byCode.has(code));
  if (unknown.length)
    problems.push(
      `${field}: No organisation has the code${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}`,
    );
  const notTrusts = codes.filter((code) => byCode.has(code) && byCode.get(code)?.kind !== 'trust');
  if (notTrusts.length)
    problems.push(`${field}: A group is of NHS trusts; not a trust: ${notTrusts.join(', ')}`);
  const closed = codes.filter((code) => {
    const closedOn = byCode.get(code)?.closed_on;
    return closedOn !== null && closedOn !== undefined && fromDate !== undefined && closedOn < fromDate;
  });
  if (closed.length) problems.push(`${field}: Closed before the membership starts: ${closed.join(', ')}`);
}

/** Whether two stretches, each up to and including its end (null: open), share a day (`stretchesOverlap`). */
export function stretchesOverlap(
  a: { from: string; to: string | null },
  b: { from: string; to: string | null },
): boolean {
  return (a.to === null || b.from <= a.to) && (b.to === null || a.from <= b.to);
}

/**
 * The problem of a new stretch overlapping one the organisation already holds in the group
 * (`checkOverlap`), naming the stretch it overlaps.
 */
export function checkOverlap(
  orgCode: string,
  from: string,
  to: string | null,
  held: readonly Pick<GroupMemberRow, 'org_code' | 'from_date' | 'to_date'>[],
  problems: string[],
): void {
  const clash = held.find(
    (member) =>
      member.org_code === orgCode &&
      stretchesOverlap({ from, to }, { from: member.from_date, to: member.to_date }),
  );
  if (clash)
    problems.push(
      `fromDate: ${orgCode} is already a member of the group from ${clash.from_date}${clash.to_date ? ` to ${clash.to_date}` : ''}; a membership may not overlap it`,
    );
}

export { valuesOf };
