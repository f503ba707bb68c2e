import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import type { MetricRow } from '../../src/store/tables.ts';

/**
 * Downloads one table of a page as CSV (`?download=<id>`), checks it is served as a CSV attachment,
 * and returns its rows as objects keyed by the header.
 */
export async function downloadTable(
  app: FastifyInstance,
  pageUrl: string,
  tableId: string,
): Promise<Record<string, string>[]> {
  const separator = pageUrl.includes('?') ? '&' : '?';
  const response = await app.inject(`${pageUrl}${separator}download=${encodeURIComponent(tableId)}`);
  assert.equal(response.statusCode, 200, `${pageUrl} ${tableId}: ${response.body.slice(0, 200)}`);
  assert.equal(response.headers['content-type'], 'text/csv; charset=utf-8');
  assert.match(
    String(response.headers['content-disposition']),
    /^attachment; filename="[A-Za-z0-9._-]+\.csv"$/,
  );
  return parse(response.body, { columns: true }) as Record<string, string>[];
}

/** The body rows of the table with `id` in a page, each as its cells' text with tags removed. */
export function tableRows(body: string, id: string): string[][] {
  const start = body.search(new RegExp(`<table[^>]*\\sid="${id}"`));
  assert.ok(start >= 0, `the page has a table with id "${id}"`);
  const table = body.slice(start, body.indexOf('</table>', start));
  const tbody = table.slice(table.indexOf('<tbody'));
  return [...tbody.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      cell[1]
        .replace(/<svg[\s\S]*?<\/svg>/g, '')
        .replace(/<[^>]+>/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
}

/** A page's `<title>` text, with the entities Tend's pages use unescaped (`&lt;` is left as it is). */
export function titleOf(body: string): string {
  const match = /<title>([^<]*)<\/title>/.exec(body);
  assert.ok(match, 'the page has a title');
  return match[1]
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&ldquo;|&#8220;/g, '“')
    .replace(/&rdquo;|&#8221;/g, '”');
}

/** Checks what every page must be: an HTML page with no inline scripts and no style attributes. */
export function assertSafePage(body: string): void {
  assert.match(body, /^<!DOCTYPE html>/);
  assert.doesNotMatch(body, /<script(?![^>]*\ssrc=)[^>]*>/, 'no inline <script>');
  assert.doesNotMatch(body, /\sstyle=/, 'no style= attributes');
}

/** A metric definition for tests: a percentage, higher is better, with only what a test sets. */
export function testMetric(fields: Pick<MetricRow, 'id' | 'name'> & Partial<MetricRow>): MetricRow {
  return {
    description: null,
    unit: '%',
    direction: 'higher_is_better',
    domain: null,
    subdomain: null,
    source_publication: null,
    numerator_definition: null,
    denominator_definition: null,
    builtin: false,
    ...fields,
  };
}
