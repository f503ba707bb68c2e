import fs from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { configFrom, type GlobalOptions, print, textTable, withStore } from '../context.ts';

function checkFormat(format: string): 'text' | 'json' {
  if (format !== 'text' && format !== 'json')
    throw new AppError('INVALID_ARGUMENT', `invalid --format: ${format} (one of text, json)`);
  return format;
}

/**
 * `tend prompt-sets`: the questions inquiries open with, by domain — list them, show one with its
 * versions, or save a new version from a JSON file (`{ "title", "description", "fields": [{ "id",
 * "label", "help", "type": "textarea" | "input", "required" }] }`) as the operator.
 */
export function registerPromptSetCommands(program: Command): void {
  const sets = program
    .command('prompt-sets')
    .description('The prompt sets inquiries open with, one per domain');
  sets
    .command('list', { isDefault: true })
    .description('Every domain’s current prompt set')
    .option('--format <format>', 'text or json', 'text')
    .action(async (options: { format: string }, command: Command) => {
      const format = checkFormat(options.format);
      await withStore(configFrom(command.optsWithGlobals<GlobalOptions>()), async (store) => {
        const { listPromptSets } = await import('../../app/inquiries/prompt-sets.ts');
        const { operatorContext } = await import('../operator.ts');
        const current = await listPromptSets(operatorContext(store.db));
        if (format === 'json') return print(JSON.stringify(current, null, 2));
        return print(
          textTable(
            ['domain', 'version', 'questions', 'title'],
            current.map((set) => [set.domain, String(set.version), String(set.fields.length), set.title]),
          ),
        );
      });
    });
  sets
    .command('show <domain>')
    .description('One domain’s prompt set: its questions and its versions')
    .option('--format <format>', 'text or json', 'text')
    .action(async (domain: string, options: { format: string }, command: Command) => {
      const format = checkFormat(options.format);
      await withStore(configFrom(command.optsWithGlobals<GlobalOptions>()), async (store) => {
        const { promptSetHistory } = await import('../../app/inquiries/prompt-sets.ts');
        const { promptDomainLabels } = await import('../../domain/inquiry.ts');
        const { operatorContext } = await import('../operator.ts');
        const { current, versions } = await promptSetHistory(operatorContext(store.db), domain);
        if (format === 'json') return print(JSON.stringify({ current, versions }, null, 2));
        return print(
          [
            `${promptDomainLabels[current.domain]}: ${current.title} (version ${current.version})`,
            current.description,
            '',
            ...current.fields.map(
              (field, index) =>
                `${index + 1}. ${field.label}${field.required ? '' : ' (optional)'}  [${field.id}]`,
            ),
            '',
            `Versions: ${versions.map((version) => version.version).join(', ')}`,
          ].join('\n'),
        );
      });
    });
  sets
    .command('edit <domain>')
    .description(
      'Save a new version of a domain’s prompt set from a JSON file; inquiries already open keep theirs',
    )
    .requiredOption(
      '--file <path>',
      'JSON: { "title", "description", "fields": [{ "id", "label", "help", "type", "required" }] }',
    )
    .action(async (domain: string, options: { file: string }, command: Command) => {
      let input: unknown;
      try {
        input = JSON.parse(fs.readFileSync(options.file, 'utf8'));
      } catch (error) {
        throw new AppError(
          'FILE_UNREADABLE',
          `Cannot read ${options.file} as JSON: ${(error as Error).message}`,
        );
      }
      await withStore(configFrom(command.optsWithGlobals<GlobalOptions>()), async (store) => {
        const { editPromptSet } = await import('../../app/inquiries/prompt-sets.ts');
        const { operatorContext } = await import('../operator.ts');
        const saved = await editPromptSet(operatorContext(store.db), domain, input);
        print(`Saved ${saved.domain} prompt set version ${saved.version}: ${saved.title}`);
      });
    });
}
