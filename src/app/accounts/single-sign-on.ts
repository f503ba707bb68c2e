import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { type Actor, anonymous } from '../../policies/actor.ts';
import { knownOrganisationCodes } from '../../store/repos/organisation-repo.ts';
import {
  endGrant,
  findIdentityLink,
  findUserByEmail,
  findUserById,
  grantsInForceOn,
  insertGrant,
  insertIdentityLink,
  insertUser,
  listSsoRoleMappings,
  recordSignIn,
  upsertSsoRoleMapping,
} from '../../store/repos/user-repo.ts';
import type { AppUserRow } from '../../store/tables.ts';
import { auditedWrite, authorise, isoDay, type UseCaseContext } from '../context.ts';

/**
 * Single sign-on with an OpenID Connect provider (NHS CIS2 Authentication, Microsoft Entra ID):
 * the identity's claims become Tend memberships through the `sso_role_mapping` table, the identity
 * links to one Tend user, and the grants that came from the provider follow its claims at every
 * sign-in. Also the operator's mapping of a provider's role to a Tend role.
 */

/** The Tend roles a provider's role can map to: roles of one organisation. */
export const mappableRoles = ['member', 'contributor', 'admin'] as const;
export type MappableRole = (typeof mappableRoles)[number];

/** What the use case needs to know about a provider. */
export interface SsoProvider {
  readonly id: string;
  readonly label: string;
  /** `cis2`: roles from `nhsid_nrbac_roles`; `entra`: app roles (`roles`) at the organisation claim. */
  readonly claims: 'cis2' | 'entra';
  /** Entra: the claim naming the organisation; unset: `extension_ods_code`, else `ods_code`. */
  readonly organisationClaim?: string;
}

/** One role an identity's claims say a person holds at an organisation. */
export interface ClaimedRole {
  readonly orgCode: string;
  /** As the provider writes it: a CIS2 `role_code` (`S8000:G8000:R8000`) or an Entra app role. */
  readonly claimRole: string;
}

/** The grants an identity's claims come to, and why each claimed role that gave none did not. */
export interface ClaimMapping {
  readonly grants: readonly { role: MappableRole; orgCode: string }[];
  /** Organisations claimed that the store does not hold, sorted. */
  readonly unknownOrganisations: readonly string[];
  /** Roles claimed at a known organisation that no mapping names, as a mapping would name them. */
  readonly unmappedRoles: readonly string[];
}

const entraOrganisationClaims = ['extension_ods_code', 'ods_code'];

function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list
    .filter((each): each is string => typeof each === 'string' && each.trim() !== '')
    .map((each) => each.trim());
}

/**
 * The roles an identity's claims list (claimedRoles): for CIS2, each entry of `nhsid_nrbac_roles`
 * with its `org_code` and `role_code`; for Entra, every app role in `roles` at every organisation
 * in the organisation claim (a string or a list). Organisation codes are upper-cased; entries
 * missing either part are left out.
 */
export function claimedRoles(provider: SsoProvider, claims: Record<string, unknown>): ClaimedRole[] {
  if (provider.claims === 'cis2') {
    const entries = Array.isArray(claims.nhsid_nrbac_roles) ? claims.nhsid_nrbac_roles : [];
    return entries.flatMap((entry) => {
      if (typeof entry !== 'object' || entry === null) return [];
      const { org_code: orgCode, role_code: roleCode } = entry as Record<string, unknown>;
      if (typeof orgCode !== 'string' || !orgCode.trim() || typeof roleCode !== 'string' || !roleCode.trim())
        return [];
      return [{ orgCode: orgCode.trim().toUpperCase(), claimRole: roleCode.trim() }];
    });
  }
  const claimNames = provider.organisationClaim ? [provider.organisationClaim] : entraOrganisationClaims;
  const organisations = strings(
    claimNames.map((name) => claims[name]).find((value) => strings(value).length),
  );
  return strings(claims.roles).flatMap((claimRole) =>
    organisations.map((orgCode) => ({ orgCode: orgCode.toUpperCase(), claimRole })),
  );
}

/** How a mapping names a claimed role: a CIS2 role code by its last part (`R8000`), anything else whole. */
export function roleKey(claimRole: string): string {
  const parts = claimRole.split(':');
  return parts[parts.length - 1] as string;
}

/**
 * The grants claimed roles come to (mapClaims): a role whose whole code is mapped takes that
 * mapping, otherwise the mapping of its last part (`R8000` for `S8000:G8000:R8000`); each mapped
 * role at an organisation the store holds becomes a grant of the mapped Tend role there. Each claimed
 * role that gives no grant is accounted for: its organisation is unknown, or its role is unmapped.
 */
export function mapClaims(
  claimed: readonly ClaimedRole[],
  mappings: ReadonlyMap<string, MappableRole>,
  knownOrganisations: ReadonlySet<string>,
): ClaimMapping {
  const grants = new Map<string, { role: MappableRole; orgCode: string }>();
  const unknownOrganisations = new Set<string>();
  const unmappedRoles = new Set<string>();
  for (const { orgCode, claimRole } of claimed) {
    if (!knownOrganisations.has(orgCode)) {
      unknownOrganisations.add(orgCode);
      continue;
    }
    const role = mappings.get(claimRole) ?? mappings.get(roleKey(claimRole));
    if (!role) {
      unmappedRoles.add(roleKey(claimRole));
      continue;
    }
    grants.set(`${role}|${orgCode}`, { role, orgCode });
  }
  return {
    grants: [...grants.values()].sort(
      (a, b) => a.orgCode.localeCompare(b.orgCode) || a.role.localeCompare(b.role),
    ),
    unknownOrganisations: [...unknownOrganisations].sort(),
    unmappedRoles: [...unmappedRoles].sort(),
  };
}

function andList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Why claims that come to no grant refuse sign-in (refusalReasons), one sentence for each cause:
 * no roles claimed, organisations Tend does not know, roles no mapping names (with the command
 * that maps one).
 */
export function refusalReasons(
  provider: SsoProvider,
  claimed: readonly ClaimedRole[],
  mapping: ClaimMapping,
): string[] {
  if (claimed.length === 0)
    return [
      provider.claims === 'cis2'
        ? 'Your NHS identity lists no role at any organisation (its nhsid_nrbac_roles claim is empty), so Tend cannot tell where you work.'
        : `Your NHS identity lists no app role, or no organisation (Tend reads the roles claim and ${provider.organisationClaim ?? 'the extension_ods_code or ods_code claim'}), so Tend cannot tell where you work.`,
    ];
  const reasons: string[] = [];
  const unknown = mapping.unknownOrganisations;
  if (unknown.length === 1)
    reasons.push(`Your NHS identity lists organisation ${unknown[0]}, which Tend does not know.`);
  else if (unknown.length > 1)
    reasons.push(`Your NHS identity lists organisations ${andList(unknown)}, which Tend does not know.`);
  const unmapped = mapping.unmappedRoles;
  if (unmapped.length === 1)
    reasons.push(
      `Your NHS identity lists role ${unmapped[0]}, which is not mapped to a Tend role; an administrator can map it with \`tend sso map ${provider.id} ${unmapped[0]} contributor\`.`,
    );
  else if (unmapped.length > 1)
    reasons.push(
      `Your NHS identity lists roles ${andList(unmapped)}, which are not mapped to a Tend role; an administrator can map each with \`tend sso map ${provider.id} ${unmapped[0]} contributor\` (or member, or admin).`,
    );
  return reasons;
}

const emailSchema = z.string().trim().toLowerCase().pipe(z.email());

function refused(message: string, details: readonly string[] = []): AppError {
  return new AppError('SIGN_IN_REFUSED', message, { details });
}

function displayNameFrom(claims: Record<string, unknown>, email: string): string {
  const name = strings(claims.name)[0];
  if (name) return name.slice(0, 200);
  const parts = [...strings(claims.given_name), ...strings(claims.family_name)];
  return (parts.length ? parts.join(' ') : (email.split('@')[0] as string)).slice(0, 200);
}

function userActor(user: AppUserRow): Actor {
  return {
    kind: 'user',
    userId: user.id,
    email: user.email,
    name: user.display_name,
    grants: [],
    via: 'session',
  };
}

/**
 * Signs in with an identity's verified claims (signInWithSingleSignOn). The identity (provider and
 * `sub`) links to one Tend user: on first sign-in the user is created from the email and name claims,
 * or linked to the user who already has that email address. The grants this provider gave
 * (`granted_by = 'sso:<id>'`) are brought in line with the claims — new ones granted from today,
 * ones no longer claimed ended today — and the sign-in recorded, in one audited write (`user.sign_in`,
 * its after-state listing what was granted and ended). Claims that come to no grant refuse sign-in
 * with SIGN_IN_REFUSED saying why, after ending the provider's grants of a linked user and recording
 * `user.sign_in_refused`.
 */
export async function signInWithSingleSignOn(
  context: Pick<UseCaseContext, 'db' | 'clock'>,
  input: { provider: SsoProvider; claims: Record<string, unknown>; address: string },
): Promise<{ userId: number; created: boolean }> {
  const { provider, claims } = input;
  const method = `sso:${provider.id}`;
  const subject = typeof claims.sub === 'string' ? claims.sub : '';
  if (!subject) throw refused(`${provider.label} did not say who you are (no sub claim).`);
  const db = context.db;
  const link = await findIdentityLink(db, provider.id, subject);
  const email = emailSchema.safeParse(claims.email);
  const user = link
    ? await findUserById(db, link.user_id)
    : email.success && claims.email_verified !== false
      ? await findUserByEmail(db, email.data)
      : undefined;
  if (user?.disabled_at)
    throw refused(`Your Tend account (${user.email}) is disabled. Ask an administrator to enable it.`);
  if (!user && !email.success)
    throw refused(
      `Your NHS identity has no email address, which Tend needs to set up your account. Ask your organisation to add one to your ${provider.label} record.`,
    );
  if (!user && claims.email_verified === false)
    throw refused(
      `Your NHS identity’s email address (${email.data}) is not verified, so Tend cannot set up your account with it.`,
    );

  const claimed = claimedRoles(provider, claims);
  const mappings = new Map(
    (await listSsoRoleMappings(db, provider.id)).map((row) => [row.claim_role, row.tend_role] as const),
  );
  const known = new Set(
    await knownOrganisationCodes(
      db,
      claimed.map((each) => each.orgCode),
    ),
  );
  const mapping = mapClaims(claimed, mappings, known);
  const reasons = mapping.grants.length ? [] : refusalReasons(provider, claimed, mapping);
  const ignored = [
    ...mapping.unknownOrganisations.map((code) => `organisation: ${code} is not known to Tend`),
    ...mapping.unmappedRoles.map((role) => `role: ${role} is not mapped to a Tend role`),
  ];
  // A refused identity that is not linked yet is nobody's: it touches no account.
  const existing = link || reasons.length === 0 ? user : undefined;
  const writeContext = { db, clock: context.clock, actor: existing ? userActor(existing) : anonymous };

  const outcome = await auditedWrite(writeContext, {}, async (trx, at) => {
    const today = isoDay(at);
    let target = existing;
    const created = !target && reasons.length === 0;
    if (created)
      target = await insertUser(trx, {
        email: email.data as string,
        displayName: displayNameFrom(claims, email.data as string),
        passwordHash: null,
        createdAt: at,
      });
    const linked = !link && target !== undefined && reasons.length === 0;
    if (linked && target)
      await insertIdentityLink(trx, { provider: provider.id, subject, userId: target.id });
    const held = target
      ? (await grantsInForceOn(trx, target.id, today)).filter(
          (grant) => grant.granted_by === method && grant.scope_kind === 'organisation',
        )
      : [];
    const wanted = new Set(mapping.grants.map((grant) => `${grant.role}|${grant.orgCode}`));
    const kept = new Set<string>();
    const revoked: { role: string; orgCode: string | null; grantId: number }[] = [];
    for (const grant of held) {
      const key = `${grant.role}|${grant.scope_code}`;
      if (wanted.has(key) && !kept.has(key)) {
        kept.add(key);
        continue;
      }
      await endGrant(trx, grant.id, [grant.valid_from, today].sort()[1] as string);
      revoked.push({ role: grant.role, orgCode: grant.scope_code, grantId: grant.id });
    }
    const granted: { role: string; orgCode: string; grantId: number }[] = [];
    if (target && reasons.length === 0) {
      for (const grant of mapping.grants) {
        if (kept.has(`${grant.role}|${grant.orgCode}`)) continue;
        const row = await insertGrant(trx, {
          userId: target.id,
          role: grant.role,
          scopeKind: 'organisation',
          scopeCode: grant.orgCode,
          validFrom: today,
          validTo: null,
          grantedBy: method,
        });
        granted.push({ role: grant.role, orgCode: grant.orgCode, grantId: row.id });
      }
      await recordSignIn(trx, target.id, at);
    }
    return {
      result: { userId: target?.id ?? null, created },
      audit: {
        action: reasons.length ? 'user.sign_in_refused' : 'user.sign_in',
        entityType: 'user',
        entityId: target?.id ?? null,
        orgCode: null,
        after: {
          method,
          address: input.address,
          subject,
          ...(reasons.length ? { email: email.success ? email.data : null, reasons } : { created, linked }),
          granted,
          revoked,
          ignored,
        },
      },
    };
  });
  if (reasons.length || outcome.userId === null)
    throw refused(reasons.join(' '), [...ignored, ...(claimed.length ? [] : ['roles: none claimed'])]);
  return { userId: outcome.userId, created: outcome.created };
}

const providerIdSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9]{0,19}$/, 'must be a provider id such as cis2 or entra');

/**
 * Maps a provider's role to a Tend role (mapSsoRole), replacing any earlier mapping of it: a CIS2
 * role by its code (`R8000`, or the whole `S8000:G8000:R8000` for that one combination), an Entra app
 * role by its value (`tend.contributor`). Operator only; audited as `sso.map`. Takes effect at each
 * person's next sign-in.
 */
export async function mapSsoRole(
  context: UseCaseContext,
  input: { provider: string; claimRole: string; tendRole: string },
): Promise<{ provider: string; claimRole: string; tendRole: MappableRole; previous: MappableRole | null }> {
  authorise(context, context.actor.kind === 'operator', 'map single sign-on roles');
  const problems: string[] = [];
  const provider = providerIdSchema.safeParse(input.provider);
  if (!provider.success) problems.push(`provider: ${provider.error.issues[0]?.message ?? 'is not valid'}`);
  const claimRole = input.claimRole.trim();
  if (!claimRole) problems.push('claim role: must not be empty');
  else if (claimRole.length > 200) problems.push('claim role: must be at most 200 characters');
  const tendRole = mappableRoles.find((role) => role === input.tendRole.trim().toLowerCase());
  if (!tendRole) problems.push(`tend role: must be one of ${mappableRoles.join(', ')}`);
  if (problems.length || !provider.success || !tendRole)
    throw new AppError('VALIDATION_FAILED', `${problems.length} problem(s): ${problems.join('; ')}`, {
      details: problems,
    });
  return auditedWrite(context, {}, async (trx) => {
    const previous =
      (await listSsoRoleMappings(trx, provider.data)).find((row) => row.claim_role === claimRole)
        ?.tend_role ?? null;
    await upsertSsoRoleMapping(trx, { provider: provider.data, claimRole, tendRole });
    return {
      result: { provider: provider.data, claimRole, tendRole, previous },
      audit: {
        action: 'sso.map',
        entityType: 'sso_role_mapping',
        entityId: `${provider.data}:${claimRole}`,
        orgCode: null,
        before: previous ? { tendRole: previous } : null,
        after: { tendRole },
      },
    };
  });
}

/** Every mapping of a provider's role to a Tend role (ssoRoleMappings), by provider then role. Operator only. */
export async function ssoRoleMappings(
  context: UseCaseContext,
): Promise<{ provider: string; claimRole: string; tendRole: MappableRole }[]> {
  authorise(context, context.actor.kind === 'operator', 'list single sign-on role mappings');
  return (await listSsoRoleMappings(context.db)).map((row) => ({
    provider: row.provider,
    claimRole: row.claim_role,
    tendRole: row.tend_role,
  }));
}
