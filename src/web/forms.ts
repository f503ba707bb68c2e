import type { z } from 'zod';
import { isAppError } from '../errors.ts';

/** One problem with one form field, for the NHS.UK error summary and the field's own message. */
export interface FieldError {
  /** The field's name (and the id of its input, so the summary links to it). */
  field: string;
  message: string;
}

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldError[] };

/** Validates a form body with a Zod schema, listing every field problem at once. */
export function parseForm<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
): FormResult<z.output<Schema>> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return { ok: true, data: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => ({
      field: String(issue.path[0] ?? 'form'),
      message: issue.message,
    })),
  };
}

/**
 * Field errors from a use case's VALIDATION_FAILED (or other AppError) details, written
 * `field: problem`; undefined when the error is not one to show on the form.
 */
export function fieldErrorsFrom(error: unknown): FieldError[] | undefined {
  if (!isAppError(error) || !['VALIDATION_FAILED', 'SIGN_IN_FAILED', 'SIGN_IN_LOCKED'].includes(error.code))
    return undefined;
  const details = error.details.filter((detail) => !detail.startsWith('retryAfter: '));
  if (details.length === 0 || error.code === 'SIGN_IN_LOCKED')
    return [{ field: 'email', message: error.message }];
  return details.map((detail) => {
    const colon = detail.indexOf(': ');
    return colon > 0
      ? { field: detail.slice(0, colon), message: detail.slice(colon + 2) }
      : { field: 'form', message: detail };
  });
}

/** The first message for each field, for `errorMessage` on inputs. */
export function errorsByField(errors: readonly FieldError[]): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const error of errors) byField[error.field] ??= error.message;
  return byField;
}

/** A local path to return to after signing in; anything else (another site, `//host`) becomes `/`. */
export function safeReturnPath(value: unknown): string {
  if (
    typeof value !== 'string' ||
    !value.startsWith('/') ||
    value.startsWith('//') ||
    value.startsWith('/\\')
  )
    return '/';
  return value.slice(0, 500);
}

/** A field error as a sentence: "Password must be at least 12 characters". */
export function fieldMessage(error: FieldError | string | undefined, field?: string): string {
  if (error === undefined) return '';
  const message = typeof error === 'string' ? error : error.message;
  const name = typeof error === 'string' ? field : error.field;
  if (!name || !/^[a-z]/.test(message)) return message;
  const label = name.replace(/[_-]+/g, ' ');
  return `${label.charAt(0).toUpperCase()}${label.slice(1)} ${message}`;
}

/** The text fields a form sent (`sentFormValues`), without its CSRF token, to show back in the form beside its errors. */
export function sentFormValues(body: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (typeof body === 'object' && body !== null)
    for (const [key, value] of Object.entries(body))
      if (typeof value === 'string' && key !== '_csrf') values[key] = value;
  return values;
}
