import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const sourceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What a kept result's value depends on besides the data: the engines and the use cases that feed them. */
const engineSources = ['engines', 'app/assessment.ts', 'domain'];

let fingerprint: Promise<string> | undefined;

/**
 * A fingerprint of the code that computes kept results (`engineFingerprint`): the SHA-256 of every
 * source file under src/engines and src/domain and of src/app/assessment.ts, tests left out, read
 * once per process. A result kept by other code — an older or newer Tend — is never used.
 */
export function engineFingerprint(): Promise<string> {
  fingerprint ??= computeFingerprint();
  return fingerprint;
}

async function computeFingerprint(): Promise<string> {
  const files: string[] = [];
  for (const source of engineSources) files.push(...(await sourceFiles(path.join(sourceRoot, source))));
  files.sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(path.relative(sourceRoot, file));
    hash.update('\0');
    hash.update(await fs.readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

async function sourceFiles(where: string): Promise<string[]> {
  const stat = await fs.stat(where);
  if (stat.isFile()) return [where];
  const found: string[] = [];
  for (const entry of await fs.readdir(where, { withFileTypes: true })) {
    const full = path.join(where, entry.name);
    if (entry.isDirectory()) found.push(...(await sourceFiles(full)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) found.push(full);
  }
  return found;
}
