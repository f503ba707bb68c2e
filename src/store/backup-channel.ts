import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors.ts';

/**
 * The backup channel of a process holding an embedded database. Only the holder may read the folder
 * consistently (another process would copy files mid-write), so every holder answers
 * `GET /backup` with a snapshot on a Unix socket (a named pipe on Windows) in a folder only its
 * operating-system user can enter; `tend backup` finds the socket in the lock file and asks there.
 * Whoever can reach the socket could copy the folder anyway: it is the operator's channel, not a
 * web route.
 */
export interface BackupChannel {
  readonly socketPath: string;
  close(): Promise<void>;
}

/** Listens for backup requests, answering each with `snapshot()` (a gzipped tarball). */
export async function openBackupChannel(snapshot: () => Promise<Blob>): Promise<BackupChannel> {
  const windows = process.platform === 'win32';
  const folder = windows ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'tend-backup-channel-'));
  const socketPath = folder
    ? path.join(folder, 'backup.sock')
    : `\\\\.\\pipe\\tend-backup-${process.pid}-${crypto.randomBytes(6).toString('hex')}`;
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/backup') {
      response
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end('Only GET /backup is here.');
      return;
    }
    snapshot().then(
      (tarball) => {
        response.writeHead(200, {
          'content-type': 'application/gzip',
          'content-length': String(tarball.size),
        });
        Readable.fromWeb(tarball.stream() as never).pipe(response);
      },
      (error: unknown) => {
        response
          .writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
          .end(`The snapshot failed: ${(error as Error).message}`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A process that only imports or reads must still exit when its work is done.
  server.unref();
  return {
    socketPath,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      if (folder) fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Asks the holder listening at `socketPath` for a snapshot and writes it to `file`; returns its size. */
export async function requestBackup(socketPath: string, file: string): Promise<number> {
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const request = http.request({ socketPath, path: '/backup', method: 'GET' }, resolve);
    request.on('error', reject);
    request.end();
  }).catch((error: unknown) => {
    throw new AppError(
      'BACKUP_FAILED',
      `The process holding the embedded database did not answer the backup request at ${socketPath}: ${(error as Error).message}`,
      { cause: error },
    );
  });
  if (response.statusCode !== 200) {
    let text = '';
    for await (const chunk of response) text += chunk;
    throw new AppError(
      'BACKUP_FAILED',
      `The process holding the embedded database refused the backup: ${text}`,
    );
  }
  const expected = Number(response.headers['content-length']);
  await pipeline(response, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  const size = fs.statSync(file).size;
  if (Number.isFinite(expected) && size !== expected)
    throw new AppError(
      'BACKUP_FAILED',
      `The backup was cut short: ${size} of ${expected} bytes arrived from the process holding the embedded database.`,
    );
  return size;
}
