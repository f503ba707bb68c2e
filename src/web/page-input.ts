import type { z } from 'zod';
import { AppError } from '../errors.ts';

/**
 * Page input (path parameters and query) validated with Zod at the door, as the API's is. Returns
 * the parsed input, or undefined when a path parameter cannot name anything (the caller answers
 * with its not-found page); a bad query value is a BAD_REQUEST listing every problem.
 */
export function pageParams<Schema extends z.ZodType>(
  schema: Schema,
  params: unknown,
): z.output<Schema> | undefined {
  const parsed = schema.safeParse(params ?? {});
  return parsed.success ? parsed.data : undefined;
}

export function pageQuery<Schema extends z.ZodType>(schema: Schema, query: unknown): z.output<Schema> {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'query'}: ${issue.message}`);
  throw new AppError('BAD_REQUEST', `The address has ${problems.length} problem(s): ${problems.join('; ')}`, {
    details: problems,
  });
}

/** Whether any string in a parsed query or parameter object holds a NUL character. */
export function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value && typeof value === 'object') return Object.values(value).some(holdsNul);
  return false;
}
