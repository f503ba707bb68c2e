import type { Command } from 'commander';
import { type RoleName, roleLabels, roleNames, roleScopes, type ScopeKind } from '../../domain/people.ts';
import { AppError } from '../../errors.ts';
import type { Grant } from '../../policies/actor.ts';
import { configFrom, type GlobalOptions, print, textTable, withStore } from '../context.ts';
import { readPasswordFromStdin } from '../password-input.ts';

interface ScopeOptions {
  org?: string;
  system?: string;
  region?: string;
  england?: boolean;
}

const scopeFlags: Record<Exclude<ScopeKind, 'none'>, string> = {
  organisation: '--org CODE',
  system: '--system ICB_CODE',
  region: '--region CODE',
  england: '--england',
};

function requireFormat(format: string): void {
  if (format !== 'text' && format !== 'json')
    throw new AppError('INVALID_ARGUMENT', `invalid --format: ${format} (one of text, json)`);
}

function invalid(problems: string[]): AppError {
  return new AppError('VALIDATION_FAILED', `${problems.length} problem(s): ${problems.join('; ')}`, {
    details: problems,
  });
}

/**
 * `scopeFromFlags`: the scope a role is granted over, from `--org`, `--system`, `--region` or
 * `--england` (a facilitator takes none). For a known role, a missing, extra or unfitting flag is a
 * VALIDATION_FAILED naming the flag the role takes; an unknown role is left to the use case.
 */
export function scopeFromFlags(
  role: string,
  options: ScopeOptions,
): { scopeKind: ScopeKind; scopeCode: string | null } {
  const given: { kind: ScopeKind; code: string | null }[] = [];
  if (options.org !== undefined) given.push({ kind: 'organisation', code: options.org });
  if (options.system !== undefined) given.push({ kind: 'system', code: options.system });
  if (options.region !== undefined) given.push({ kind: 'region', code: options.region });
  if (options.england) given.push({ kind: 'england', code: null });
  const known = (roleNames as readonly string[]).includes(role);
  const allowed = known ? roleScopes[role as RoleName] : undefined;
  const needs = allowed
    ?.filter((kind) => kind !== 'none')
    .map((kind) => scopeFlags[kind as Exclude<ScopeKind, 'none'>])
    .join(' or ');
  if (given.length > 1)
    throw invalid([
      `scope: give one of --org, --system, --region or --england, not ${given.length}${needs ? ` (${role} takes ${needs})` : ''}`,
    ]);
  const scope = given[0] ?? { kind: 'none' as const, code: null };
  if (allowed && !allowed.includes(scope.kind)) {
    if (allowed.includes('none'))
      throw invalid([
        `scope: ${role} applies everywhere and takes no --org, --system, --region or --england`,
      ]);
    throw invalid([`scope: ${role} is granted with ${needs}`]);
  }
  return { scopeKind: scope.kind, scopeCode: scope.code };
}

/** A grant's scope in words: "RYY", "England", "—". */
function scopeText(grant: Pick<Grant, 'scopeKind' | 'scopeCode'>): string {
  if (grant.scopeKind === 'england') return 'England';
  if (grant.scopeKind === 'none') return '—';
  return `${grant.scopeKind} ${grant.scopeCode}`;
}

function withScopeOptions(command: Command): Command {
  return command
    .option('--org <code>', 'an organisation (member, contributor, admin)')
    .option('--system <code>', 'an integrated care board (system-lead)')
    .option('--region <code>', 'an NHS England region (oversight)')
    .option('--england', 'all of England (oversight)');
}

export function registerUserCommands(program: Command): void {
  const users = program
    .command('users')
    .description('People and their roles: add, set passwords, grant and end roles, list, disable');

  users
    .command('add')
    .description('Add a person (without --password-stdin they can only sign in with single sign-on)')
    .argument('<email>', 'their email address')
    .option('--name <name>', 'their name as Tend shows it')
    .option('--password-stdin', 'read their password from standard input')
    .action(async (email: string, options: { name?: string; passwordStdin?: boolean }, command: Command) => {
      const password = options.passwordStdin ? await readPasswordFromStdin() : undefined;
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { addUser } = await import('../../app/accounts/users.ts');
        const { operatorContext } = await import('../operator.ts');
        const user = await addUser(operatorContext(store.db), {
          email,
          name: options.name ?? '',
          password,
        });
        await print(
          password === undefined
            ? `Added ${user.email} (${user.display_name}) without a password: they can sign in with single sign-on until one is set with \`tend users password\`.`
            : `Added ${user.email} (${user.display_name}).`,
        );
      });
    });

  users
    .command('password')
    .description("Set or replace a person's password (unlocks the account)")
    .argument('<email>', 'their email address')
    .option('--password-stdin', 'read the password from standard input (required)')
    .action(async (email: string, options: { passwordStdin?: boolean }, command: Command) => {
      if (!options.passwordStdin)
        throw new AppError(
          'INVALID_ARGUMENT',
          'Give --password-stdin and send the password on standard input; a password is never read from the command line.',
        );
      const password = await readPasswordFromStdin();
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { setPassword } = await import('../../app/accounts/users.ts');
        const { operatorContext } = await import('../operator.ts');
        await setPassword(operatorContext(store.db), email, password);
        await print(`Set the password of ${email.trim().toLowerCase()}.`);
      });
    });

  withScopeOptions(
    users
      .command('grant')
      .description('Grant a role over a scope, from today (or --from) until --until, or open-ended')
      .argument('<email>', 'their email address')
      .argument('<role>', roleNames.join(', ')),
  )
    .option('--from <date>', 'the first day the role applies (YYYY-MM-DD; default today)')
    .option('--until <date>', 'the first day it no longer applies (YYYY-MM-DD; default open-ended)')
    .action(
      async (
        email: string,
        role: string,
        options: ScopeOptions & { from?: string; until?: string },
        command: Command,
      ) => {
        const scope = scopeFromFlags(role, options);
        const config = configFrom(command.optsWithGlobals<GlobalOptions>());
        await withStore(config, async (store) => {
          const { grantRole } = await import('../../app/accounts/users.ts');
          const { operatorContext } = await import('../operator.ts');
          const grant = await grantRole(operatorContext(store.db), {
            email,
            role,
            ...scope,
            validFrom: options.from,
            validTo: options.until,
          });
          await print(
            `Granted ${roleLabels[grant.role]} (${scopeText({ scopeKind: grant.scope_kind, scopeCode: grant.scope_code })}) to ${email.trim().toLowerCase()} from ${grant.valid_from}${grant.valid_to ? ` until ${grant.valid_to}` : ', open-ended'}.`,
          );
        });
      },
    );

  withScopeOptions(
    users
      .command('revoke')
      .description('End a role from today (the grant stays in the record, dated)')
      .argument('<email>', 'their email address')
      .argument('<role>', roleNames.join(', ')),
  ).action(async (email: string, role: string, options: ScopeOptions, command: Command) => {
    const scope = scopeFromFlags(role, options);
    const config = configFrom(command.optsWithGlobals<GlobalOptions>());
    await withStore(config, async (store) => {
      const { revokeRole } = await import('../../app/accounts/users.ts');
      const { operatorContext } = await import('../operator.ts');
      const ended = await revokeRole(operatorContext(store.db), { email, role, ...scope });
      await print(
        `Ended ${ended === 1 ? 'the' : ended} ${role} role${ended === 1 ? '' : 's'} (${scopeText(scope)}) of ${email.trim().toLowerCase()} from today.`,
      );
    });
  });

  users
    .command('list')
    .description('Everyone with an account, and the roles they hold today')
    .option('--format <format>', 'text or json', 'text')
    .action(async (options: { format: string }, command: Command) => {
      requireFormat(options.format);
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { listPeople } = await import('../../app/accounts/users.ts');
        const { isoDay } = await import('../../app/context.ts');
        const { grantsInForce } = await import('../../policies/actor.ts');
        const { operatorContext } = await import('../operator.ts');
        const context = operatorContext(store.db);
        const today = isoDay(context.clock());
        const people = (await listPeople(context)).map(({ user, grants }) => ({
          email: user.email,
          name: user.display_name,
          disabled: user.disabled_at !== null,
          demo: user.is_demo,
          roles: grantsInForce(
            grants.map((grant) => ({
              role: grant.role,
              scopeKind: grant.scope_kind,
              scopeCode: grant.scope_code,
              validFrom: grant.valid_from,
              validTo: grant.valid_to,
            })),
            today,
          ),
        }));
        if (options.format === 'json') return print(JSON.stringify(people, null, 2));
        if (people.length === 0)
          return print('No one has an account yet. Add someone with `tend users add EMAIL --name NAME`.');
        const rows = people.flatMap((person) => {
          const status = person.disabled ? 'disabled' : 'active';
          if (person.roles.length === 0) return [[person.email, person.name, status, '', '', '', '']];
          return person.roles.map((grant) => [
            person.email,
            person.name,
            status,
            grant.role,
            scopeText(grant),
            grant.validFrom,
            grant.validTo ?? '',
          ]);
        });
        return print(textTable(['email', 'name', 'status', 'role', 'scope', 'from', 'until'], rows));
      });
    });

  users
    .command('disable')
    .description('Disable an account: signed out everywhere, its API tokens stop working')
    .argument('<email>', 'their email address')
    .action(async (email: string, _options: unknown, command: Command) => {
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { disableUser } = await import('../../app/accounts/users.ts');
        const { operatorContext } = await import('../operator.ts');
        await disableUser(operatorContext(store.db), email);
        await print(
          `Disabled ${email.trim().toLowerCase()}: signed out everywhere, and their API tokens no longer work.`,
        );
      });
    });
}
