import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { configFrom, type GlobalOptions, print, textTable, withStore } from '../context.ts';

/** `tend sso map PROVIDER CLAIM_ROLE TEND_ROLE` and `tend sso mappings`: how providers' roles become Tend roles. */
export function registerSsoCommands(program: Command): void {
  const sso = program
    .command('sso')
    .description('Single sign-on: map a provider’s roles (CIS2 role codes, Entra app roles) to Tend roles');

  sso
    .command('map')
    .description(
      'Map a provider’s role to member, contributor or admin of the organisation it is held at (e.g. `tend sso map cis2 R8000 contributor`); replaces an earlier mapping',
    )
    .argument('<provider>', 'provider id, as in TEND_OIDC_PROVIDERS (cis2, entra)')
    .argument('<claim-role>', 'CIS2 role code (R8000, or a whole S…:G…:R… code) or Entra app role value')
    .argument('<tend-role>', 'member, contributor or admin')
    .action(
      async (provider: string, claimRole: string, tendRole: string, _options: unknown, command: Command) => {
        const config = configFrom(command.optsWithGlobals<GlobalOptions>());
        await withStore(config, async (store) => {
          const { mapSsoRole } = await import('../../app/accounts/single-sign-on.ts');
          const { operatorContext } = await import('../operator.ts');
          const mapped = await mapSsoRole(operatorContext(store.db), { provider, claimRole, tendRole });
          if (!config.oidcProviders.some((each) => each.id === mapped.provider))
            process.stderr.write(
              `Note: ${mapped.provider} is not in TEND_OIDC_PROVIDERS here; the mapping is kept for when it is.\n`,
            );
          await print(
            `${mapped.provider} ${mapped.claimRole} → ${mapped.tendRole}${mapped.previous && mapped.previous !== mapped.tendRole ? ` (was ${mapped.previous})` : ''}. It applies from each person’s next sign-in.`,
          );
        });
      },
    );

  sso
    .command('mappings')
    .description('List how each provider’s roles map to Tend roles')
    .option('--format <format>', 'text or json', 'text')
    .action(async (options: { format: string }, command: Command) => {
      if (options.format !== 'text' && options.format !== 'json')
        throw new AppError('INVALID_ARGUMENT', `invalid --format: ${options.format} (one of text, json)`);
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { ssoRoleMappings } = await import('../../app/accounts/single-sign-on.ts');
        const { operatorContext } = await import('../operator.ts');
        const mappings = await ssoRoleMappings(operatorContext(store.db));
        if (options.format === 'json') return print(JSON.stringify(mappings, null, 2));
        if (mappings.length === 0)
          return print('No roles are mapped yet. Map one with `tend sso map cis2 R8000 contributor`.');
        return print(
          textTable(
            ['provider', 'claim role', 'tend role'],
            mappings.map((each) => [each.provider, each.claimRole, each.tendRole]),
          ),
        );
      });
    });
}
