import { z } from 'zod';
import { type RoleName, roleNames, roleScopes, type ScopeKind } from '../../domain/people.ts';
import { AppError } from '../../errors.ts';
import { actorLabel } from '../../policies/actor.ts';
import { findOrganisation } from '../../store/repos/organisation-repo.ts';
import { deleteUserSessions } from '../../store/repos/session-repo.ts';
import {
  endGrant,
  findUserByEmail,
  insertGrant,
  insertUser,
  listGrants,
  listUsers,
  setPasswordHash,
  setUserDisabled,
} from '../../store/repos/user-repo.ts';
import type { AppUserRow, RoleGrantRow } from '../../store/tables.ts';
import { auditedWrite, authorise, isoDay, type UseCaseContext } from '../context.ts';
import { hashPassword, passwordProblems } from './passwords.ts';

/** People and their roles: add, set a password, grant and revoke roles, disable. Operator only. */

const emailSchema = z.string().trim().toLowerCase().pipe(z.email('must be an email address'));

function validation(problems: string[]): AppError {
  return new AppError('VALIDATION_FAILED', `${problems.length} problem(s): ${problems.join('; ')}`, {
    details: problems,
  });
}

function requireOperator(context: UseCaseContext, what: string) {
  authorise(context, context.actor.kind === 'operator', what);
}

async function userOrThrow(context: UseCaseContext, email: string): Promise<AppUserRow> {
  const user = await findUserByEmail(context.db, email);
  if (!user)
    throw new AppError(
      'NOT_FOUND',
      `No user has the email address ${email.trim().toLowerCase()}. List them with \`tend users list\`.`,
    );
  return user;
}

const publicUser = (user: AppUserRow) => ({
  id: user.id,
  email: user.email,
  name: user.display_name,
  disabled: user.disabled_at !== null,
});

/** Adds a person. The password, if given, must pass the rules; every problem is listed at once. */
export async function addUser(
  context: UseCaseContext,
  input: { email: string; name: string; password?: string; isDemo?: boolean },
): Promise<AppUserRow> {
  requireOperator(context, 'add users');
  const problems: string[] = [];
  const email = emailSchema.safeParse(input.email);
  if (!email.success) problems.push(`email: ${email.error.issues[0]?.message ?? 'is not valid'}`);
  const name = input.name.trim();
  if (!name) problems.push('name: must not be empty');
  if (name.length > 200) problems.push('name: must be at most 200 characters');
  if (input.password !== undefined)
    for (const problem of passwordProblems(input.password, input.email))
      problems.push(`password: ${problem}`);
  if (email.success && (await findUserByEmail(context.db, email.data)))
    problems.push(`email: ${email.data} already has an account`);
  if (problems.length) throw validation(problems);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  return auditedWrite(context, {}, async (trx, at) => {
    const user = await insertUser(trx, {
      email: email.data as string,
      displayName: name,
      passwordHash,
      isDemo: input.isDemo,
      createdAt: at,
    });
    return {
      result: user,
      audit: {
        action: 'user.add',
        entityType: 'user',
        entityId: user.id,
        orgCode: null,
        after: publicUser(user),
      },
    };
  });
}

/** Sets (or replaces) a person's password, unlocking the account. */
export async function setPassword(context: UseCaseContext, email: string, password: string): Promise<void> {
  requireOperator(context, 'set passwords');
  const user = await userOrThrow(context, email);
  const problems = passwordProblems(password, user.email).map((problem) => `password: ${problem}`);
  if (problems.length) throw validation(problems);
  const hash = await hashPassword(password);
  await auditedWrite(context, {}, async (trx) => {
    await setPasswordHash(trx, user.id, hash);
    return {
      result: undefined,
      audit: { action: 'user.set_password', entityType: 'user', entityId: user.id, orgCode: null },
    };
  });
}

export interface GrantInput {
  email: string;
  role: string;
  scopeKind: ScopeKind;
  scopeCode?: string | null;
  validFrom?: string;
  validTo?: string | null;
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `text` is a real calendar date written YYYY-MM-DD (not 2026-13-01 or 2026-02-30). */
function isIsoDate(text: string): boolean {
  if (!datePattern.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}

/** Grants a role over a scope for a dated period (from today, open-ended, unless given). */
export async function grantRole(context: UseCaseContext, input: GrantInput): Promise<RoleGrantRow> {
  requireOperator(context, 'grant roles');
  const problems: string[] = [];
  const user = await findUserByEmail(context.db, input.email);
  if (!user) problems.push(`email: no user has the email address ${input.email}`);
  const role = input.role as RoleName;
  if (!roleNames.includes(role)) problems.push(`role: must be one of ${roleNames.join(', ')}`);
  else if (!roleScopes[role].includes(input.scopeKind))
    problems.push(
      `scope: ${role} is granted over ${roleScopes[role].map((kind) => (kind === 'none' ? 'no scope' : `a ${kind}`)).join(' or ')}, not ${input.scopeKind === 'none' ? 'no scope' : `a ${input.scopeKind}`}`,
    );
  const code = input.scopeCode ? input.scopeCode.trim().toUpperCase() : null;
  if (input.scopeKind === 'organisation' || input.scopeKind === 'system' || input.scopeKind === 'region') {
    const organisation = code ? await findOrganisation(context.db, code) : undefined;
    const expectedKind =
      input.scopeKind === 'system' ? 'icb' : input.scopeKind === 'region' ? 'region' : undefined;
    if (!code) problems.push(`scope: a ${input.scopeKind} code is needed`);
    else if (!organisation) problems.push(`scope: no organisation has the code ${code}`);
    else if (expectedKind && organisation.kind !== expectedKind)
      problems.push(
        `scope: ${code} is not ${expectedKind === 'icb' ? 'an integrated care board' : 'an NHS England region'}`,
      );
  }
  const today = isoDay(context.clock());
  const validFrom = input.validFrom ?? today;
  if (!isIsoDate(validFrom)) problems.push('from: must be a date, YYYY-MM-DD');
  if (input.validTo && !isIsoDate(input.validTo)) problems.push('until: must be a date, YYYY-MM-DD');
  else if (input.validTo && input.validTo <= validFrom) problems.push('until: must be after the start date');
  if (problems.length || !user) throw validation(problems);
  return auditedWrite(context, {}, async (trx) => {
    const grant = await insertGrant(trx, {
      userId: user.id,
      role,
      scopeKind: input.scopeKind,
      scopeCode: input.scopeKind === 'england' || input.scopeKind === 'none' ? null : code,
      validFrom,
      validTo: input.validTo ?? null,
      grantedBy: actorLabel(context.actor),
    });
    return {
      result: grant,
      audit: {
        action: 'role.grant',
        entityType: 'role_grant',
        entityId: grant.id,
        orgCode: grant.scope_code,
        after: grant,
      },
    };
  });
}

/** Ends every grant in force today that matches the role and scope; returns how many ended. */
export async function revokeRole(
  context: UseCaseContext,
  input: { email: string; role: string; scopeKind: ScopeKind; scopeCode?: string | null },
): Promise<number> {
  requireOperator(context, 'revoke roles');
  const user = await userOrThrow(context, input.email);
  const today = isoDay(context.clock());
  const code = input.scopeCode ? input.scopeCode.trim().toUpperCase() : null;
  const matching = (await listGrants(context.db, user.id)).filter(
    (grant) =>
      grant.role === input.role &&
      grant.scope_kind === input.scopeKind &&
      (grant.scope_code ?? null) === code &&
      (grant.valid_to === null || grant.valid_to > today),
  );
  if (matching.length === 0)
    throw new AppError(
      'NOT_FOUND',
      `${user.email} holds no ${input.role} role${code ? ` for ${code}` : ''} today.`,
    );
  return auditedWrite(context, {}, async (trx) => {
    for (const grant of matching) await endGrant(trx, grant.id, [grant.valid_from, today].sort()[1]);
    return {
      result: matching.length,
      audit: {
        action: 'role.revoke',
        entityType: 'role_grant',
        entityId: matching.map((grant) => grant.id).join(','),
        orgCode: code,
        before: matching,
      },
    };
  });
}

/** Disables an account and signs it out everywhere; its tokens stop working at once. */
export async function disableUser(context: UseCaseContext, email: string): Promise<void> {
  requireOperator(context, 'disable users');
  const user = await userOrThrow(context, email);
  await auditedWrite(context, {}, async (trx, at) => {
    await setUserDisabled(trx, user.id, at);
    const sessions = await deleteUserSessions(trx, user.id);
    return {
      result: undefined,
      audit: {
        action: 'user.disable',
        entityType: 'user',
        entityId: user.id,
        orgCode: null,
        after: { sessionsEnded: sessions },
      },
    };
  });
}

/** Every person with their grants (the operator's view). */
export async function listPeople(
  context: UseCaseContext,
): Promise<{ user: AppUserRow; grants: RoleGrantRow[] }[]> {
  requireOperator(context, 'list users');
  const users = await listUsers(context.db);
  return Promise.all(users.map(async (user) => ({ user, grants: await listGrants(context.db, user.id) })));
}
