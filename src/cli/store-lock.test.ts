import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runTend } from '../../test/helpers/cli.ts';
import { bundled } from '../../test/helpers/loaded-store.ts';
import { repoRoot } from '../../test/helpers/paths.ts';
import { addPerson } from '../../test/helpers/people.ts';
import { createToken } from '../app/accounts/tokens.ts';
import { importFile } from '../app/import-file.ts';
import { operator } from '../policies/actor.ts';
import { openStore } from '../store/db.ts';
import { lockFileOf } from '../store/lock.ts';

/**
 * One writer per embedded database, as people meet it at the command line: two imports at once,
 * an import while `tend serve` runs (refused, with the way through the server), a lock left by a
 * crash, and `tend demo` on a folder in use. Each runs on an embedded database in a folder, whatever
 * the test backend: the folder is what the lock guards.
 */

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-store-lock-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const history = path.join(repoRoot, 'data', 'nhse-ae-by-provider-2015-2024', 'ae_by_provider_monthly.csv');
const june = bundled.aeMonthly.find((file) => file.endsWith('2024-06.csv')) as string;

/** A folder with the ODS register and the trust lookup imported, ready for A&E files. */
async function folderWithOrganisations(name: string): Promise<string> {
  const folder = path.join(scratch, name);
  const store = await openStore({ databaseUrl: undefined, dataDir: folder });
  try {
    for (const file of [bundled.odsTrusts, bundled.trustLookup])
      assert.equal((await importFile(store, file)).outcome, 'imported', file);
  } finally {
    await store.close();
  }
  return folder;
}

/** Waits until the folder's lock file names a holder whose command matches. */
async function lockedBy(folder: string, command: RegExp, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const holder = JSON.parse(fs.readFileSync(lockFileOf(folder), 'utf8')) as {
        pid: number;
        command: string;
      };
      if (command.test(holder.command)) return holder.pid;
    } catch {
      // Not there yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no process matching ${command} took the lock on ${folder}`);
}

/** What the folder holds: batches (file names) and observations per batch. */
async function contents(folder: string) {
  const store = await openStore({ databaseUrl: undefined, dataDir: folder });
  try {
    const batches = await store.db
      .selectFrom('import_batch')
      .select(['id', 'file_name', 'outcome'])
      .orderBy('id')
      .execute();
    const perBatch = await store.db
      .selectFrom('observation')
      .select(['batch_id', store.db.fn.countAll<number>().as('n')])
      .groupBy('batch_id')
      .execute();
    return {
      batches: batches.map((batch) => `${batch.id} ${path.basename(batch.file_name)} ${batch.outcome}`),
      observations: Object.fromEntries(perBatch.map((row) => [row.batch_id, Number(row.n)])),
    };
  } finally {
    await store.close();
  }
}

describe('one writer per embedded database, at the command line', () => {
  it('refuses the second of two imports started together on one folder, and keeps the store exactly the first file', async () => {
    const folder = await folderWithOrganisations('two-imports');
    // Two large files, so that whichever process opens the folder first still holds it when the
    // other tries: the history table, and a copy of it that differs by a final line break.
    const copy = path.join(scratch, 'history-copy.csv');
    fs.writeFileSync(copy, `${fs.readFileSync(history, 'utf8')}\n`);
    const runs = await Promise.all(
      [history, copy].map((file) => runTend(['import', file, '--data-dir', folder])),
    );

    const winners = runs.filter((run) => run.code === 0);
    const refused = runs.filter((run) => run.code !== 0);
    assert.equal(winners.length, 1, runs.map((run) => `${run.code}: ${run.stderr}`).join('\n'));
    const [winner] = winners;
    const [loser] = refused;
    assert.equal(loser.code, 75, loser.stderr);
    const reported = /^(\S+): imported as batch (\d+) .*: \d+ rows, (\d+) observations/m.exec(winner.stderr);
    assert.ok(reported, winner.stderr);
    const winnerFile = path.basename(reported[1]);
    const holder =
      /in use by process (\d+) \(`tend import (\S+) --data-dir .*`\) on this computer since \d{4}-\d\d-\d\d \d\d:\d\d UTC\. Stop it \(Ctrl\+C in its terminal, or `kill (\d+)`\)/.exec(
        loser.stderr,
      );
    assert.ok(holder, loser.stderr);
    assert.equal(path.basename(holder[2]), winnerFile, 'the refusal names the process that holds the folder');
    assert.equal(holder[3], holder[1]);
    assert.doesNotMatch(loser.stderr, /imported as batch/);

    const stored = await contents(folder);
    assert.deepEqual(stored.batches, [
      '1 etr.csv imported',
      '2 trust_region_icb_lookup.csv imported',
      `3 ${winnerFile} imported`,
    ]);
    assert.equal(reported[2], '3');
    assert.deepEqual(stored.observations, { 3: Number(reported[3]) }, 'only the first file’s observations');
  });

  it('refuses `tend import` on a folder `tend serve` holds, pointing at POST /api/v1/imports, which then imports it; `tend backup` goes through the server', async () => {
    const folder = await folderWithOrganisations('served');
    let token: string;
    {
      const store = await openStore({ databaseUrl: undefined, dataDir: folder });
      try {
        await addPerson(store, 'nat@example.nhs.uk', [{ role: 'oversight', scopeKind: 'england' }]);
        token = (
          await createToken(
            { db: store.db, actor: operator('test'), clock: () => new Date() },
            { email: 'nat@example.nhs.uk', name: 'imports' },
          )
        ).secret;
      } finally {
        await store.close();
      }
    }
    const server = spawn(
      process.execPath,
      [path.join(repoRoot, 'src', 'cli', 'main.ts'), 'serve', '--data-dir', folder, '--port', '0'],
      {
        env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', TEND_SESSION_SECRET: 'x'.repeat(40) },
      },
    );
    try {
      const address = await new Promise<string>((resolve, reject) => {
        let stderr = '';
        server.stderr.on('data', (chunk) => {
          stderr += chunk;
          const match = /Tend is running at (http:\/\/\S+) /.exec(stderr);
          if (match) resolve(match[1].replace('localhost', '127.0.0.1'));
        });
        server.on('exit', (code) => reject(new Error(`tend serve exited (${code}): ${stderr}`)));
      });

      const refused = await runTend(['import', june, '--data-dir', folder]);
      assert.equal(refused.code, 75, refused.stderr);
      assert.match(
        refused.stderr,
        new RegExp(`held by a running Tend server at ${address}: process ${server.pid} \\(\`tend serve`),
      );
      assert.match(refused.stderr, /national oversight/);
      assert.ok(
        refused.stderr.includes(
          `-H "Content-Type: text/csv" --data-binary @${june} "${address}/api/v1/imports?filename=Monthly-AE-2024-06.csv"`,
        ),
        refused.stderr,
      );
      assert.match(refused.stderr, new RegExp(`kill ${server.pid}`));

      const before = await fetch(`${address}/api/v1/observations?org=RJ1&metric=ae-4hr-type1`);
      assert.deepEqual(((await before.json()) as { observations: unknown[] }).observations, []);

      const imported = await fetch(`${address}/api/v1/imports?filename=Monthly-AE-2024-06.csv`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: fs.readFileSync(june),
      });
      const body = (await imported.json()) as { import: { outcome: string; batchId: number; file: string } };
      assert.equal(imported.status, 201, JSON.stringify(body));
      assert.equal(body.import.outcome, 'imported');
      assert.equal(body.import.batchId, 3);
      assert.equal(body.import.file, 'Monthly-AE-2024-06.csv');

      const seen = await fetch(`${address}/api/v1/observations?org=RJ1&metric=ae-4hr-type1`);
      const observations = ((await seen.json()) as { observations: unknown[] }).observations;
      assert.equal(observations.length, 1, 'the server sees the import at once');

      const backup = path.join(scratch, 'served.tar.gz');
      const backedUp = await runTend(['backup', backup, '--data-dir', folder]);
      assert.equal(backedUp.code, 0, backedUp.stderr);
      assert.match(backedUp.stderr, new RegExp(`taken by process ${server.pid} \\(\`tend serve`));
      assert.ok(fs.statSync(backup).size > 0);
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    assert.equal(fs.existsSync(lockFileOf(folder)), false, 'the server released the folder as it stopped');
    const stored = await contents(folder);
    assert.deepEqual(stored.batches, [
      '1 etr.csv imported',
      '2 trust_region_icb_lookup.csv imported',
      '3 Monthly-AE-2024-06.csv imported',
    ]);
  });

  it('takes over a lock left by a process that no longer runs, and says so', async () => {
    const folder = path.join(scratch, 'stale');
    fs.mkdirSync(folder);
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.once('exit', resolve));
    fs.writeFileSync(
      lockFileOf(folder),
      JSON.stringify({
        pid: gone.pid,
        host: os.hostname(),
        command: 'tend import big.csv',
        since: '2026-03-04T05:06:07.000Z',
        processStarted: '2026-03-04T05:06:00.000Z',
        token: 'left-behind',
      }),
    );
    const status = await runTend(['status', '--data-dir', folder]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(
      status.stderr,
      new RegExp(
        `Took over the lock on .*stale left by process ${gone.pid} \\(\`tend import big\\.csv\`\\) on this computer since 2026-03-04 05:06 UTC \\(process ${gone.pid} is no longer running\\)`,
      ),
    );
    assert.equal(fs.existsSync(lockFileOf(folder)), false);
  });

  it('never lets `tend demo` empty a folder another process holds', async () => {
    const folder = path.join(scratch, 'demo-held');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'PG_VERSION'), '17\n');
    const holder = spawn(process.execPath, [
      path.join(repoRoot, 'test', 'helpers', 'hold-store-lock.ts'),
      folder,
    ]);
    try {
      await lockedBy(folder, /hold-store-lock/);
      const demo = await runTend(['demo', '--no-serve', '--data-dir', folder]);
      assert.equal(demo.code, 75, demo.stderr);
      assert.match(demo.stderr, new RegExp(`in use by process ${holder.pid}`));
      assert.equal(
        fs.readFileSync(path.join(folder, 'PG_VERSION'), 'utf8'),
        '17\n',
        'the folder is untouched',
      );
    } finally {
      holder.stdin.end();
      await new Promise((resolve) => holder.once('exit', resolve));
    }
  });
});
