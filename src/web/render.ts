import type { FastifyReply, FastifyRequest } from 'fastify';
import { untilNextImportMemo } from '../app/assessment-cache.ts';
import { dataTableCsv, tablesIn } from './data-table.ts';

/**
 * Rendered pages by address, until the next import. A page depends only on the stored data and its
 * own address, and rendering a large table costs more than everything else in a request (15 ms for
 * a metric page of 240 KB), so the HTML is kept. 64 pages at most.
 */
const rememberPage = untilNextImportMemo(64);

/** The address of the CSV of one of a page's tables: the page's own address with `download=<id>`. */
export function downloadHref(pageUrl: string, tableId: string): string {
  const url = new URL(pageUrl, 'http://tend.invalid');
  url.searchParams.set('download', tableId);
  return `${url.pathname}${url.search}`;
}

/** A download file name made safe for a `Content-Disposition` header. */
export function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 120) || 'tend';
}

/**
 * Sends a page: its template with the view model, or, when the address asks for `?download=<id>`,
 * the CSV of that table from the same view model, so the download holds what the page shows.
 */
export async function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  model: Record<string, unknown>,
) {
  const download = (request.query as Record<string, unknown> | undefined)?.download;
  if (download !== undefined) {
    const tables = tablesIn(model);
    const table = tables.find((candidate) => candidate.id === download);
    if (!table) {
      const shown = String(download).slice(0, 40);
      return reply.status(404).view('pages/error.njk', {
        pageName: 'Page not found',
        heading: 'Page not found',
        message: tables.length
          ? `This page has no table called "${shown}" to download. Its tables are: ${tables.map((each) => each.id).join(', ')}.`
          : `This page has no table called "${shown}" to download.`,
      });
    }
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${safeFileName(table.fileName)}.csv"`)
      .send(dataTableCsv(table));
  }
  const html = await rememberPage(request.server.store.db, `${template}|${request.url}`, () =>
    request.server.view(template, { ...model, downloadHref: (id: string) => downloadHref(request.url, id) }),
  );
  return reply.type('text/html; charset=utf-8').send(html);
}
