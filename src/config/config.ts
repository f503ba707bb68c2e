import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors.ts';

/** Tend's runtime configuration, validated once at start and then frozen. */
export interface Config {
  /** PostgreSQL connection string; when absent Tend uses its embedded PGlite database. */
  readonly databaseUrl: string | undefined;
  /** Folder for the embedded database, or `memory://` for an in-memory one. */
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

const environmentSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  TEND_DATA_DIR: z.string().trim().min(1, 'must not be empty').optional(),
  HOST: z.string().trim().min(1).optional(),
  PORT: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

export type Environment = Record<string, string | undefined>;

/**
 * Reads Tend's settings from environment variables (and optional overrides from CLI flags),
 * validates all of them and reports every problem at once.
 *
 * | variable | default |
 * |---|---|
 * | DATABASE_URL | unset: embedded PGlite |
 * | TEND_DATA_DIR | `.tend/pgdata` under the working directory |
 * | HOST | 127.0.0.1 |
 * | PORT | 3000 |
 * | LOG_LEVEL | info |
 */
export function loadConfig(
  environment: Environment,
  overrides: Partial<Record<keyof z.input<typeof environmentSchema>, string>> = {},
  cwd = process.cwd(),
): Config {
  const merged: Record<string, string | undefined> = {};
  for (const key of Object.keys(environmentSchema.shape)) {
    merged[key] = overrides[key as keyof typeof overrides] ?? environment[key];
  }
  const parsed = environmentSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new AppError(
      'CONFIG_INVALID',
      `Tend's configuration has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`,
      {
        details: problems,
      },
    );
  }
  const values = parsed.data;
  const dataDir = values.TEND_DATA_DIR ?? path.join(cwd, '.tend', 'pgdata');
  return Object.freeze({
    databaseUrl: values.DATABASE_URL,
    dataDir: dataDir === 'memory://' ? dataDir : path.resolve(cwd, dataDir),
    host: values.HOST ?? '127.0.0.1',
    port: values.PORT ?? 3000,
    logLevel: values.LOG_LEVEL ?? 'info',
  });
}
