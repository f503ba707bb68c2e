import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { builtinMetrics } from '../domain/metric-catalogue.ts';
import { roleNames } from '../domain/people.ts';
import { AppError } from '../errors.ts';
import { migrationProvider } from '../store/migrations/index.ts';
import { readStoreMeta, writeStoreMeta } from '../store/repos/store-meta-repo.ts';
import { listDemoUsers } from '../store/repos/user-repo.ts';
import { setPassword } from './accounts/users.ts';
import { auditedWrite, authorise, type UseCaseContext } from './context.ts';
import { type DemoAccount, demoPassword } from './demo-accounts.ts';
import { demoFiles } from './demo-data.ts';

/**
 * Whether `tend demo` can reuse the store it built at its last start. The store keeps, in
 * `store_meta`, a fingerprint of what it was built from — the bundled files (each one's path, size
 * and SHA-256), Tend's migrations and built-in metric catalogue, and `DEMO_FORMAT` — written in one
 * audited write after everything else was loaded. A start whose fingerprint matches serves that store
 * as it is; any difference, a store without the record (its build was cut short) or one that cannot
 * be opened is removed and built again.
 */

/**
 * The version of what the demo adds beyond the bundled files: its accounts, examples and team, and
 * how the bundled files are read. Bump it whenever any of that changes, so stores built before the
 * change are rebuilt rather than reused.
 */
export const DEMO_FORMAT = 2;

/** The key the build record is kept under in `store_meta`. */
const buildKey = 'demo_build';

/** What a demo store is built from, hashed: one SHA-256 over the three parts, and each part's. */
export interface DemoFingerprint {
  readonly fingerprint: string;
  /** The bundled files: their paths under the data folder, sizes and contents. */
  readonly data: string;
  /** Tend's migrations and built-in metric catalogue. */
  readonly schema: string;
  readonly format: number;
}

const sha256 = (text: string | Buffer) => crypto.createHash('sha256').update(text).digest('hex');

/**
 * `demoFingerprint`: SHA-256 over the sorted lines `path size sha256` of the demo's files under
 * `dataRoot` (paths relative to it, with `/`), over the migrations' names and the built-in metric
 * catalogue, and `DEMO_FORMAT`. Reads every file (about 11 MB, a few tens of milliseconds).
 * NOT_FOUND when a bundled file is missing.
 */
export async function demoFingerprint(dataRoot: string): Promise<DemoFingerprint> {
  const lines: string[] = [];
  for (const file of demoFiles(dataRoot)) {
    const relative = path.relative(dataRoot, file).split(path.sep).join('/');
    let content: Buffer;
    try {
      content = await fs.promises.readFile(file);
    } catch (error) {
      throw new AppError('NOT_FOUND', `The bundled demo file ${relative} is missing from ${dataRoot}.`, {
        cause: error,
      });
    }
    lines.push(`${relative}\t${content.length}\t${sha256(content)}`);
  }
  const data = sha256(lines.sort().join('\n'));
  const migrations = Object.keys(await migrationProvider.getMigrations()).sort();
  const schema = sha256(JSON.stringify({ migrations, metrics: builtinMetrics }));
  return {
    fingerprint: sha256(`${data}\n${schema}\n${DEMO_FORMAT}`),
    data,
    schema,
    format: DEMO_FORMAT,
  };
}

const demoBuildSchema = z.object({
  fingerprint: z.string(),
  data: z.string(),
  schema: z.string(),
  format: z.number().int(),
  builtAt: z.string(),
  accounts: z.array(z.object({ email: z.string(), role: z.enum(roleNames), roleText: z.string() })),
});

/** What a demo store records of its build: the fingerprint, when, and the accounts it made (no passwords). */
export type DemoBuild = z.infer<typeof demoBuildSchema>;

/** `readDemoBuild`: the store's build record, or undefined when it has none (or one Tend cannot read). */
export async function readDemoBuild(db: UseCaseContext['db']): Promise<DemoBuild | undefined> {
  const text = await readStoreMeta(db, buildKey);
  if (text === undefined) return undefined;
  try {
    const parsed = demoBuildSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `recordDemoBuild`: keeps the fingerprint and the accounts made (without their passwords) as the
 * operator, in one audited write. Called last, after everything the demo adds has committed: a store
 * without this record is never reused.
 */
export async function recordDemoBuild(
  context: UseCaseContext,
  fingerprint: DemoFingerprint,
  accounts: readonly DemoAccount[],
): Promise<DemoBuild> {
  authorise(context, context.actor.kind === 'operator', 'record the demo store’s build');
  return auditedWrite(context, {}, async (trx, at) => {
    const build: DemoBuild = {
      ...fingerprint,
      builtAt: at.toISOString(),
      accounts: accounts.map(({ email, role, roleText }) => ({ email, role, roleText })),
    };
    await writeStoreMeta(trx, buildKey, JSON.stringify(build));
    return {
      result: build,
      audit: {
        action: 'demo.record_build',
        entityType: 'demo',
        entityId: null,
        orgCode: null,
        after: { fingerprint: fingerprint.fingerprint, format: fingerprint.format },
      },
    };
  });
}

/** Whether a demo store can be reused, and why not when it cannot. */
export type DemoStoreJudgement =
  | { readonly reuse: true; readonly build: DemoBuild }
  | { readonly reuse: false; readonly why: string };

/** "2026-12-01 09:30 UTC" */
function whenBuilt(build: DemoBuild): string {
  return `${build.builtAt.slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * `judgeDemoStore`: reuse a store whose build record has `current`'s fingerprint; otherwise say, in
 * words, what differs: no record (the build was cut short), the bundled data, Tend's schema, or the
 * demo's own content.
 */
export function judgeDemoStore(build: DemoBuild | undefined, current: DemoFingerprint): DemoStoreJudgement {
  if (!build)
    return {
      reuse: false,
      why: 'The demo store has no record of a finished build (its loading was cut short)',
    };
  if (build.fingerprint === current.fingerprint) return { reuse: true, build };
  if (build.data !== current.data)
    return {
      reuse: false,
      why: `The bundled data has changed since the demo store was built on ${whenBuilt(build)}`,
    };
  if (build.schema !== current.schema)
    return {
      reuse: false,
      why: `Tend's database schema or metric catalogue has changed since the demo store was built on ${whenBuilt(build)}`,
    };
  return {
    reuse: false,
    why: `The demo's own content has changed (format ${current.format}; the store was built on ${whenBuilt(build)} with format ${build.format})`,
  };
}

/** The line `tend demo` prints when it reuses a store. */
export function reusingText(build: DemoBuild): string {
  return `The bundled data is unchanged since the demo store was built on ${whenBuilt(build)}: reusing it (\`tend demo --fresh\` builds it afresh).`;
}

/**
 * `resetDemoPasswords`: a new random password for every demo account (`is_demo`), each set as the
 * operator through `setPassword` (hashed, audited, the account unlocked; its sessions stay valid).
 * Returns them as the demo prints them, in the order they were made, described as the build record
 * describes them.
 */
export async function resetDemoPasswords(
  context: UseCaseContext,
  build: DemoBuild,
): Promise<Pick<DemoAccount, 'email' | 'roleText' | 'password'>[]> {
  authorise(context, context.actor.kind === 'operator', 'reset the demo accounts’ passwords');
  const described = new Map(build.accounts.map((account) => [account.email, account.roleText]));
  const users = await listDemoUsers(context.db);
  // Hashed side by side (each about 0.15 s of one core); PGlite runs the writes one at a time.
  return Promise.all(
    users.map(async (user) => {
      const password = demoPassword(user.email);
      await setPassword(context, user.email, password);
      return { email: user.email, roleText: described.get(user.email) ?? user.display_name, password };
    }),
  );
}
