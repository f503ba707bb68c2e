import type { FastifyReply, FastifyRequest } from 'fastify';
import { unreadCount } from '../app/follow-ups/inbox.ts';
import type { Store } from '../store/db.ts';
import { knownStoreVersion, readStoreVersion, type StoreVersion } from '../store/repos/version-repo.ts';
import { dataTableCsv, tablesIn } from './data-table.ts';

/**
 * Rendered pages for anonymous visitors, by address and the store's versions. An anonymous page
 * depends only on the stored data, what has been published, and its address, and building and
 * rendering a page costs far more than sending it (15 ms for a metric page of 240 KB), so its HTML
 * is kept as bytes until any write commits (every write increments a version). `sendKeptPage`
 * answers from it before a route builds its view model; signed-in pages are rendered per request
 * and never kept. 64 pages at most, least recently used dropped first.
 */
const anonymousPages = new WeakMap<object, Map<string, Promise<Buffer>>>();
const maxKeptPages = 64;

function keptPages(request: FastifyRequest): Map<string, Promise<Buffer>> {
  const db = request.server.store.db;
  let pages = anonymousPages.get(db);
  if (!pages) {
    pages = new Map();
    anonymousPages.set(db, pages);
  }
  return pages;
}

/**
 * The store's committed versions: known in process on the embedded store while nothing has changed
 * since they were last read (`knownStoreVersion`), so a kept page is answered even while an import
 * holds the embedded database; read from the database otherwise.
 */
export async function committedStoreVersion(store: Store): Promise<StoreVersion> {
  return (store.kind === 'pglite' ? knownStoreVersion(store.db) : undefined) ?? readStoreVersion(store.db);
}

/**
 * The key of a kept page: the store's versions, the day (pages that count days — clocks, what is
 * due, follow-through — change overnight) and the address (path and query).
 */
async function keptPageKey(request: FastifyRequest): Promise<string> {
  const version = await committedStoreVersion(request.server.store);
  const day = request.useCase().clock().toISOString().slice(0, 10);
  return `${version.data}|${version.dialogue}|${day}|${request.url}`;
}

/** Whether a request may be answered with a kept page: an anonymous GET of a page, not a download. */
function mayUseKeptPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' || isPersonal(request)) return false;
  return (request.query as Record<string, unknown> | undefined)?.download === undefined;
}

/** Addresses that have had a page kept (any version), so other requests skip the version read. */
const keptAddresses = new WeakMap<object, Set<string>>();

function addressesKept(request: FastifyRequest): Set<string> {
  const db = request.server.store.db;
  let addresses = keptAddresses.get(db);
  if (!addresses) {
    addresses = new Set();
    keptAddresses.set(db, addresses);
  }
  return addresses;
}

async function rememberAnonymousPage(request: FastifyRequest, render: () => Promise<string>) {
  const pages = keptPages(request);
  const addresses = addressesKept(request);
  if (addresses.size >= 4 * maxKeptPages) addresses.clear();
  addresses.add(request.url);
  const key = await keptPageKey(request);
  const held = pages.get(key);
  if (held) {
    pages.delete(key);
    pages.set(key, held);
    return held;
  }
  const pending = render().then((html) => Buffer.from(html, 'utf8'));
  pages.set(key, pending);
  pending.catch(() => pages.delete(key));
  while (pages.size > maxKeptPages) pages.delete(pages.keys().next().value as string);
  return pending;
}

/**
 * Answers an anonymous GET from the kept pages when the store has not changed since the page was
 * rendered, before the route builds its view model; false when the route must run. Registered as a
 * pre-handler after the actor is known.
 */
export async function sendKeptPage(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  if (!mayUseKeptPage(request) || !addressesKept(request).has(request.url)) return false;
  const pages = keptPages(request);
  const held = pages.get(await keptPageKey(request));
  if (!held) return false;
  const body = await held.catch(() => undefined);
  if (!body) return false;
  await reply.type('text/html; charset=utf-8').send(body);
  return true;
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
  // The header's count of unread inbox messages: signed-in pages only, which are never kept.
  const inbox = request.actor?.kind === 'user' ? { inboxUnread: await unreadCount(request.useCase()) } : {};
  const render = () =>
    request.server.view(template, {
      ...model,
      ...personalContext(request, reply),
      ...inbox,
      currentUrl: request.url,
      downloadHref: (id: string) => downloadHref(request.url, id),
    });
  const html = mayUseKeptPage(request) ? await rememberAnonymousPage(request, render) : await render();
  return reply.type('text/html; charset=utf-8').send(html);
}
