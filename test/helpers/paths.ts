import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Bundled data (always present in a clone). */
export const dataDir = path.join(repoRoot, 'data');

/** The shared reference folder beside the repository, present in CI but not in a user's clone. */
export const sharedDir = path.resolve(repoRoot, '..', 'shared');

/** Why a test that needs `../shared` skips, or false when it is there. */
export function sharedSkipReason(subfolder: string): string | false {
  return fs.existsSync(path.join(sharedDir, subfolder))
    ? false
    : `reference data ../shared/${subfolder} is not present (only in the project's CI workspace)`;
}
