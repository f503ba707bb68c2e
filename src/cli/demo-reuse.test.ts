import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTend } from '../../test/helpers/cli.ts';
import { dataDir, repoRoot } from '../../test/helpers/paths.ts';
import { verifyPassword } from '../app/accounts/passwords.ts';
import { demoFiles } from '../app/demo-data.ts';
import { openStore } from '../store/db.ts';

/**
 * `tend demo` reuses the store it built while the bundled data is unchanged, and builds it afresh
 * when a file changed, when asked with --fresh, or when its last build was cut short. Each start is
 * its own process on an embedded database in a folder, over a small copy of the bundled data (the
 * organisation files whole, every other file cut to its first lines), so a build takes seconds.
 */

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-demo-reuse-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A copy of the bundled data: the ODS files whole (the demo accounts need RYY, RJ1 and their ICBs), the rest cut short. */
function smallDataRoot(folder: string): string {
  for (const file of demoFiles(dataDir)) {
    const relative = path.relative(dataDir, file);
    const copy = path.join(folder, relative);
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    if (relative.startsWith(`ods-trusts-2025${path.sep}`)) fs.copyFileSync(file, copy);
    else fs.writeFileSync(copy, `${fs.readFileSync(file, 'utf8').split('\n').slice(0, 30).join('\n')}\n`);
  }
  return folder;
}

/** The first count of more than zero on a June 2024 A&E row, one digit changed: a file one byte different. */
function changeOneByte(root: string): void {
  const file = path.join(root, 'nhse-ae-monthly-csv-2024-25', 'Monthly-AE-2024-06.csv');
  const text = fs.readFileSync(file, 'utf8');
  const match = /,([1-9]\d*),/.exec(text.slice(text.indexOf('\n') + 1));
  assert.ok(match, 'a count to change');
  const at = text.indexOf('\n') + 1 + match.index + match[0].length - 2;
  const digit = Number(text[at]);
  fs.writeFileSync(file, `${text.slice(0, at)}${digit === 9 ? 8 : digit + 1}${text.slice(at + 1)}`);
}

/** The import batches of a demo folder (id and when each ran), read after its process has ended. */
async function batchesOf(folder: string): Promise<string[]> {
  const store = await openStore({ databaseUrl: undefined, dataDir: folder });
  try {
    const rows = await store.db
      .selectFrom('import_batch')
      .select(['id', 'started_at'])
      .orderBy('id')
      .execute();
    return rows.map((row) => `${row.id} ${row.started_at.toISOString()}`);
  } finally {
    await store.close();
  }
}

/** The stored password hash of a demo account. */
async function passwordHashOf(folder: string, email: string): Promise<string> {
  const store = await openStore({ databaseUrl: undefined, dataDir: folder });
  try {
    const user = await store.db
      .selectFrom('app_user')
      .select('password_hash')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    return user.password_hash ?? '';
  } finally {
    await store.close();
  }
}

/** The passwords `tend demo` printed, by email. */
function printedPasswords(stdout: string): Map<string, string> {
  const passwords = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const match = /^(\S+@tend-demo\.example)\s.*\s(\S+)$/.exec(line);
    if (match) passwords.set(match[1], match[2]);
  }
  return passwords;
}

const demo = (folder: string, root: string, ...more: string[]) =>
  runTend(['demo', '--no-serve', '--data-dir', folder, '--data-root', root, ...more]);

const builtFresh = /Creating a fresh embedded database/;
const reusing =
  /The bundled data is unchanged since the demo store was built on \d{4}-\d\d-\d\d \d\d:\d\d UTC: reusing it/;
const contributor = 'contributor.ryy@tend-demo.example';

describe('tend demo: reusing the store it built', () => {
  const folder = path.join(scratch, 'demo');
  let root: string;
  let firstBatches: string[];
  let firstPasswords: Map<string, string>;

  before(() => {
    root = smallDataRoot(path.join(scratch, 'data'));
  });

  it('builds the store on its first start', async () => {
    const run = await demo(folder, root);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, builtFresh);
    assert.doesNotMatch(run.stderr, /reusing it/);
    firstBatches = await batchesOf(folder);
    assert.ok(firstBatches.length >= demoFiles(root).length, 'a batch for every bundled file');
    firstPasswords = printedPasswords(run.stdout);
    assert.equal(firstPasswords.size, 8, run.stdout);
  });

  it('reuses it on the next start, with the same import batches and new passwords for the demo accounts', async () => {
    const run = await demo(folder, root);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, reusing);
    assert.doesNotMatch(run.stderr, builtFresh);
    assert.doesNotMatch(run.stderr, /Importing /);
    assert.deepEqual(await batchesOf(folder), firstBatches);
    const passwords = printedPasswords(run.stdout);
    assert.deepEqual(
      [...passwords.keys()],
      [...firstPasswords.keys()],
      'the same accounts, in the same order',
    );
    assert.match(run.stdout, /Administrator, Community midwifery \(example\) of Kent Community Health/);
    const hash = await passwordHashOf(folder, contributor);
    assert.notEqual(passwords.get(contributor), firstPasswords.get(contributor));
    assert.equal(
      await verifyPassword(passwords.get(contributor) ?? '', hash),
      true,
      'the new password signs in',
    );
    assert.equal(
      await verifyPassword(firstPasswords.get(contributor) ?? '', hash),
      false,
      'the old one no longer does',
    );
  });

  it('rebuilds it when one byte of a bundled file has changed', async () => {
    const changed = path.join(scratch, 'data-changed');
    fs.cpSync(root, changed, { recursive: true });
    changeOneByte(changed);
    const run = await demo(folder, changed);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /The bundled data has changed since the demo store was built on .*: rebuilding it\./,
    );
    assert.match(run.stderr, builtFresh);
    const batches = await batchesOf(folder);
    assert.equal(batches.length, firstBatches.length);
    assert.notDeepEqual(batches, firstBatches, 'every file imported again');
    // And the changed data is now what it was built from: the next start reuses it.
    const again = await demo(folder, changed);
    assert.match(again.stderr, reusing);
    assert.deepEqual(await batchesOf(folder), batches);
  });

  it('rebuilds it when asked with --fresh, and again at the next start when that build was cut short', async () => {
    const before = await batchesOf(folder);
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'src', 'cli', 'main.ts'),
        'demo',
        '--no-serve',
        '--fresh',
        '--data-dir',
        folder,
        '--data-root',
        root,
      ],
      { env: { ...process.env, DATABASE_URL: '' } },
    );
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        // The data is in; the accounts and examples are being added: stop it there, as a power cut would.
        if (/Demo data loaded/.test(stderr) && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`the demo ended before it was stopped: ${stderr}`)));
    });
    await new Promise((resolve) => child.once('close', resolve));
    assert.match(stderr, /Building the demo store afresh, as --fresh asks\./);
    assert.match(stderr, builtFresh);
    assert.doesNotMatch(stderr, /reusing it/);
    // The store now holds the data but no record of a finished build: the next start builds it again.
    const run = await demo(folder, root);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /The demo store has no record of a finished build .*: rebuilding it\./);
    assert.match(run.stderr, builtFresh);
    assert.equal(printedPasswords(run.stdout).size, 8);
    assert.notDeepEqual(await batchesOf(folder), before);
    assert.match((await demo(folder, root)).stderr, reusing);
  });
});
