import nunjucks from 'nunjucks';
import type { DataTable } from './data-table.ts';

/**
 * Tables rendered once and reused (`keptTable`, a template global): the HTML of a data table that
 * belongs to a shared view model — one kept until the data change, such as an organisation's
 * scorecard — by the table object and its download address. A new view model brings new table
 * objects, so nothing outlives the data it shows; a table built per request is simply rendered
 * each time. Used where the same large table is drawn for every signed-in reader.
 */
export function keptTableRenderer(environment: nunjucks.Environment) {
  const rendered = new WeakMap<object, Map<string, string>>();
  return function keptTable(
    table: DataTable,
    downloadHref: (id: string) => string,
  ): nunjucks.runtime.SafeString {
    const href = table.csvHref ?? downloadHref(table.id);
    let byHref = rendered.get(table);
    if (!byHref) {
      byHref = new Map();
      rendered.set(table, byHref);
    }
    let html = byHref.get(href);
    if (html === undefined) {
      html = environment.render('partials/kept-table.njk', { table, downloadHref: () => href });
      byHref.set(href, html);
    }
    return new nunjucks.runtime.SafeString(html);
  };
}
