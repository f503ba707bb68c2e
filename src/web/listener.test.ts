import assert from 'node:assert/strict';
import type http from 'node:http';
import net from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { type Listener, listen, serveTarget } from './listener.ts';

/** Sends raw bytes and returns everything the server answers until it closes the connection. */
function rawRequest(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

const portOf = (listener: Listener) => Number(new URL(listener.address).port);

describe('the listener: bound before Tend is ready, closed without dropping a request', () => {
  const opened: Listener[] = [];
  const open = async () => {
    const listener = await listen('127.0.0.1', 0);
    opened.push(listener);
    return listener;
  };
  afterEach(async () => {
    for (const listener of opened.splice(0)) if (listener.server.listening) await listener.close(0);
  });

  it('answers /health at once and /health/ready with 503 while starting, and holds other requests until served', async () => {
    const listener = await open();
    const health = await fetch(`${listener.address}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'starting' });
    const ready = await fetch(`${listener.address}/health/ready`);
    assert.equal(ready.status, 503);
    assert.match(((await ready.json()) as { reason: string }).reason, /starting/);

    let answered = false;
    const held = fetch(`${listener.address}/organisations?search=x`).then(async (response) => {
      answered = true;
      return [response.status, await response.text()];
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(answered, false, 'held until the application is ready');
    listener.serve((request, response) => response.end(`served ${request.url}`));
    assert.deepEqual(await held, [200, 'served /organisations?search=x']);
    assert.equal(await (await fetch(`${listener.address}/health`)).text(), 'served /health');
  });

  it('lets a request in flight finish on close, closes its connection, and refuses new connections', async () => {
    const listener = await open();
    let release: () => void = () => {};
    const started = new Promise<void>((resolveStarted) => {
      listener.serve((_request, response: http.ServerResponse) => {
        resolveStarted();
        release = () => response.end('finished');
      });
    });
    const inFlight = fetch(`${listener.address}/slow`);
    await started;
    let closed = false;
    const closing = listener.close(5000).then(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(closed, false, 'close waits for the request in flight');
    await assert.rejects(
      fetch(`${listener.address}/new`),
      (error: Error & { cause?: { code?: string } }) => error.cause?.code === 'ECONNREFUSED',
    );
    release();
    const response = await inFlight;
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('connection'), 'close');
    assert.equal(await response.text(), 'finished');
    await closing;
    assert.equal(closed, true);
  });

  it('cuts a request that outlasts the grace period', async () => {
    const listener = await open();
    listener.serve(() => {});
    const stuck = fetch(`${listener.address}/never`).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await listener.close(300);
    const waited = performance.now() - started;
    assert.ok(waited >= 250 && waited < 3000, `closed after ${Math.round(waited)} ms`);
    assert.ok((await stuck) instanceof Error, 'the stuck request fails rather than hanging');
  });

  it('answers a request Node cannot parse (a raw byte above 127 in the address) in Tend’s error shape', async () => {
    const listener = await open();
    listener.serve((_request, response) => response.end('not reached'));
    const answer = await rawRequest(
      portOf(listener),
      Buffer.concat([
        Buffer.from('GET /organisations?search='),
        Buffer.from([0xff]),
        Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n'),
      ]),
    );
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(answer, /x-content-type-options: nosniff/);
    assert.match(answer, /content-security-policy: default-src 'none'/);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    assert.equal(body.error.code, 'BAD_REQUEST');
  });

  it('answers requests still held when it closes before serving with 503', async () => {
    const listener = await open();
    const held = fetch(`${listener.address}/organisations`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await listener.close(1000);
    const response = await held;
    assert.equal(response.status, 503);
    assert.equal(((await response.json()) as { status: string }).status, 'stopping');
  });
});

describe('serveTarget: the address `tend serve` will listen on, read before Tend loads', () => {
  it('reads --host and --port, before or after global options, over HOST and PORT', () => {
    assert.deepEqual(serveTarget(['serve'], {}), { host: '127.0.0.1', port: 3000 });
    assert.deepEqual(serveTarget(['serve'], { HOST: '0.0.0.0', PORT: '8080' }), {
      host: '0.0.0.0',
      port: 8080,
    });
    assert.deepEqual(serveTarget(['--data-dir', '/srv/tend', 'serve', '--port', '4000'], { PORT: '8080' }), {
      host: '127.0.0.1',
      port: 4000,
    });
    assert.deepEqual(
      serveTarget(['serve', '--host=::1', '--port=0', '--database-url', 'postgres://x/y'], {}),
      {
        host: '::1',
        port: 0,
      },
    );
  });

  it('does nothing for another command, help, or arguments it does not follow', () => {
    for (const args of [
      [],
      ['demo'],
      ['import', 'serve'],
      ['serve', '--help'],
      ['--help', 'serve'],
      ['serve', '--port', 'eighty'],
      ['serve', '--port', '70000'],
      ['serve', '--verbose'],
      ['serve', 'extra'],
    ])
      assert.equal(serveTarget(args, {}), undefined, args.join(' '));
    assert.equal(serveTarget(['serve'], { PORT: 'x' }), undefined);
  });
});
