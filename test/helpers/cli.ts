import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './paths.ts';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tend` (src/cli/main.ts on this Node) as a user would, in its own process. */
export function runTend(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; input?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, DATABASE_URL: '', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    // `input`, when given, is sent on standard input, which then closes (a piped password, say).
    if (options.input !== undefined) child.stdin.end(options.input);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
