import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

/*
 * Loaded with `node --import` before a program: records the URL of every module the program loads
 * (ES modules and CommonJS alike) and, as the process exits, writes them one a line to the file
 * named by TEND_RECORD_MODULES. Tests use it to pin what a command imports.
 */
const target = process.env.TEND_RECORD_MODULES;
const loaded = new Set<string>();
registerHooks({
  load(url, context, nextLoad) {
    loaded.add(url);
    return nextLoad(url, context);
  },
});
process.on('exit', () => {
  if (target) writeFileSync(target, [...loaded].join('\n'));
});
