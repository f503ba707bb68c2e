import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../errors.ts';

/**
 * One writer per embedded database. PGlite is one process's database: nothing in it stops a second
 * process opening the same folder, and two processes writing one folder corrupt it silently. So every
 * process that opens a folder first creates `<folder>.lock` beside it, atomically (`O_CREAT|O_EXCL`),
 * holding who it is; a second process reads that and is refused, with who holds it and how to stop
 * it. The file is removed on close, on exit and on a terminating signal. A lock left by a process that
 * is no longer running on this computer (a crash, `kill -9`, a power cut) is stale, and taken over
 * with a note.
 *
 * The lock sits beside the folder, not in it, so it never travels in a copy or a backup of the folder.
 */

/** Who holds a folder, as written in its lock file. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** The command line, e.g. `tend serve --port 3000` (passwords in addresses hidden). */
  readonly command: string;
  /** When the holder opened the folder (ISO time). */
  readonly since: string;
  /** When the holding process itself started (ISO time), to tell a reused process id. */
  readonly processStarted: string;
  /** A random value naming this one hold, so a process removes only its own lock. */
  readonly token: string;
  /** Where the holder answers backup requests (a Unix socket or named pipe), once it listens. */
  readonly backupSocket?: string;
  /** The web address, when the holder serves Tend's pages and API. */
  readonly address?: string;
}

/** A lock this process holds. */
export interface StoreLock {
  /** The lock file. */
  readonly path: string;
  /** The folder it guards (its real path). */
  readonly folder: string;
  holder(): LockHolder;
  /** The stale holder this lock replaced, if any. */
  readonly tookOverFrom: LockHolder | undefined;
  /** Adds what other processes should know (the backup socket, the web address) to the lock file. */
  announce(fields: Pick<LockHolder, 'backupSocket' | 'address'>): void;
  /** Removes the lock file (if it is still this process's); safe to call twice. */
  release(): void;
}

/** What a lock file says about its folder, judged from this process. */
export type LockState =
  | { readonly state: 'free' }
  | { readonly state: 'held'; readonly holder: LockHolder }
  | { readonly state: 'stale'; readonly holder: LockHolder | undefined; readonly why: string };

/** How long a half-written lock or an abandoned takeover is given before it counts as stale. */
const UNFINISHED_GRACE_MS = 10_000;

/** Lock files this process holds, by path: released together on exit or a terminating signal. */
const heldHere = new Map<string, () => void>();

/** The real path of a folder (following symbolic links), or its absolute path when it does not exist. */
export function realFolder(folder: string): string {
  const absolute = path.resolve(folder);
  try {
    return fs.realpathSync(absolute);
  } catch {
    return absolute;
  }
}

/** The lock file of an embedded database folder: `<folder>.lock`, beside it. */
export function lockFileOf(folder: string): string {
  return `${realFolder(folder)}.lock`;
}

/**
 * Takes the exclusive lock on an embedded database folder for this process, or throws
 * `STORE_IN_USE` naming the process that holds it. A stale lock is taken over and reported in
 * `tookOverFrom` (and through `onTakeover`, a line for the operator).
 */
export function acquireStoreLock(
  folder: string,
  options: { command?: string; onTakeover?: (note: string) => void } = {},
): StoreLock {
  const real = realFolder(folder);
  const lockPath = `${real}.lock`;
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  let tookOverFrom: LockHolder | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const holder: LockHolder = {
      pid: process.pid,
      host: os.hostname(),
      command: options.command ?? commandLine(),
      since: new Date().toISOString(),
      processStarted: processStartTime(),
      token: crypto.randomBytes(12).toString('hex'),
    };
    let fd: number;
    try {
      fd = fs.openSync(lockPath, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new AppError(
          'DATABASE_UNAVAILABLE',
          `Could not create the lock file ${lockPath} for the embedded database in ${real}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      const found = judgeLock(lockPath);
      if (found.state === 'held') throw storeInUse(real, found.holder);
      if (found.state === 'stale') {
        const replaced = takeOver(lockPath, found);
        if (replaced && found.holder) {
          tookOverFrom = found.holder;
          options.onTakeover?.(
            `Took over the lock on ${real} left by ${describeHolder(found.holder)} (${found.why}).`,
          );
        }
      }
      continue;
    }
    try {
      fs.writeSync(fd, `${JSON.stringify(holder, null, 2)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return holdLock(real, lockPath, holder, tookOverFrom);
  }
  throw new AppError(
    'STORE_IN_USE',
    `The embedded database in ${real} is being opened by other processes at the same moment; try again.`,
  );
}

/** Reads a folder's lock file and judges it: free, held by a running process, or stale. */
export function readStoreLock(folder: string): LockState {
  return judgeLock(lockFileOf(folder));
}

function judgeLock(lockPath: string): LockState {
  let text: string;
  let modified: number;
  try {
    text = fs.readFileSync(lockPath, 'utf8');
    modified = fs.statSync(lockPath).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'free' };
    throw error;
  }
  const holder = parseHolder(text);
  if (!holder) {
    // Created but not yet written (or cut short by a crash): give a live writer time to finish.
    if (Date.now() - modified < UNFINISHED_GRACE_MS)
      return {
        state: 'held',
        holder: {
          pid: 0,
          host: os.hostname(),
          command: 'a process starting up',
          since: new Date(modified).toISOString(),
          processStarted: new Date(modified).toISOString(),
          token: '',
        },
      };
    return { state: 'stale', holder: undefined, why: 'the lock file is empty or unreadable' };
  }
  if (holder.host !== os.hostname()) return { state: 'held', holder };
  if (holder.pid === process.pid) {
    // This process: held here, or left by an earlier process that had the same id (a container restart).
    if (heldHere.has(lockPath)) return { state: 'held', holder };
    return { state: 'stale', holder, why: 'it was left by an earlier process with this process id' };
  }
  if (!processRunning(holder.pid))
    return { state: 'stale', holder, why: `process ${holder.pid} is no longer running` };
  const started = processStartTimeOf(holder.pid);
  if (started !== undefined && Math.abs(started - Date.parse(holder.processStarted)) > 5_000)
    return { state: 'stale', holder, why: `process id ${holder.pid} now belongs to another process` };
  return { state: 'held', holder };
}

/**
 * Removes a stale lock file, under a short-lived guard file so that two processes taking over the
 * same stale lock at once cannot both succeed: the one that gets the guard removes the stale file,
 * and both then race to create a new one with `O_EXCL`, which only one wins.
 */
function takeOver(lockPath: string, stale: LockState & { state: 'stale' }): boolean {
  const guard = `${lockPath}.takeover`;
  let fd: number;
  try {
    fd = fs.openSync(guard, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - fs.statSync(guard).mtimeMs > UNFINISHED_GRACE_MS) fs.rmSync(guard, { force: true });
    } catch {
      // Gone already: another process finished its takeover.
    }
    return false;
  }
  fs.closeSync(fd);
  try {
    const now = judgeLock(lockPath);
    const same =
      now.state === 'stale' &&
      (now.holder?.token ?? '') === (stale.holder?.token ?? '') &&
      (now.holder?.pid ?? 0) === (stale.holder?.pid ?? 0);
    if (!same) return false;
    fs.rmSync(lockPath, { force: true });
    return true;
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

function holdLock(
  folder: string,
  lockPath: string,
  initial: LockHolder,
  tookOverFrom: LockHolder | undefined,
): StoreLock {
  let current = initial;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    heldHere.delete(lockPath);
    if (heldHere.size === 0) removeProcessHandlers();
    try {
      const onDisk = parseHolder(fs.readFileSync(lockPath, 'utf8'));
      if (onDisk?.token === current.token) fs.rmSync(lockPath, { force: true });
    } catch {
      // Already gone.
    }
  };
  heldHere.set(lockPath, release);
  installProcessHandlers();
  return {
    path: lockPath,
    folder,
    holder: () => current,
    tookOverFrom,
    announce(fields) {
      if (released) return;
      current = { ...current, ...fields };
      // Written beside and renamed over, so a reader never sees half a file.
      const next = `${lockPath}.${current.token}`;
      fs.writeFileSync(next, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o644 });
      fs.renameSync(next, lockPath);
    },
    release,
  };
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (
      typeof value.pid === 'number' &&
      typeof value.host === 'string' &&
      typeof value.command === 'string' &&
      typeof value.since === 'string' &&
      typeof value.token === 'string'
    )
      return { processStarted: value.since, ...value } as LockHolder;
  } catch {
    // Not a lock file Tend wrote.
  }
  return undefined;
}

/** The refusal a second process gets: who holds the folder, since when, and how to stop it. */
export function storeInUse(folder: string, holder: LockHolder): AppError {
  const here = holder.host === os.hostname();
  const stop = !here
    ? `It runs on another computer (${holder.host}); stop it there. If you are sure it has stopped, delete ${folder}.lock.`
    : holder.pid === 0
      ? 'Try again in a few seconds.'
      : holder.pid === process.pid
        ? 'This process has already opened it.'
        : `Stop it (Ctrl+C in its terminal, or \`kill ${holder.pid}\`) and try again.`;
  return new AppError(
    'STORE_IN_USE',
    `The embedded database in ${folder} is in use by ${describeHolder(holder)}. ${stop}`,
  );
}

/** "process 1234 (`tend serve`) on this computer since 2026-05-01 09:30 UTC" */
export function describeHolder(holder: LockHolder): string {
  if (holder.pid === 0) return `a process that is opening it (since ${holder.since})`;
  const where = holder.host === os.hostname() ? 'on this computer' : `on ${holder.host}`;
  const since = holder.since.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
  return `process ${holder.pid} (\`${holder.command}\`) ${where} since ${since}`;
}

function processRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** When this process started, to the second. */
function processStartTime(): string {
  return new Date(processStartTimeOf(process.pid) ?? Date.now() - process.uptime() * 1000).toISOString();
}

/** When a process started (milliseconds since 1970), from /proc on Linux; undefined elsewhere. */
function processStartTimeOf(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, in clock ticks since boot) counted after the command name's closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const bootLine = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
    if (!Number.isFinite(ticks) || !bootLine) return undefined;
    return Number(bootLine[1]) * 1000 + (ticks / 100) * 1000;
  } catch {
    return undefined;
  }
}

/** This process's command line for the lock file: `tend import …` when it is Tend, passwords hidden. */
function commandLine(): string {
  const script = path.basename(process.argv[1] ?? 'node');
  const name = ['main.ts', 'tend.js', 'tend'].includes(script) ? 'tend' : script;
  const text = [name, ...process.argv.slice(2)]
    .join(' ')
    .replace(/\/\/([^:@/\s]+):[^@/\s]+@/g, '//$1:***@')
    .replace(/[\r\n]+/g, ' ');
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

const terminatingSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let handlersInstalled = false;

function releaseAll(): void {
  for (const release of [...heldHere.values()]) release();
}

/**
 * On a terminating signal that nothing else in the process handles, release every lock and let the
 * signal end the process as it would have. When something else handles it (`tend serve` closes
 * its server and then the store), that shutdown releases the lock on close.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  releaseAll();
  removeProcessHandlers();
  process.kill(process.pid, signal);
}

function installProcessHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', releaseAll);
  // First in line, so it sees every other handler of the signal, `once` ones included.
  for (const signal of terminatingSignals) process.prependListener(signal, onSignal);
}

function removeProcessHandlers(): void {
  if (!handlersInstalled) return;
  handlersInstalled = false;
  process.off('exit', releaseAll);
  for (const signal of terminatingSignals) process.off(signal, onSignal);
}
