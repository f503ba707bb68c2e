/**
 * A process that holds an embedded database folder's lock, for the lock tests: takes the lock on the
 * folder given (or reports why not), prints `held <pid>` or `refused <code>: <message>` on standard
 * output, then waits until standard input closes — or, with `--exit`, exits at once without releasing
 * it by hand, to show the lock is released on exit.
 */
import { isAppError } from '../../src/errors.ts';
import { acquireStoreLock } from '../../src/store/lock.ts';

const [folder, mode] = process.argv.slice(2);
try {
  acquireStoreLock(folder, { onTakeover: (note) => process.stdout.write(`note ${note}\n`) });
  process.stdout.write(`held ${process.pid}\n`);
} catch (error) {
  process.stdout.write(`refused ${isAppError(error) ? error.code : 'error'}: ${(error as Error).message}\n`);
}
if (mode !== '--exit') {
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}
