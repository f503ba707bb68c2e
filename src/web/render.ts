import type { FastifyReply, FastifyRequest } from 'fastify';
import { readStoreVersion } from '../store/repos/version-repo.ts';
import { dataTableCsv, tablesIn } from './data-table.ts';

/**
 * Rendered pages for anonymous visitors, by address and the store's versions. An anonymous page
 * depends only on the stored data, what has been published, and its address, and rendering a large
 * table costs more than everything else in a request (15 ms for a metric page of 240 KB), so its HTML
 * is kept until any write commits (every write increments a version). Signed-in pages are rendered
 * per request and never kept. 64 pages at most, least recently used dropped first.
 */
const anonymousPages = new WeakMap<object, Map<string, Promise<string>>>();
const maxKeptPages = 64;

async function rememberAnonymousPage(request: FastifyRequest, key: string, render: () => Promise<string>) {
  const db = request.server.store.db;
  let pages = anonymousPages.get(db);
  if (!pages) {
    pages = new Map();
    anonymousPages.set(db, pages);
  }
  const version = await readStoreVersion(db);
  const fullKey = `${version.data}|${version.dialogue}|${key}`;
  const held = pages.get(fullKey);
  if (held) {
    pages.delete(fullKey);
    pages.set(fullKey, held);
    return held;
  }
  const pending = render();
  pages.set(fullKey, pending);
  pending.catch(() => pages.delete(fullKey));
  while (pages.size > maxKeptPages) pages.delete(pages.keys().next().value as string);
  return pending;
}

/** Whether this request is from someone signed in (or holding a session with a form token). */
export function isPersonal(request: FastifyRequest): boolean {
  return request.actor?.kind !== 'anonymous' || request.session?.userId !== undefined;
}

/**
 * What every page's layout needs about the person: their name for the header and a CSRF token
 * for its sign-out form (and any other form on the page). Anonymous visitors get neither, so their
 * pages hold nothing personal and can be kept.
 */
export function personalContext(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  const actor = request.actor;
  if (actor?.kind !== 'user') return { signedIn: null };
  return { signedIn: { name: actor.name, email: actor.email }, csrfToken: reply.generateCsrf() };
}

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
  const render = () =>
    request.server.view(template, {
      ...model,
      ...personalContext(request, reply),
      currentUrl: request.url,
      downloadHref: (id: string) => downloadHref(request.url, id),
    });
  const html = isPersonal(request)
    ? await render()
    : await rememberAnonymousPage(request, `${template}|${request.url}`, render);
  return reply.type('text/html; charset=utf-8').send(html);
}
