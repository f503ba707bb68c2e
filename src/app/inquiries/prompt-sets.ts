import { z } from 'zod';
import {
  type PromptDomain,
  type PromptField,
  promptDomainFor,
  promptDomainLabels,
  promptDomains,
} from '../../domain/inquiry.ts';
import { AppError } from '../../errors.ts';
import { actorLabel } from '../../policies/actor.ts';
import { canEditPromptSets } from '../../policies/inquiry.ts';
import type { PromptSetRow } from '../../store/inquiry-tables.ts';
import {
  currentPromptSet,
  currentPromptSets,
  insertPromptSetVersion,
  promptSetVersions,
} from '../../store/repos/prompt-set-repo.ts';
import { auditedWrite, authorise, type UseCaseContext } from '../context.ts';
import { validationFailed, valuesOf } from './input.ts';

/**
 * Prompt sets: the questions an inquiry opens with, one set per domain, stored as data and versioned.
 * Everyone reads them; national oversight and the operator edit them, and every edit adds a version
 * (inquiries keep the version they opened with).
 */

/** The current prompt set of every domain (`listPromptSets`). */
export async function listPromptSets(context: UseCaseContext): Promise<PromptSetRow[]> {
  return currentPromptSets(context.db);
}

/** NOT_FOUND unless `domain` is one of the prompt domains. */
export function promptDomainOf(domain: string): PromptDomain {
  if ((promptDomains as readonly string[]).includes(domain)) return domain as PromptDomain;
  throw new AppError('NOT_FOUND', `There is no prompt set called ${domain.slice(0, 40)}.`);
}

/** A domain's current prompt set and every earlier version, newest first (`promptSetHistory`). */
export async function promptSetHistory(context: UseCaseContext, domain: string) {
  const versions = await promptSetVersions(context.db, promptDomainOf(domain));
  const current = versions[0];
  if (!current) throw new AppError('NOT_FOUND', `There is no prompt set called ${domain.slice(0, 40)}.`);
  return { current, versions, canEdit: canEditPromptSets(context.actor) };
}

/**
 * The prompt set an inquiry opens with (`promptSetFor`): the domain asked for, else the metric's
 * domain (`promptDomainFor`), else safety and quality for a learning review and access and flow for
 * any other inquiry.
 */
export async function promptSetFor(
  context: UseCaseContext,
  choice: {
    domain?: PromptDomain;
    metric?: { name: string; domain: string | null; subdomain: string | null } | null;
    kind?: 'inquiry' | 'learning_review';
  },
): Promise<PromptSetRow> {
  const domain =
    choice.domain ??
    (choice.metric
      ? promptDomainFor(choice.metric)
      : choice.kind === 'learning_review'
        ? 'safety_quality'
        : 'access_flow');
  const set = await currentPromptSet(context.db, domain);
  if (!set) throw new AppError('INTERNAL', `The ${promptDomainLabels[domain]} prompt set is missing.`);
  return set;
}

const fieldSchema = z.object({
  id: z
    .string({ error: 'each question needs an id' })
    .trim()
    .regex(
      /^[a-z][a-z0-9_]{0,39}$/,
      'each question id is lower-case letters, digits and _, starting with a letter',
    ),
  label: z
    .string({ error: 'each question needs a label' })
    .trim()
    .min(1, 'each question needs a label')
    .max(200),
  help: z.preprocess(
    (value) => value ?? '',
    z.string().trim().max(500, 'help text is 500 characters or fewer'),
  ),
  type: z.enum(['textarea', 'input'], { error: 'type is textarea or input' }),
  required: z.preprocess(
    (value) => value === true || value === 'true' || value === 'yes' || value === 'on',
    z.boolean(),
  ),
});

/**
 * A prompt set's questions from a form (`fieldsFromForm`): question `n` is `field_<n>_id`,
 * `field_<n>_label`, `field_<n>_help`, `field_<n>_type`, `field_<n>_required`; a question whose id and
 * label are both empty is dropped, so the form can offer blank rows for new questions.
 */
export function fieldsFromForm(values: Record<string, unknown>): unknown[] {
  const fields: unknown[] = [];
  for (let index = 1; index <= 30; index++) {
    const id = values[`field_${index}_id`];
    const label = values[`field_${index}_label`];
    if (id === undefined && label === undefined) continue;
    if (String(id ?? '').trim() === '' && String(label ?? '').trim() === '') continue;
    fields.push({
      id,
      label,
      help: values[`field_${index}_help`],
      type: values[`field_${index}_type`] || 'textarea',
      required: values[`field_${index}_required`] ?? false,
    });
  }
  return fields;
}

/**
 * Saves a new version of a domain's prompt set (`editPromptSet`): title, description and questions
 * (`fields`, an array of `{ id, label, help, type, required }`), every problem listed at once.
 * National oversight and the operator only.
 */
export async function editPromptSet(
  context: UseCaseContext,
  domainName: string,
  input: unknown,
): Promise<PromptSetRow> {
  authorise(context, canEditPromptSets(context.actor), 'edit prompt sets');
  const domain = promptDomainOf(domainName);
  const values = valuesOf(input);
  const problems: string[] = [];
  const title = z.string().trim().min(1).max(200).safeParse(values.title);
  if (!title.success) problems.push('title: Enter a title of up to 200 characters');
  const description = z.string().trim().min(1).max(2_000).safeParse(values.description);
  if (!description.success) problems.push('description: Enter a description of up to 2,000 characters');
  const rawFields = Array.isArray(values.fields) ? values.fields : fieldsFromForm(values);
  const fields: PromptField[] = [];
  if (rawFields.length === 0) problems.push('fields: A prompt set needs at least one question');
  if (rawFields.length > 30) problems.push('fields: A prompt set has 30 questions or fewer');
  for (const [index, raw] of rawFields.slice(0, 30).entries()) {
    const parsed = fieldSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(`field_${index + 1}_id: Question ${index + 1}: ${parsed.error.issues[0]?.message}`);
      continue;
    }
    if (fields.some((field) => field.id === parsed.data.id))
      problems.push(`field_${index + 1}_id: Question ${index + 1}: the id ${parsed.data.id} is used twice`);
    else fields.push(parsed.data);
  }
  if (problems.length || !title.success || !description.success) throw validationFailed(problems);
  const before = await currentPromptSet(context.db, domain);
  return auditedWrite(context, {}, async (trx, at) => {
    const saved = await insertPromptSetVersion(trx, {
      domain,
      title: title.data,
      description: description.data,
      fields,
      createdBy: actorLabel(context.actor),
      at,
    });
    return {
      result: saved,
      audit: {
        action: 'prompt_set.edit',
        entityType: 'prompt_set',
        entityId: saved.id,
        orgCode: null,
        before: before ?? null,
        after: saved,
      },
    };
  });
}
