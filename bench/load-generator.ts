/**
 * The web benches' load generator in a process of its own, so that the server being measured does
 * not share its event loop (or its core) with the client: autocannon with the options given as JSON
 * in argv[2], answering with one JSON line of latencies (ms, every response) and totals on stdout.
 * Started by `generateLoad` in web.ts; not a command of its own.
 */
import { createRequire } from 'node:module';

interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
}

/** The part of autocannon's programmatic API used here (it ships no type declarations). */
interface AutocannonResult {
  requests: { average: number; total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void,
  ): void;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => AutocannonInstance;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const latencies: number[] = [];
const instance = autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.seconds,
  ...(options.headers ? { headers: options.headers } : {}),
});
instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
  latencies.push(responseTimeMs);
});
const result = await instance;
process.stdout.write(
  `${JSON.stringify({
    latencies,
    requestsPerSecond: result.requests.average,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  })}\n`,
);
