import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
} from 'kysely';
import { addPerson, signIn } from '../../test/helpers/people.ts';
import { addTwoTrusts } from '../../test/helpers/people-store.ts';
import { openTestStore, testBackend } from '../../test/helpers/test-store.ts';
import type { Store } from '../store/db.ts';
import { bumpStoreVersion } from '../store/repos/version-repo.ts';
import { buildApp } from './app.ts';

/** Records the tables each query names, so a test can count what a request asked of the store. */
class QueryRecorder implements KyselyPlugin {
  readonly queries: string[][] = [];
  transformQuery(args: PluginTransformQueryArgs) {
    const tables = new Set<string>();
    JSON.stringify(args.node, (key, value: OperationNode & { identifier?: { name?: string } }) => {
      if (key === 'table' && typeof value?.identifier?.name === 'string') tables.add(value.identifier.name);
      return value;
    });
    this.queries.push([...tables]);
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs) {
    return args.result;
  }
}

describe(`pages kept for anonymous visitors, and what a signed-in request reads (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  let cookie: string;
  const recorder = new QueryRecorder();

  before(async () => {
    store = await openTestStore();
    await addTwoTrusts(store);
    await addPerson(store, 'mina@example.nhs.uk', [
      { role: 'member', scopeKind: 'organisation', scopeCode: 'RYY' },
    ]);
    app = await buildApp({
      store: { ...store, db: store.db.withPlugin(recorder) },
      config: { logLevel: 'silent' },
    });
    cookie = await signIn(app, 'mina@example.nhs.uk');
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });
  beforeEach(() => {
    recorder.queries.length = 0;
  });

  it('answers a repeated anonymous page from the kept bytes with one read of the versions (none on the embedded store)', async () => {
    const first = await app.inject('/organisations/RYY');
    assert.equal(first.statusCode, 200);
    const readsForFirst = recorder.queries.length;
    recorder.queries.length = 0;
    const second = await app.inject('/organisations/RYY');
    assert.equal(second.statusCode, 200);
    assert.equal(second.body, first.body);
    // The embedded store's versions are known in process until something changes them.
    assert.deepEqual(
      recorder.queries,
      store.kind === 'pglite' ? [] : [['store_version']],
      'only the versions are read, and on the embedded store not even those',
    );
    assert.ok(readsForFirst > 1, `the first visit builds the page (${readsForFirst} reads)`);
  });

  it('builds the page again once a write has changed the store', async () => {
    await app.inject('/organisations/RYY');
    await store.db.transaction().execute((trx) => bumpStoreVersion(trx, { data: false }));
    recorder.queries.length = 0;
    const after = await app.inject('/organisations/RYY');
    assert.equal(after.statusCode, 200);
    assert.ok(recorder.queries.length > 1, 'the route ran again');
  });

  it('never answers a signed-in request from the kept pages, and reads its session, user and grants at once', async () => {
    const anonymous = await app.inject('/organisations/RYY');
    // The first signed-in page stores the session's form secret; later ones only read.
    await app.inject({ url: '/organisations/RYY', headers: { cookie } });
    recorder.queries.length = 0;
    const signedIn = await app.inject({ url: '/organisations/RYY', headers: { cookie } });
    assert.equal(signedIn.statusCode, 200);
    assert.notEqual(signedIn.body, anonymous.body);
    assert.match(signedIn.body, /mina/);
    assert.doesNotMatch(anonymous.body, /mina/);
    assert.equal(signedIn.headers['cache-control'], 'private, no-store');
    const sessionReads = recorder.queries.filter((tables) =>
      tables.some((table) => ['web_session', 'app_user', 'role_grant'].includes(table)),
    );
    assert.deepEqual(sessionReads, [['web_session', 'app_user', 'role_grant']]);
  });

  it('keeps each address as its own page, and never answers a download from a kept page', async () => {
    await app.inject('/organisations/RYY');
    recorder.queries.length = 0;
    const other = await app.inject('/organisations/RJ1');
    assert.equal(other.statusCode, 200);
    assert.ok(recorder.queries.length > 1, 'a different address is its own page');
    await app.inject('/organisations/RYY?download=narratives');
    recorder.queries.length = 0;
    const download = await app.inject('/organisations/RYY?download=narratives');
    assert.match(String(download.headers['content-type']), /text\/csv/);
    assert.ok(recorder.queries.length > 1, 'a download is built from the view model each time');
  });
});
