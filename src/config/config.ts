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
  /** Signs session cookies; unset means a random secret per start (sessions end at restart). */
  readonly sessionSecret: string | undefined;
  /** The address people reach Tend at (`https://tend.example.nhs.uk`); decides Secure cookies and sign-in redirects. */
  readonly publicOrigin: string | undefined;
  /** Whether cookies are sent `Secure` with the `__Host-` prefix: always, except plain-HTTP localhost. */
  readonly secureCookies: boolean;
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
  TEND_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TEND_PUBLIC_ORIGIN: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' })
    .transform((value) => new URL(value).origin)
    .optional(),
});

const loopback = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

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
 * | TEND_SESSION_SECRET | random per start |
 * | TEND_PUBLIC_ORIGIN | unset: http://HOST:PORT |
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
  const host = values.HOST ?? '127.0.0.1';
  const origin = values.TEND_PUBLIC_ORIGIN ? new URL(values.TEND_PUBLIC_ORIGIN) : undefined;
  const plainLocalhost = origin
    ? origin.protocol === 'http:' && loopback.has(origin.hostname)
    : loopback.has(host);
  return Object.freeze({
    databaseUrl: values.DATABASE_URL,
    dataDir: dataDir === 'memory://' ? dataDir : path.resolve(cwd, dataDir),
    host,
    port: values.PORT ?? 3000,
    logLevel: values.LOG_LEVEL ?? 'info',
    sessionSecret: values.TEND_SESSION_SECRET,
    publicOrigin: values.TEND_PUBLIC_ORIGIN,
    secureCookies: !plainLocalhost,
  });
}
