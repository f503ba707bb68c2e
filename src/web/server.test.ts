import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { openTestStore, testBackend } from '../../test/helpers/test-store.ts';
import { loadConfig } from '../config/config.ts';
import type { Store } from '../store/db.ts';
import { listen } from './listener.ts';
import { startServer, trackRequestActivity } from './server.ts';

describe(`the web server: warm-up in the background, graceful stop (${testBackend})`, () => {
  let store: Store;
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent' });
  before(async () => {
    store = await openTestStore();
  });
  after(async () => {
    await store.close();
  });

  it('serves while warming up, says so on /health/ready, and is ready once warm', async () => {
    let finishWarmUp: () => void = () => {};
    const warmUp = () => new Promise<void>((resolve) => (finishWarmUp = resolve));
    const server = await startServer(store, config, { warmUp });
    try {
      const ready = await fetch(`${server.address}/health/ready`);
      assert.equal(ready.status, 503);
      assert.equal(((await ready.json()) as { status: string }).status, 'warming up');
      for (const path of ['/health', '/', '/metrics', '/api/v1/metrics']) {
        const response = await fetch(`${server.address}${path}`);
        await response.arrayBuffer();
        assert.equal(response.status, 200, `${path} is served meanwhile`);
      }
      finishWarmUp();
      await server.warmedUp;
      const warm = await fetch(`${server.address}/health/ready`);
      assert.equal(warm.status, 200);
      assert.deepEqual(await warm.json(), { status: 'ready', store: testBackend });
    } finally {
      await server.close();
    }
  });

  it('warms up the home page by default, and is ready when it has', async () => {
    const server = await startServer(store, config);
    try {
      await server.warmedUp;
      assert.equal((await fetch(`${server.address}/health/ready`)).status, 200);
    } finally {
      await server.close();
    }
    await assert.rejects(fetch(`${server.address}/health`), 'stopped: no longer accepting connections');
  });

  it('serves on a port bound before it was built, answering the requests that waited there', async () => {
    const listener = await listen('127.0.0.1', 0);
    const waiting = fetch(`${listener.address}/api/v1/metrics`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const server = await startServer(store, config, { listener });
    try {
      assert.equal(server.address, listener.address);
      const response = await waiting;
      assert.equal(response.status, 200);
      assert.ok(((await response.json()) as { metrics: unknown[] }).metrics.length > 0);
    } finally {
      await server.close();
    }
  });

  it('gives way to visitors: a warm-up step waits while a visitor’s request is in flight, not for warm-up’s own', async () => {
    const app = Fastify();
    const activity = trackRequestActivity(app);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    app.get('/slow', async () => {
      await held;
      order.push('visitor answered');
      return 'done';
    });
    app.get('/quick', async () => 'quick');
    await app.ready();
    try {
      const visitor = app.inject({ url: '/slow' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const step = activity.quiet().then(() => order.push('warm-up step'));
      // warm-up's own requests do not hold warm-up back
      const own = await app.inject({ url: '/quick', headers: { 'x-tend-warm-up': '1' } });
      assert.equal(own.statusCode, 200);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(order, [], 'the step waits while the visitor is being answered');
      release();
      await Promise.all([visitor, step]);
      assert.deepEqual(order, ['visitor answered', 'warm-up step']);
      const idle = await Promise.race([
        activity.quiet().then(() => 'at once'),
        new Promise((resolve) => setTimeout(() => resolve('waited'), 50)),
      ]);
      assert.equal(idle, 'at once', 'with no visitor in flight a step starts at once');
    } finally {
      await app.close();
    }
  });
});
