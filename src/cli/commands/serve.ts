import fs from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import type { DemoAccount } from '../../app/demo-accounts.ts';
import type { DemoFingerprint, DemoStoreJudgement } from '../../app/demo-store.ts';
import { AppError } from '../../errors.ts';
import type { Store } from '../../store/db.ts';
import type { Listener } from '../../web/listener.ts';
import { configFrom, type GlobalOptions, projectRoot, textTable } from '../context.ts';

// The server, the store and the importers load inside the functions below, when a command runs,
// so that `tend --help` and every other command start without them.

async function serveUntilStopped(
  store: Store,
  config: ReturnType<typeof configFrom>,
  options: { demo?: boolean; listener?: Listener } = {},
): Promise<void> {
  const { startServer } = await import('../../web/server.ts');
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(store, config, options);
  } catch (error) {
    await store.close();
    throw error;
  }
  // `tend import` and `tend backup` on the same folder read this to point at the server.
  store.lock?.announce({ address: server.address });
  process.stderr.write(
    `Tend is running at ${server.address.replace('127.0.0.1', 'localhost')} (${store.kind}: ${store.location}). Press Ctrl+C to stop.\n`,
  );
  // Pages are served meanwhile; once warm-up is done, no page's first visit computes the shared results.
  const warming = performance.now();
  void server.warmedUp.then(() =>
    process.stderr.write(
      `Tend is ready: every page prepared in ${((performance.now() - warming) / 1000).toFixed(1)} s.\n`,
    ),
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // Graceful: no new connections, requests in flight finish (10 s at most), then the store closes.
  process.stderr.write('Stopping Tend: finishing the requests in flight…\n');
  await server.close();
  await store.close();
}

/** `demoAccountsText`: the demo accounts and their passwords as a table under a heading saying what they are. */
export function demoAccountsText(
  accounts: readonly Pick<DemoAccount, 'email' | 'roleText' | 'password'>[],
): string {
  return [
    '',
    'Demo accounts: made up for this demonstration, with new random passwords each time `tend demo` starts.',
    'Sign in with any of them ("Sign in", at the top of every page) to see Tend as that role sees it.',
    '',
    textTable(
      ['email', 'role', 'password'],
      accounts.map((account) => [account.email, account.roleText, account.password]),
    ),
    '',
  ].join('\n');
}

/** Loads the bundled demo data into a store, with a progress bar on a terminal. */
export async function loadDemoData(
  store: Store,
  dataRoot = path.join(projectRoot, 'data'),
  log = (line: string) => process.stderr.write(`${line}\n`),
): Promise<void> {
  const { demoFiles } = await import('../../app/demo-data.ts');
  const { importFile } = await import('../../app/import-file.ts');
  const { computeSignals } = await import('../../app/signals/compute.ts');
  const { withObservationIndexesSetAside } = await import('../../app/bulk-load.ts');
  const { storeStatus } = await import('../../app/status.ts');
  const { formatIssue } = await import('../../ingest/cells.ts');
  const cliProgress = (await import('cli-progress')).default;
  const files = demoFiles(dataRoot);
  const sizes = files.map((file) => fs.statSync(file).size);
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        {
          format: 'Loading demo data [{bar}] {percentage}% | {file}',
          stream: process.stderr,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(totalBytes, 0, { file: '' });
  let done = 0;
  // A new store's first imports: its read indexes are built once, after the last file.
  const { indexesBuilt, indexMilliseconds } = await withObservationIndexesSetAside(store.db, async () => {
    for (const [index, file] of files.entries()) {
      const name = path.relative(projectRoot, file);
      if (!bar) log(`Importing ${name} (${index + 1} of ${files.length})`);
      const result = await importFile(store, file, {
        displayName: name,
        computeSignals: false,
        onProgress: bar
          ? (bytesRead) => bar.update(done + bytesRead, { file: path.basename(file) })
          : undefined,
      });
      done += sizes[index];
      bar?.update(done, { file: path.basename(file) });
      if (result.outcome === 'rejected') {
        bar?.stop();
        for (const issue of result.issues) log(formatIssue(issue));
        throw new AppError('IMPORT_FAILED', `The demo file ${name} could not be imported.`);
      }
    }
  });
  bar?.stop();
  if (indexesBuilt > 0)
    log(
      `Built ${indexesBuilt} observation indexes after the import, in ${Math.round(indexMilliseconds)} ms.`,
    );
  const signals = await computeSignals(store.db, () => new Date());
  log(`Signals computed: ${signals.episodes} open, in ${Math.round(signals.milliseconds)} ms.`);
  const status = await storeStatus(store.db);
  log(
    `Demo data loaded: ${status.organisations} organisations, ${status.metrics} metrics, ${status.observations} observations from ${status.importBatches} files.`,
  );
}

/**
 * Loads the bundled data into a new demo store, adds what the demo adds as the operator `demo`, and
 * records what the store was built from; returns the accounts made, with their passwords.
 */
async function buildDemoStore(
  store: Store,
  dataRoot: string,
  fingerprint: DemoFingerprint,
): Promise<DemoAccount[]> {
  const { systemClock } = await import('../../app/context.ts');
  const { createDemoAccounts, createDemoDialogue } = await import('../../app/demo-accounts.ts');
  const { recordDemoBuild } = await import('../../app/demo-store.ts');
  const { createDemoTeam } = await import('../../app/teams/demo.ts');
  const { operator } = await import('../../policies/actor.ts');
  await loadDemoData(store, dataRoot);
  const demo = { db: store.db, actor: operator('demo'), clock: systemClock };
  // What the demo adds beyond the bundled files: when any of it changes, bump DEMO_FORMAT in
  // src/app/demo-store.ts so that stores built before are rebuilt rather than reused.
  const accounts = await createDemoAccounts(demo);
  await createDemoDialogue(demo);
  accounts.push(...(await createDemoTeam({ ...demo, store })));
  // Help travels with a concern: example directory entries, a completed review of the home trust
  // whose follow-ups fall due as the demo starts, and two concerns raised with its region and ICB.
  const { createDemoDirectory } = await import('../../app/directory/demo.ts');
  const { createDemoReviews } = await import('../../app/reviews/demo.ts');
  const { createDemoFollowUps } = await import('../../app/follow-ups/demo.ts');
  const { createDemoEscalations } = await import('../../app/escalations/demo.ts');
  const { focus } = await createDemoDirectory(demo);
  await createDemoReviews(demo, focus);
  const { toAsk } = await createDemoFollowUps(demo);
  await createDemoEscalations(demo);
  // An ethical reflection board for RYY, with example commentary, a reply and a restricted entry.
  const { createDemoBoards } = await import('../../app/boards/demo.ts');
  await createDemoBoards(demo);
  // An example confidential circle of RYY's contributor and RJ1's member, with an example note.
  const { createDemoCircle } = await import('../../app/circles/demo.ts');
  await createDemoCircle(demo);
  // An example listening inquiry of RYY, published with its themes, and its capability self-assessment.
  const { createDemoListening } = await import('../../app/listening/demo.ts');
  await createDemoListening(demo);
  const { createDemoCapability } = await import('../../app/capability/demo.ts');
  await createDemoCapability(demo);
  // An example peer review of RYY at its findings stage, with peers from two other trusts.
  const { createDemoPeerReviews } = await import('../../app/peer-reviews/demo.ts');
  const { peerReviewId } = await createDemoPeerReviews(demo);
  // An example group of RYY and RXY under shared leadership, marked as invented.
  const { createDemoGroups } = await import('../../app/groups/demo.ts');
  await createDemoGroups(demo);
  // An example draft risk-sharing agreement between four Kent and Medway trusts, its proposal's
  // learning partnership the peer review above.
  const { createDemoRiskSharing } = await import('../../app/risk-sharing/demo.ts');
  await createDemoRiskSharing(demo, { peerReviewId });
  if (toAsk.length > 0)
    process.stderr.write(
      `Example review of ${focus.orgCode}: ${toAsk.length} follow-up(s) fall due today and are asked in the first minute (see /inbox as the demo contributor, and /outbox).\n`,
    );
  // Last, once everything above has committed: a store without this record is rebuilt at the next start.
  await recordDemoBuild(demo, fingerprint, accounts);
  return accounts;
}

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('Serve the web pages and JSON API over the configured store')
    .option('--port <port>', 'port to listen on (default 3000, or PORT)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1, or HOST)')
    .action(async (options: { port?: string; host?: string }, command: Command) => {
      // The port is usually bound already (main.ts binds it before Tend loads, and requests wait
      // there): take it, or let it go when Tend cannot start.
      const { claimEarlyListener, releaseEarlyListener } = await import('../../web/listener.ts');
      const { openStore } = await import('../../store/db.ts');
      let listener: Listener | undefined;
      let config: ReturnType<typeof configFrom>;
      let store: Store;
      try {
        config = configFrom({ ...command.optsWithGlobals<GlobalOptions>(), ...options });
        if (!config.sessionSecret)
          process.stderr.write(
            'TEND_SESSION_SECRET is not set: a random one is used, so everyone is signed out when Tend restarts.\n',
          );
        listener = await claimEarlyListener(config.host, config.port);
        store = await openStore(config);
        const { roleBypassesRowSecurity, rowSecurityBypassWarning } = await import(
          '../../store/row-security.ts'
        );
        if (store.kind === 'postgres' && (await roleBypassesRowSecurity(store.db)))
          process.stderr.write(`Warning: ${rowSecurityBypassWarning}\n`);
      } catch (error) {
        await (listener ? listener.close(0) : releaseEarlyListener());
        throw error;
      }
      await serveUntilStopped(store, config, { listener });
    });

  program
    .command('demo')
    .description(
      'Start Tend on an embedded database loaded with the bundled real NHS data (reused while the data is unchanged), then serve it',
    )
    .option('--port <port>', 'port to listen on (default 3000, or PORT)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1, or HOST)')
    .option('--no-serve', 'load the demo data and stop')
    .option('--fresh', 'build the demo store afresh even when the bundled data is unchanged')
    // Where the bundled files are read from (tests point it at a smaller copy).
    .addOption(new Option('--data-root <folder>', 'the bundled data folder').hideHelp())
    .action(
      async (
        options: { port?: string; host?: string; serve: boolean; fresh?: boolean; dataRoot?: string },
        command: Command,
      ) => {
        const { systemClock } = await import('../../app/context.ts');
        const { demoFingerprint, judgeDemoStore, readDemoBuild, resetDemoPasswords, reusingText } =
          await import('../../app/demo-store.ts');
        const { operator } = await import('../../policies/actor.ts');
        const { openStore } = await import('../../store/db.ts');
        const { acquireStoreLock } = await import('../../store/lock.ts');
        const globals = command.optsWithGlobals<GlobalOptions>();
        const demoDir = globals.dataDir ?? path.join(process.cwd(), '.tend', 'demo');
        const dataRoot = options.dataRoot ? path.resolve(options.dataRoot) : path.join(projectRoot, 'data');
        // The demo keeps its terminal readable: request logs only when LOG_LEVEL asks for them.
        const config = {
          ...configFrom({ ...globals, ...options, dataDir: demoDir, databaseUrl: undefined }),
          ...(process.env.LOG_LEVEL ? {} : { logLevel: 'warn' as const }),
        };
        const say = (line: string) => process.stderr.write(`${line}\n`);
        // Never remove a folder another process holds: take its lock first, and keep it while serving.
        const inMemory = config.dataDir === 'memory://';
        let lock = inMemory ? undefined : acquireStoreLock(config.dataDir);
        const fingerprint = await demoFingerprint(dataRoot);
        let store: Store | undefined;
        let accounts: Pick<DemoAccount, 'email' | 'roleText' | 'password'>[] = [];
        const exists =
          !inMemory && fs.existsSync(config.dataDir) && fs.readdirSync(config.dataDir).length > 0;
        if (exists && options.fresh) say('Building the demo store afresh, as --fresh asks.');
        else if (exists && lock) {
          // The store it built last time: reused when its record says it was built from these files.
          let opened: Store | undefined;
          let judgement: DemoStoreJudgement;
          try {
            opened = await openStore({ ...config, databaseUrl: undefined }, { lock });
            judgement = judgeDemoStore(await readDemoBuild(opened.db), fingerprint);
          } catch (error) {
            await opened?.close();
            opened = undefined;
            judgement = {
              reuse: false,
              why: `The demo store in ${config.dataDir} could not be opened (${(error as Error).message})`,
            };
          }
          if (opened && judgement.reuse) {
            say(reusingText(judgement.build));
            // Before the server starts: once it serves, its warm-up holds the database and the processor.
            try {
              const demo = { db: opened.db, actor: operator('demo'), clock: systemClock };
              accounts = await resetDemoPasswords(demo, judgement.build);
            } catch (error) {
              await opened.close();
              throw error;
            }
            store = opened;
          } else {
            await opened?.close();
            if (!judgement.reuse) say(`${judgement.why}: rebuilding it.`);
            // Closing the store (or failing to open it) let the folder go: take it again before removing it.
            lock = acquireStoreLock(config.dataDir);
          }
        }
        if (!store) {
          if (lock) fs.rmSync(config.dataDir, { recursive: true, force: true });
          say(`Creating a fresh embedded database in ${config.dataDir}…`);
          const fresh = await openStore({ ...config, databaseUrl: undefined }, lock ? { lock } : {});
          try {
            accounts = await buildDemoStore(fresh, dataRoot, fingerprint);
          } catch (error) {
            await fresh.close();
            throw error;
          }
          store = fresh;
        }
        process.stdout.write(`${demoAccountsText(accounts)}\n`);
        if (!options.serve) {
          await store.close();
          return;
        }
        await serveUntilStopped(store, { ...config, databaseUrl: undefined }, { demo: true });
      },
    );
}
