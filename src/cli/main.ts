import { enableCompileCache } from 'node:module';
import { isAppError } from '../errors.ts';

// Node keeps the compiled code of every module it loads in a cache on disk (in the system's temporary
// folder, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so a second start of any
// command skips most of the compiling.
enableCompileCache();

/** `tend` entry point: runs the command and turns errors into a message and an exit code. */
// `tend serve` binds its port before the rest of Tend loads, so a restart refuses connections only
// while Node starts; requests wait there until the server is ready. Every command loads only what it
// uses (each command's code is imported when it runs), so the listener loads only for `serve`.
if (process.argv.includes('serve')) {
  const { listenEarly } = await import('../web/listener.ts');
  await listenEarly(process.argv, process.env);
}
try {
  const { buildProgram } = await import('./program.ts');
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (isAppError(error) && error.code === 'VALIDATION_FAILED' && error.details.length > 0) {
    // Every problem, one a line: `field: problem`.
    process.stderr.write(`tend: ${error.details.length} problem(s); nothing was done:\n`);
    for (const detail of error.details) process.stderr.write(`  ${detail}\n`);
    process.exitCode = error.exitCode;
  } else if (isAppError(error)) {
    process.stderr.write(`tend: ${error.message}\n`);
    if (error.code !== 'IMPORT_FAILED' && error.code !== 'NOT_FOUND' && error.code !== 'CONFIG_INVALID')
      process.stderr.write(`  ${error.hint}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`tend: unexpected error: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 70;
  }
}
