import { z } from 'zod';
import { type Outcome, outcomes } from '../../domain/improvement.ts';
import { validationFailedInFieldOrder } from '../../errors.ts';

/**
 * A follow-up's answer checked at the use case's door (`parseFollowUpAnswer`): every problem at
 * once as `field: problem` (VALIDATION_FAILED), in the form's order, the fields named as the web
 * form and the JSON API name them.
 */

export const answerMax = 10_000;

/** The answer form's fields in order. */
export const answerFieldOrder = ['outcome', 'answer', 'change_made', 'change_made_on'] as const;

export interface FollowUpAnswer {
  readonly outcome: Outcome;
  readonly answer: string;
  readonly changeMade: boolean;
  readonly changeMadeOn: string | null;
}

function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

const outcomeRule = z.enum(outcomes, { error: 'Choose how it went: helped, partly, not yet or did not' });
const answerRule = z
  .string({ error: 'Say what happened' })
  .transform((value) => value.replace(/\r\n?/g, '\n').trim())
  .refine((value) => value.length > 0, 'Say what happened')
  .refine(
    (value) => value.length <= answerMax,
    `What happened must be ${answerMax.toLocaleString('en-GB')} characters or fewer`,
  );
/** A checkbox (`yes`, `on`, `true`) or a JSON boolean; absent is no. */
const changeMadeRule = z
  .union([z.boolean(), z.enum(['yes', 'on', 'true', 'no', 'false', ''])], {
    error: 'Say yes or no to whether you made a change',
  })
  .optional()
  .transform((value) => value === true || value === 'yes' || value === 'on' || value === 'true');

/**
 * Checks an answer: the outcome, what happened, and — when a change was made — the real date it
 * took effect, on or before `today` and not before the review was held (`heldOn`).
 */
export function parseFollowUpAnswer(
  input: Record<string, unknown>,
  limits: { today: string; heldOn: string | null },
): FollowUpAnswer {
  const problems: string[] = [];
  const outcome = outcomeRule.safeParse(input.outcome);
  if (!outcome.success) problems.push(`outcome: ${outcome.error.issues[0]?.message}`);
  const answer = answerRule.safeParse(input.answer);
  if (!answer.success) problems.push(`answer: ${answer.error.issues[0]?.message}`);
  const changeMade = changeMadeRule.safeParse(input.change_made);
  if (!changeMade.success) problems.push(`change_made: ${changeMade.error.issues[0]?.message}`);
  const rawDate =
    typeof input.change_made_on === 'string' ? input.change_made_on.trim() : input.change_made_on;
  let changeMadeOn: string | null = null;
  if (changeMade.success && changeMade.data) {
    if (rawDate === undefined || rawDate === null || rawDate === '')
      problems.push('change_made_on: Enter the date the change took effect');
    else if (typeof rawDate !== 'string' || !isRealDate(rawDate))
      problems.push('change_made_on: Enter a real date as YYYY-MM-DD, such as 2026-03-01');
    else if (rawDate > limits.today)
      problems.push('change_made_on: The date the change took effect must not be in the future');
    else if (limits.heldOn && rawDate < limits.heldOn)
      problems.push(
        `change_made_on: The date the change took effect must be on or after the review (${limits.heldOn})`,
      );
    else changeMadeOn = rawDate;
  } else if (rawDate !== undefined && rawDate !== null && rawDate !== '') {
    problems.push(
      'change_made_on: Tick "we made a change" to give the date it took effect, or leave the date empty',
    );
  }
  if (problems.length) throw validationFailedInFieldOrder('answer', problems, answerFieldOrder);
  return {
    outcome: outcome.data as Outcome,
    answer: answer.data as string,
    changeMade: changeMadeOn !== null,
    changeMadeOn,
  };
}
