import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { seriesMetric, setUpAnnotationStore } from '../../test/helpers/annotations.ts';
import { runTend } from '../../test/helpers/cli.ts';
import { createTestDatabase, type TestDatabase, testBackend } from '../../test/helpers/test-store.ts';
import { operatorLabel } from '../cli/operator.ts';
import { openStore, type Store } from '../store/db.ts';
import { listTables } from '../store/repos/schema-repo.ts';
import { buildApp } from '../web/app.ts';
import { createToken } from './accounts/tokens.ts';
import { createAnnotation } from './annotations/create.ts';
import { importFile } from './import-file.ts';
import { createNarrative, editNarrative, publishNarrative } from './narratives/write.ts';

/**
 * Backup and restore, end to end, on the test backend: a store with data, people, narratives,
 * annotations, a rebase and their audit entries is backed up with `tend backup` while a server
 * serves it, restored with `tend restore` into a fresh folder or database, and compared table by
 * table, row by row.
 */

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-backup-'));
const clock = () => new Date('2026-06-01T10:00:00Z');

/** Every row of every table, each table's rows sorted, values as JSON. */
async function everyRow(store: Store): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const table of await listTables(store.db)) {
    const result = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(store.db);
    tables[table] = result.rows.map((row) => JSON.stringify(row)).sort();
  }
  return tables;
}

/** A fresh place to restore into, and the `tend` options naming it. */
async function freshTarget(
  name: string,
): Promise<{ args: string[]; open(): Promise<Store>; drop(): Promise<void> }> {
  const database: TestDatabase | undefined = await createTestDatabase();
  if (database)
    return {
      args: ['--database-url', database.url],
      open: () => openStore({ databaseUrl: database.url, dataDir: 'memory://' }),
      drop: () => database.drop(),
    };
  const folder = path.join(scratch, name);
  return {
    args: ['--data-dir', folder],
    open: () => openStore({ databaseUrl: undefined, dataDir: folder }),
    drop: async () => {},
  };
}

describe(`tend backup and tend restore (${testBackend})`, () => {
  let source: Store;
  let sourceArgs: string[];
  let dropSource = async () => {};
  let app: FastifyInstance;
  let address = '';
  const backup = path.join(scratch, testBackend === 'postgres' ? 'tend.dump' : 'tend.tar.gz');
  let atBackup: Record<string, string[]>;
  const targets: { drop(): Promise<void> }[] = [];

  before(async () => {
    const database = await createTestDatabase();
    if (database) {
      source = await openStore({ databaseUrl: database.url, dataDir: 'memory://' });
      sourceArgs = ['--database-url', database.url];
      dropSource = () => database.drop();
    } else {
      const folder = path.join(scratch, 'source');
      source = await openStore({ databaseUrl: undefined, dataDir: folder });
      sourceArgs = ['--data-dir', folder];
    }
    const people = await setUpAnnotationStore(source, clock);
    const as = { db: source.db, actor: people.contributor, clock };
    // A revised edition: the earlier value goes to the observation history.
    const revised = path.join(scratch, 'revised.csv');
    fs.writeFileSync(revised, `org_code,metric_id,period,value\nRJ1,${seriesMetric},2024-03,72.5\n`);
    assert.equal((await importFile(source, revised)).outcome, 'imported');
    await createAnnotation(as, {
      org: 'RJ1',
      metric: seriesMetric,
      date: '2024-05-10',
      kind: 'event',
      text: 'New triage model',
    });
    await createAnnotation(as, {
      org: 'RJ1',
      metric: seriesMetric,
      date: '2024-08-01',
      kind: 'rebase',
      text: 'New unit opened',
      rebaseReason: 'A new urgent treatment centre opened in August.',
    });
    const published = await createNarrative(as, {
      org: 'RJ1',
      metric: seriesMetric,
      kind: 'metric_commentary',
      title: 'What the chart shows',
      body: 'Waits **fell** after the new model.',
      visibility: 'public',
      status: 'draft',
    });
    await editNarrative(as, published.id, { body: 'Waits fell after the new triage model.', baseVersion: 1 });
    await publishNarrative(as, published.id);
    await createNarrative(as, {
      org: 'RJ1',
      kind: 'team_story',
      title: 'Night shift',
      body: 'A draft for the team only.',
      visibility: 'organisation',
    });
    await createToken(
      { db: source.db, actor: { kind: 'operator', label: 'test' }, clock },
      { email: 'ada@example.nhs.uk', name: 'scripts' },
    );
    app = await buildApp({ store: source, config: { logLevel: 'silent' }, rateLimitPerMinute: 1_000_000 });
    address = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await app?.close();
    await source?.close();
    await dropSource();
    for (const target of targets) await target.drop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('backs up while the server serves, without refusing or failing a request', async () => {
    const running = runTend(['backup', backup, ...sourceArgs]);
    let finished = false;
    running.finally(() => {
      finished = true;
    });
    const statuses: number[] = [];
    const pages = ['/', `/organisations/RJ1/metrics/${seriesMetric}`, '/api/v1/organisations/RJ1', '/health'];
    while (!finished) {
      const response = await fetch(`${address}${pages[statuses.length % pages.length]}`);
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    const result = await running;
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      testBackend === 'postgres' ? /taken by pg_dump/ : new RegExp(`taken by process ${process.pid} `),
    );
    assert.ok(statuses.length >= 2, 'the server answered while the backup ran');
    assert.deepEqual(
      statuses.filter((status) => status !== 200),
      [],
    );
    atBackup = await everyRow(source);
    assert.ok(fs.statSync(backup).size > 0);
  });

  it('restores into a fresh store: every table the same, row for row, plus the restore in the audit log', async () => {
    const target = await freshTarget('restored');
    targets.push(target);
    const restored = await runTend(['restore', backup, ...target.args]);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(
      restored.stderr,
      /Restored .*: 6 organisations, \d+ metrics, 24 observations from 2 files\./,
    );

    const store = await target.open();
    try {
      const now = await everyRow(store);
      assert.deepEqual(Object.keys(now).sort(), Object.keys(atBackup).sort(), 'the same tables');
      const nonEmpty = Object.keys(atBackup).filter((table) => atBackup[table].length > 0);
      for (const table of [
        'observation',
        'observation_history',
        'import_batch',
        'narrative',
        'narrative_version',
        'annotation',
        'series_config',
        'app_user',
        'role_grant',
        'api_token',
        'audit_log',
      ])
        assert.ok(nonEmpty.includes(table), `the source has rows in ${table}`);
      for (const table of Object.keys(atBackup)) {
        if (table === 'audit_log' || table === 'store_version' || table === 'data_part_version') continue;
        assert.deepEqual(now[table], atBackup[table], table);
      }
      // The restore is one audit entry more, by the operator at this login, naming the file.
      const audit = await store.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
      assert.deepEqual(
        audit
          .slice(0, -1)
          .map((row) => JSON.stringify(row))
          .sort(),
        atBackup.audit_log,
      );
      const entry = audit.at(-1);
      assert.ok(entry);
      assert.equal(entry.action, 'store.restore');
      assert.equal(entry.actor_label, operatorLabel());
      assert.equal((entry.after as { file: string }).file, path.basename(backup));
      // And a change every cache sees.
      const [before] = atBackup.store_version.map((row) => JSON.parse(row));
      const version = await store.db.selectFrom('store_version').selectAll().executeTakeFirstOrThrow();
      assert.equal(Number(version.data_version), Number(before.data_version) + 1);
      assert.equal(Number(version.dialogue_version), Number(before.dialogue_version) + 1);
      // Every kept result reads everything a restore replaces: the `all` part moves, the others stay.
      const parts = (rows: string[]) =>
        new Map(
          rows
            .map((row) => JSON.parse(row) as { part: string; version: number })
            .map((row) => [row.part, Number(row.version)]),
        );
      const [partsBefore, partsNow] = [parts(atBackup.data_part_version), parts(now.data_part_version)];
      assert.equal(partsNow.get('all'), (partsBefore.get('all') ?? 0) + 1);
      for (const [part, partVersion] of partsBefore)
        if (part !== 'all') assert.equal(partsNow.get(part), partVersion, part);
      // Sequences came back too: the next import takes the next batch number.
      const more = path.join(scratch, 'more.csv');
      fs.writeFileSync(more, `org_code,metric_id,period,value\nRYY,${seriesMetric},2025-01,70\n`);
      const next = await importFile(store, more);
      assert.equal(next.outcome, 'imported');
      assert.equal(next.batchId, 3);
    } finally {
      await store.close();
    }

    const again = await runTend(['restore', backup, ...target.args]);
    assert.equal(again.code, 73, again.stderr);
    assert.match(again.stderr, /already holds .*--force/);
    const forced = await runTend(['restore', backup, '--force', ...target.args]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /replacing what was there/);
    const replaced = await target.open();
    try {
      const batches = await replaced.db.selectFrom('import_batch').select('id').execute();
      assert.equal(batches.length, 2, 'the import made after the first restore is gone');
    } finally {
      await replaced.close();
    }
  });

  it('keeps an existing backup file unless told to overwrite it, and refuses a backup of the other kind', async () => {
    const existing = await runTend(['backup', backup, ...sourceArgs]);
    assert.equal(existing.code, 2, existing.stderr);
    assert.match(existing.stderr, /already exists.*--force/);

    const wrongKind = path.join(scratch, 'wrong-kind');
    fs.writeFileSync(
      wrongKind,
      testBackend === 'postgres' ? Buffer.from([0x1f, 0x8b, 8, 0]) : 'PGDMP\u0001\u000e',
    );
    const target = await freshTarget('wrong-kind-target');
    targets.push(target);
    const refused = await runTend(['restore', wrongKind, ...target.args]);
    assert.equal(refused.code, 74, refused.stderr);
    assert.match(refused.stderr, testBackend === 'postgres' ? /--data-dir/ : /--database-url/);
  });

  // Embedded stores only: these two are about a PGlite folder and its lock, so they are registered
  // on the PGlite run (CI runs both); a PostgreSQL store has neither.
  if (testBackend === 'pglite') {
    it('refuses to restore into an embedded database another process holds', async () => {
      const held = await runTend(['restore', backup, '--force', ...sourceArgs]);
      assert.equal(held.code, 75, held.stderr);
      assert.match(held.stderr, new RegExp(`in use by process ${process.pid}`));
      assert.equal((await source.db.selectFrom('import_batch').select('id').execute()).length, 2);
    });

    it('backs up an embedded database no process holds by opening it itself', async () => {
      await app.close();
      await source.close();
      const file = path.join(scratch, 'closed.tar.gz');
      const result = await runTend(['backup', file, ...sourceArgs]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /taken by this process/);
      const target = await freshTarget('from-closed');
      const restored = await runTend(['restore', file, ...target.args]);
      assert.equal(restored.code, 0, restored.stderr);
      source = await openStore({ databaseUrl: undefined, dataDir: sourceArgs[1] });
      const store = await target.open();
      try {
        const [now, original] = [await everyRow(store), await everyRow(source)];
        for (const table of Object.keys(original))
          if (table !== 'audit_log' && table !== 'store_version' && table !== 'data_part_version')
            assert.deepEqual(now[table], original[table], table);
      } finally {
        await store.close();
      }
    });
  }
});
