import { spawn } from 'node:child_process';
import { AppError } from '../errors.ts';

/** The first bytes of a `pg_dump --format=custom` archive. */
const PG_DUMP_MAGIC = Buffer.from('PGDMP');

/** Whether a file starts as a PostgreSQL custom-format archive does. */
export function looksLikePgDump(head: Buffer): boolean {
  return head.subarray(0, 5).equals(PG_DUMP_MAGIC);
}

/**
 * Writes a consistent snapshot of the database at `databaseUrl` to `file` with `pg_dump` (custom
 * format, compressed); the server keeps serving meanwhile.
 */
export async function pgDump(databaseUrl: string, file: string): Promise<void> {
  await runTool(
    'pg_dump',
    // Row security stays on so a role subject to it dumps under the maintenance setting (see runTool).
    ['--format=custom', '--no-owner', '--no-privileges', '--enable-row-security', `--file=${file}`],
    databaseUrl,
  );
}

/**
 * Restores a `pg_dump` archive into the database at `databaseUrl` with `pg_restore`, in one
 * transaction: all of it or nothing. `replace` first drops the objects the archive holds.
 */
export async function pgRestore(
  databaseUrl: string,
  file: string,
  options: { replace: boolean },
): Promise<void> {
  await runTool(
    'pg_restore',
    [
      '--single-transaction',
      '--exit-on-error',
      '--no-owner',
      '--no-privileges',
      ...(options.replace ? ['--clean', '--if-exists'] : []),
      file,
    ],
    databaseUrl,
  );
}

/**
 * Runs a PostgreSQL client tool against the database; the password travels in `PGPASSWORD`, never
 * on the command line where other users could see it. The session runs with the maintenance setting
 * `tend.row_access = 'all'`, so row-level security on circles and journals admits every row.
 */
function runTool(
  tool: 'pg_dump' | 'pg_restore',
  args: readonly string[],
  databaseUrl: string,
): Promise<void> {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  const shown = url.toString();
  return new Promise((resolve, reject) => {
    const child = spawn(tool, [`--dbname=${shown}`, ...args], {
      env: {
        ...process.env,
        PGOPTIONS: `${process.env.PGOPTIONS ?? ''} -c tend.row_access=all`.trim(),
        ...(password ? { PGPASSWORD: password } : {}),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      if (stderr.length < 20_000) stderr += chunk;
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        new AppError(
          'BACKUP_FAILED',
          error.code === 'ENOENT'
            ? `${tool} is not installed (or not on PATH); install PostgreSQL's client tools (Debian and Ubuntu: apt-get install postgresql-client) at the server's major version or later.`
            : `${tool} could not be started: ${error.message}`,
          { cause: error },
        ),
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new AppError(
            'BACKUP_FAILED',
            `${tool} failed (exit code ${code}) on ${shown}: ${stderr.trim().split('\n').slice(0, 8).join(' | ')}`,
          ),
        );
    });
  });
}
