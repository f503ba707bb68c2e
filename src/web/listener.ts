import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/*
 * The web server's socket, apart from the application behind it, so that Tend can listen before it
 * is ready and stop without dropping a request:
 *
 * - While Tend starts (its code loading, its store opening), connections are accepted and requests
 *   held until the application is ready to serve them; `/health` answers at once (the process is
 *   alive) and `/health/ready` answers 503 (it is not ready).
 * - On close, no new connection is accepted, requests in flight finish (each answer closes its
 *   connection), idle connections are closed, and after a grace period whatever is left is cut.
 *
 * It needs nothing but Node, so `tend serve` can bind its port before the rest of Tend has loaded.
 */

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

export interface Listener {
  readonly server: http.Server;
  /** `http://host:port` as bound (the real port when 0 was asked for). */
  readonly address: string;
  /** Hands every request to `handler` from now on, the held ones first. */
  serve(handler: Handler): void;
  /**
   * Stops accepting connections and waits for requests in flight to finish, at most `graceMs`
   * (default 10 s), then closes every connection left. Requests still held are answered 503.
   */
  close(graceMs?: number): Promise<void>;
}

/** How long a closing server waits for requests in flight before cutting their connections. */
export const defaultGraceMs = 10_000;

/** Answers a request with a small JSON body (the start-up answers and refusals here). */
function answer(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  response.end(text);
}

/** What Node could not parse as HTTP (a raw byte above 127 in the address, say), answered in Tend's error shape. */
function refuseUnreadable(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request’s headers are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request took too long to arrive.']
        : [
            400,
            'Bad Request',
            'The request is not well-formed HTTP (an address holds only ASCII, with anything else percent-encoded).',
          ];
  const body = JSON.stringify({ error: { code: 'BAD_REQUEST', message, details: [] } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nx-content-type-options: nosniff\r\n` +
      `content-security-policy: default-src 'none'; frame-ancestors 'none'\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** Binds `host:port` and resolves once it listens; rejects when the port cannot be bound. */
export function listen(host: string, port: number): Promise<Listener> {
  let handler: Handler | undefined;
  let stopping = false;
  const held: [http.IncomingMessage, http.ServerResponse][] = [];
  const inFlight = new Set<http.ServerResponse>();

  const server = http.createServer((request, response) => {
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
    if (stopping) response.setHeader('connection', 'close');
    if (handler) {
      handler(request, response);
      return;
    }
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/health') answer(response, 200, { status: 'starting' });
    else if (path === '/health/ready')
      answer(response, 503, {
        status: 'starting',
        reason: 'Tend is starting: loading its code and opening its store.',
      });
    else held.push([request, response]);
  });
  // Longer than the usual load balancer's idle timeout (60 s), so it never reuses a connection Tend closed.
  server.keepAliveTimeout = 72_000;
  server.on('clientError', refuseUnreadable);

  let address = '';
  const listener: Listener = {
    server,
    get address() {
      return address;
    },
    serve(next) {
      handler = next;
      for (const [request, response] of held.splice(0))
        if (!response.destroyed && !response.writableEnded) next(request, response);
    },
    async close(graceMs = defaultGraceMs) {
      stopping = true;
      for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
      for (const [, response] of held.splice(0))
        answer(response, 503, { status: 'stopping', reason: 'Tend is stopping before it was ready.' });
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A connection that goes idle while others finish is closed at once, not left to its keep-alive timeout.
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      const cut = setTimeout(() => server.closeAllConnections(), graceMs);
      server.closeIdleConnections();
      try {
        await closed;
      } finally {
        clearInterval(idle);
        clearTimeout(cut);
      }
    },
  };

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      const bound = server.address() as AddressInfo;
      address = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
      resolve(listener);
    });
  });
}

/** The port bound by `listenEarly`, until the serve command claims it. */
let early: { host: string; port: number; listener: Promise<Listener | undefined> } | undefined;

/**
 * For `tend serve`: binds the port it will serve on before the rest of Tend loads (a few seconds),
 * so that a restart refuses connections only while Node itself starts. Reads the address as the
 * command will (`--host`/`--port`, else HOST/PORT, else 127.0.0.1:3000) and does nothing for any
 * other command, or for arguments it does not follow (the command then reports them). Resolves
 * once the port is bound (or could not be: the command then binds again and reports why); await it
 * before loading the rest of Tend, which would otherwise hold up the bind. The socket does not keep
 * the process alive until `claimEarlyListener` takes it.
 */
export async function listenEarly(
  argv: readonly string[],
  environment: Record<string, string | undefined>,
): Promise<void> {
  const target = serveTarget(argv.slice(2), environment);
  if (!target) return;
  early = {
    ...target,
    listener: listen(target.host, target.port).then(
      (listener) => {
        listener.server.unref();
        return listener;
      },
      // The serve command binds again and reports why it cannot.
      () => undefined,
    ),
  };
  await early.listener;
}

/**
 * The socket `listenEarly` bound, if it is for `host:port`, now keeping the process alive; else
 * undefined (and an early socket for another address is closed).
 */
export async function claimEarlyListener(host: string, port: number): Promise<Listener | undefined> {
  const taken = early;
  early = undefined;
  const listener = await taken?.listener;
  if (!taken || !listener) return undefined;
  if (taken.host !== host || taken.port !== port) {
    await listener.close(0);
    return undefined;
  }
  listener.server.ref();
  return listener;
}

/** Closes the early socket when the serve command fails before claiming it. */
export async function releaseEarlyListener(): Promise<void> {
  const taken = early;
  early = undefined;
  await (await taken?.listener)?.close(0);
}

/** Global options that take a value, which may come before or after the command. */
const globalOptionsWithValue = ['--database-url', '--data-dir'];

/** The address `tend serve` will listen on, read from its arguments and environment; undefined for anything else. */
export function serveTarget(
  args: readonly string[],
  environment: Record<string, string | undefined>,
): { host: string; port: number } | undefined {
  let host = environment.HOST?.trim() || '127.0.0.1';
  let port = environment.PORT?.trim() || '3000';
  let command: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => inline ?? args[++index];
    if (globalOptionsWithValue.includes(name)) value();
    else if (command === 'serve' && name === '--port') port = value() ?? '';
    else if (command === 'serve' && name === '--host') host = value() ?? '';
    else if (arg.startsWith('-') || command !== undefined) return undefined;
    else command = arg;
  }
  if (command !== 'serve' || !host || !/^\d{1,5}$/.test(port) || Number(port) > 65535) return undefined;
  return { host, port: Number(port) };
}
