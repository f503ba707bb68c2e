import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runTend } from '../../test/helpers/cli.ts';
import { repoRoot } from '../../test/helpers/paths.ts';
import { tendStoreArgs, testBackend } from '../../test/helpers/test-store.ts';

/*
 * The command line starts fast because each command loads only what it uses: its code is imported
 * when it runs, not when the command line is built. These tests pin that design (not a timing): they
 * run `tend` with a hook that records every module Node loads, and look at the list.
 */

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-startup-'));
const testStore = await tendStoreArgs(path.join(scratch, 'db'));
const recorder = pathToFileURL(path.join(repoRoot, 'test', 'helpers', 'record-modules.ts')).href;

/** What no quick command may load: the workbook reader, the web server and its templates, the importers. */
const heavy: readonly { what: string; pattern: RegExp }[] = [
  { what: 'the workbook library (exceljs)', pattern: /\/node_modules\/exceljs\// },
  { what: 'the web framework (fastify)', pattern: /\/node_modules\/(fastify|@fastify\/[^/]+)\// },
  { what: 'the template engine (nunjucks)', pattern: /\/node_modules\/nunjucks\// },
  { what: 'the web shell (src/web/)', pattern: /\/src\/web\// },
  { what: 'the importers (src/ingest/)', pattern: /\/src\/ingest\// },
  { what: 'the charts (src/charts/)', pattern: /\/src\/charts\// },
  { what: 'the SPC engine', pattern: /\/src\/engines\/spc\/(compute-spc|describe-spc)\.ts$/ },
];

/** Runs `tend …args` and returns its result and the URL of every module it loaded. */
async function modulesLoadedBy(
  args: readonly string[],
): Promise<{ code: number | null; stderr: string; stdout: string; modules: string[] }> {
  const list = path.join(scratch, `modules-${args.join('-').replace(/[^a-z]+/gi, '-')}.txt`);
  const run = await runTend(args, {
    env: { NODE_OPTIONS: `--import=${recorder}`, TEND_RECORD_MODULES: list },
  });
  const modules = fs.existsSync(list) ? fs.readFileSync(list, 'utf8').split('\n').filter(Boolean) : [];
  return { ...run, modules };
}

function heavyModules(modules: readonly string[]): string[] {
  return heavy
    .map(({ what, pattern }) => {
      const hits = modules.filter((url) => pattern.test(url));
      return hits.length === 0 ? '' : `${what}: ${hits.length} module(s), e.g. ${hits[0]}`;
    })
    .filter(Boolean);
}

describe(`tend starts with only what a command uses (${testBackend})`, () => {
  after(async () => {
    await testStore.drop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('`tend --help` loads the command definitions only: no store, workbook, web, importer or engine module', async () => {
    const run = await modulesLoadedBy(['--help']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Usage: tend/);
    // The recorder saw the command line being built (so an empty list cannot pass).
    assert.ok(
      run.modules.some((url) => url.endsWith('/src/cli/program.ts')),
      'program.ts was not recorded',
    );
    assert.deepEqual(heavyModules(run.modules), []);
    assert.deepEqual(
      run.modules.filter((url) =>
        /\/src\/(store|app)\/|\/node_modules\/(kysely|pg|@electric-sql)\//.test(url),
      ),
      [],
      'help opens no store',
    );
  });

  it('`tend status` loads the store and the status use case, and no workbook, web, importer or engine module', async () => {
    const run = await modulesLoadedBy([...testStore.args, 'status', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).store, testBackend);
    assert.ok(
      run.modules.some((url) => url.endsWith('/src/app/status.ts')),
      'the status use case was not recorded',
    );
    assert.ok(
      run.modules.some((url) => url.endsWith('/src/store/db.ts')),
      'the store was not recorded',
    );
    assert.deepEqual(heavyModules(run.modules), []);
  });

  it('a command still loads what it needs when it runs (the import command loads the importers)', async () => {
    const run = await modulesLoadedBy([...testStore.args, 'import', path.join(scratch, 'missing.csv')]);
    assert.notEqual(run.code, 0);
    assert.ok(
      run.modules.some((url) => /\/src\/ingest\//.test(url)),
      'the import command ran without its importers',
    );
  });
});
