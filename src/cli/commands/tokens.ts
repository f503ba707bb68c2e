import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { configFrom, type GlobalOptions, print, textTable, withStore } from '../context.ts';

/** A time as `YYYY-MM-DD HH:MM` UTC, or empty. */
function minute(at: Date | null): string {
  return at ? `${at.toISOString().slice(0, 16).replace('T', ' ')}` : '';
}

export function registerTokenCommands(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('API tokens for scripts and notebooks: create, revoke, list');

  tokens
    .command('create')
    .description('Create an API token for a person; it is shown once, on standard output')
    .argument('<email>', 'whose token it is')
    .option('--name <name>', 'what the token is for, unique for the person (e.g. "weekly report")')
    .action(async (email: string, options: { name?: string }, command: Command) => {
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { createToken } = await import('../../app/accounts/tokens.ts');
        const { operatorContext } = await import('../operator.ts');
        const { token, secret } = await createToken(operatorContext(store.db), {
          email,
          name: options.name ?? '',
        });
        process.stderr.write(
          `Created the token "${token.name}" for ${email.trim().toLowerCase()}. Copy it now: it will not be shown again.\n`,
        );
        await print(secret);
      });
    });

  tokens
    .command('revoke')
    .description("Revoke a person's API token by name; it stops working at once")
    .argument('<email>', 'whose token it is')
    .option('--name <name>', "the token's name")
    .action(async (email: string, options: { name?: string }, command: Command) => {
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { revokeToken } = await import('../../app/accounts/tokens.ts');
        const { operatorContext } = await import('../operator.ts');
        await revokeToken(operatorContext(store.db), { email, name: options.name ?? '' });
        await print(`Revoked the token "${options.name}" of ${email.trim().toLowerCase()}.`);
      });
    });

  tokens
    .command('list')
    .description("API tokens (everyone's, or one person's): created, last used, revoked; never the secrets")
    .argument('[email]', 'only this person')
    .option('--format <format>', 'text or json', 'text')
    .action(async (email: string | undefined, options: { format: string }, command: Command) => {
      if (options.format !== 'text' && options.format !== 'json')
        throw new AppError('INVALID_ARGUMENT', `invalid --format: ${options.format} (one of text, json)`);
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { listApiTokens } = await import('../../app/accounts/tokens.ts');
        const { usersByIds } = await import('../../store/repos/user-repo.ts');
        const { operatorContext } = await import('../operator.ts');
        const rows = await listApiTokens(operatorContext(store.db), email);
        const emails = new Map(
          (
            await usersByIds(
              store.db,
              rows.map((row) => row.user_id),
            )
          ).map((user) => [user.id, user.email]),
        );
        const listed = rows.map((row) => ({
          user: emails.get(row.user_id) ?? String(row.user_id),
          name: row.name,
          createdAt: row.created_at,
          lastUsedAt: row.last_used_at,
          revokedAt: row.revoked_at,
        }));
        if (options.format === 'json') return print(JSON.stringify(listed, null, 2));
        if (listed.length === 0)
          return print(
            `${email ? `${email.trim().toLowerCase()} has` : 'There are'} no API tokens. Create one with \`tend tokens create EMAIL --name NAME\`.`,
          );
        return print(
          textTable(
            ['user', 'name', 'created', 'last used', 'revoked'],
            listed.map((token) => [
              token.user,
              token.name,
              minute(token.createdAt),
              minute(token.lastUsedAt) || 'never',
              minute(token.revokedAt),
            ]),
          ),
        );
      });
    });
}
