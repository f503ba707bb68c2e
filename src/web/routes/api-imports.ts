import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authorise } from '../../app/context.ts';
import { type ImportResult, importFile } from '../../app/import-file.ts';
import { teamResource } from '../../app/teams/access.ts';
import { teamsActorEntersValuesFor } from '../../app/teams/read.ts';
import { AppError } from '../../errors.ts';
import { formatIssue } from '../../ingest/cells.ts';
import { canStartImport } from '../../policies/import.ts';
import { docResponses, routeSchema, validate } from './api.ts';

/** The largest file the server takes (bigger ones: `tend import` with the server stopped). */
export const maxUploadBytes = 512 * 1024 * 1024;

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const acceptedTypes = new Set(['text/csv', xlsxType, 'application/octet-stream']);

const importQuery = z.object({
  filename: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[^\p{Cc}/\\]+$/u, 'must be a file name, without folders or control characters')
    .optional()
    .describe(
      'The file’s name, shown in problems (`file:row:column`) and recorded with the import; or send it in an `X-Filename` header',
    ),
});

/** What an import answered: the summary `tend import --format json` prints, problems as `file:row:column: message`. */
function importJson(result: ImportResult) {
  const { issues, phaseSeconds: _phases, ...summary } = result;
  return { ...summary, problems: issues.map(formatIssue) };
}

/**
 * `POST /api/v1/imports`: imports one file through the running server — the way to import into an
 * embedded database the server holds, since no second process may open it. The body is the file
 * itself (`text/csv`, or an .xlsx workbook), streamed to a temporary file and imported exactly as
 * `tend import` would, in one transaction, recorded as the signed-in person's import.
 */
export async function registerImportApi(app: FastifyInstance): Promise<void> {
  // The body is the file: passed on as a stream, whatever its type, and checked in the handler.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.post(
    '/imports',
    {
      schema: {
        ...routeSchema({ summary: 'Import a file', querystring: importQuery, ok: '' }),
        description:
          'Imports one CSV or XLSX file, recognised by its header row, exactly as `tend import` does: all of it or none of it. The request body is the file itself, sent as `text/csv` or `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` (at most 512 MB). Needs national (England) oversight, since a file can change any organisation’s figures; a team’s contributors and admins (and its organisation’s admins) may import a file holding only their teams’ own indicators (the tidy template with a `team` column). 201 when imported, 200 when this exact file was imported before; 422 lists every problem as `file:row:column: message`.',
        docResponses: docResponses('The same file was imported before: `outcome` is `unchanged`', {
          201: 'Imported: the batch number and counts, and any warnings as `problems`',
          401: 'No one is signed in',
          403: 'The signed-in person may not import',
          413: 'The file is larger than the server takes',
          415: 'The body is not CSV or an .xlsx workbook',
          422: 'The file was refused; `details` lists every problem as `file:row:column: message`',
        }),
      },
    },
    async (request, reply) => {
      const context = request.useCase();
      // Anyone who may import, or who enters values for a team: a team's rows are checked once read.
      authorise(
        context,
        canStartImport(context.actor, (await teamsActorEntersValuesFor(context)).map(teamResource)),
        'import files',
      );
      const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (!acceptedTypes.has(type))
        throw new AppError(
          'UNSUPPORTED_MEDIA_TYPE',
          `The body must be the file, sent as text/csv or ${xlsxType}${type ? `, not ${type}` : ''}.`,
        );
      const header = request.headers['x-filename'];
      const query = validate(importQuery, {
        filename:
          (request.query as { filename?: string }).filename ??
          (typeof header === 'string' ? header : undefined),
      });
      const displayName = query.filename ?? (type === xlsxType ? 'upload.xlsx' : 'upload.csv');
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxUploadBytes) throw tooLarge();

      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-upload-'));
      try {
        const file = path.join(folder, type === xlsxType ? 'upload.xlsx' : 'upload.csv');
        let received = 0;
        await pipeline(
          (request.body as NodeJS.ReadableStream | undefined) ?? Readable.from([]),
          new Transform({
            transform(chunk: Buffer, _encoding, callback) {
              received += chunk.length;
              callback(received > maxUploadBytes ? tooLarge() : null, chunk);
            },
          }),
          fs.createWriteStream(file, { mode: 0o600 }),
        );
        const result = await importFile(app.store, file, { actor: context.actor, displayName });
        if (result.outcome === 'rejected') {
          const problems = result.issues.map(formatIssue);
          const hidden = result.errorCount + result.warningCount - result.issues.length;
          if (hidden > 0) problems.push(`${displayName}: … and ${hidden} more problem(s) not shown`);
          throw new AppError(
            'IMPORT_FAILED',
            `${displayName} was refused: ${result.errorCount} problem(s); nothing from it was saved.`,
            { details: problems },
          );
        }
        return reply.status(result.outcome === 'imported' ? 201 : 200).send({ import: importJson(result) });
      } finally {
        fs.rmSync(folder, { recursive: true, force: true });
      }
    },
  );
}

function tooLarge(): AppError {
  return new AppError(
    'UPLOAD_TOO_LARGE',
    `The file is larger than the ${maxUploadBytes / 1024 / 1024} MB the server takes; nothing was imported.`,
  );
}
