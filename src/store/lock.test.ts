import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from '../../test/helpers/paths.ts';
import { isAppError } from '../errors.ts';
import { acquireStoreLock, lockFileOf, readStoreLock } from './lock.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-lock-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));
let folders = 0;
function newFolder(): string {
  const folder = path.join(scratch, `store-${++folders}`);
  fs.mkdirSync(folder);
  return folder;
}

const holderScript = path.join(repoRoot, 'test', 'helpers', 'hold-store-lock.ts');

/** Starts a process that takes the folder's lock; resolves with it and its first line of output. */
function holder(
  folder: string,
  mode?: '--exit',
): Promise<{ child: ChildProcessWithoutNullStreams; line: string }> {
  const child = spawn(process.execPath, [holderScript, folder, ...(mode ? [mode] : [])]);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const lines = output.split('\n');
      const answer = lines.find((line) => line.startsWith('held') || line.startsWith('refused'));
      if (answer) resolve({ child, line: output.trim() });
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!output.trim()) reject(new Error(`the lock holder exited (${code}) without a word`));
    });
  });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    assert.ok(isAppError(error), `an AppError, not ${error}`);
    assert.equal(error.code, 'STORE_IN_USE');
    assert.equal(error.exitCode, 75);
    return error.message;
  }
  assert.fail('the lock was not refused');
}

/** A lock file as another process would have left it. */
function writeLock(folder: string, fields: Record<string, unknown>): void {
  fs.writeFileSync(
    lockFileOf(folder),
    JSON.stringify({
      pid: 999_999,
      host: os.hostname(),
      command: 'tend import old.csv',
      since: '2026-01-02T03:04:05.000Z',
      processStarted: '2026-01-02T03:04:00.000Z',
      token: 'abc',
      ...fields,
    }),
  );
}

describe('one writer per embedded database folder', () => {
  it('refuses a second process, naming the holder (pid, command, since) and how to stop it', async () => {
    const folder = newFolder();
    const { child, line } = await holder(folder);
    try {
      assert.match(line, /^held \d+$/);
      const message = refusal(() => acquireStoreLock(folder));
      assert.match(
        message,
        new RegExp(`in use by process ${child.pid} \\(\`hold-store-lock\\.ts .*store-\\d+\`\\)`),
      );
      assert.match(message, / since \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      assert.match(message, new RegExp(`kill ${child.pid}`));
      const state = readStoreLock(folder);
      assert.equal(state.state, 'held');
      assert.equal(state.state === 'held' && state.holder.pid, child.pid);
    } finally {
      child.stdin.end();
      await exited(child);
    }
    assert.equal(fs.existsSync(lockFileOf(folder)), false, 'released when the holder exits');
    acquireStoreLock(folder).release();
  });

  it('is released when the holding process exits without releasing it, and on SIGTERM, SIGINT and SIGHUP', async () => {
    const folder = newFolder();
    const first = await holder(folder, '--exit');
    await exited(first.child);
    assert.equal(first.child.exitCode, 0);
    assert.equal(fs.existsSync(lockFileOf(folder)), false, 'released on exit');
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      const { child, line } = await holder(folder);
      assert.match(line, /^held/);
      child.kill(signal);
      await exited(child);
      assert.equal(child.signalCode, signal, `the ${signal} still ends the process`);
      assert.equal(fs.existsSync(lockFileOf(folder)), false, `released on ${signal}`);
    }
  });

  it('takes over a stale lock left by a process killed outright, with a note naming it', async () => {
    const folder = newFolder();
    const { child } = await holder(folder);
    child.kill('SIGKILL');
    await exited(child);
    assert.equal(fs.existsSync(lockFileOf(folder)), true, 'SIGKILL leaves the lock behind');
    assert.equal(readStoreLock(folder).state, 'stale');
    const notes: string[] = [];
    const lock = acquireStoreLock(folder, { onTakeover: (note) => notes.push(note) });
    try {
      assert.equal(lock.tookOverFrom?.pid, child.pid);
      assert.equal(notes.length, 1);
      assert.match(
        notes[0],
        new RegExp(`left by process ${child.pid} .*process ${child.pid} is no longer running`),
      );
      assert.equal(JSON.parse(fs.readFileSync(lock.path, 'utf8')).pid, process.pid);
    } finally {
      lock.release();
    }
  });

  it('lets only one of several processes take over the same stale lock', async () => {
    const folder = newFolder();
    writeLock(folder, {});
    const racers = await Promise.all([1, 2, 3, 4].map(() => holder(folder)));
    try {
      const held = racers.filter((racer) => racer.line.includes('held'));
      assert.equal(held.length, 1, racers.map((racer) => racer.line).join('\n'));
      for (const racer of racers.filter((each) => !each.line.includes('held')))
        assert.match(racer.line, /refused STORE_IN_USE/);
    } finally {
      for (const racer of racers) racer.child.stdin.end();
      await Promise.all(racers.map((racer) => exited(racer.child)));
    }
  });

  it('refuses a lock held on another computer, since it cannot tell whether that process runs', () => {
    const folder = newFolder();
    writeLock(folder, { host: 'another-host.example', pid: process.pid });
    const message = refusal(() => acquireStoreLock(folder));
    assert.match(message, /on another-host\.example/);
    assert.match(message, /delete .*\.lock/);
  });

  it('takes over a lock left with this process id by an earlier process (a container restarted)', () => {
    const folder = newFolder();
    writeLock(folder, { pid: process.pid });
    const lock = acquireStoreLock(folder, { onTakeover: () => {} });
    assert.equal(lock.tookOverFrom?.token, 'abc');
    lock.release();
  });

  it('takes over a lock whose process id now belongs to another process', {
    skip: process.platform !== 'linux' && 'process start times are read from /proc',
  }, () => {
    const folder = newFolder();
    // Process 1 runs, but started long before this lock says its holder did.
    writeLock(folder, { pid: 1, processStarted: new Date().toISOString(), since: new Date().toISOString() });
    const lock = acquireStoreLock(folder, { onTakeover: () => {} });
    assert.equal(lock.tookOverFrom?.pid, 1);
    lock.release();
  });

  it('waits for a lock file still being written, and takes over one left empty', () => {
    const folder = newFolder();
    fs.writeFileSync(lockFileOf(folder), '');
    assert.match(
      refusal(() => acquireStoreLock(folder)),
      /a process that is opening it/,
    );
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lockFileOf(folder), old, old);
    acquireStoreLock(folder, { onTakeover: () => {} }).release();
  });

  it('refuses a second open in the same process, and allows one after release', () => {
    const folder = newFolder();
    const lock = acquireStoreLock(folder);
    assert.match(
      refusal(() => acquireStoreLock(folder)),
      /already opened it/,
    );
    lock.release();
    lock.release();
    assert.equal(fs.existsSync(lock.path), false);
    acquireStoreLock(folder).release();
  });

  it('follows symbolic links, so two names for one folder share one lock', () => {
    const folder = newFolder();
    const link = path.join(scratch, `link-${folders}`);
    fs.symlinkSync(folder, link);
    const lock = acquireStoreLock(link);
    try {
      refusal(() => acquireStoreLock(folder));
    } finally {
      lock.release();
    }
  });
});
