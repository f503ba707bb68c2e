import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { cell, type DataTable } from './data-table.ts';
import { keptTableRenderer } from './kept-tables.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const nhsukFrontend = path.dirname(createRequire(import.meta.url).resolve('nhsuk-frontend/package.json'));

/** The templates as the app configures them, with `render` calls counted. */
function environment() {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([path.join(here, 'views'), path.join(nhsukFrontend, 'dist')]),
    { autoescape: true, trimBlocks: true, lstripBlocks: true },
  );
  env.addGlobal('sortKeys', () => '');
  let renders = 0;
  const render = env.render.bind(env);
  env.render = ((name: string, context?: object) => {
    renders++;
    return render(name, context);
  }) as typeof env.render;
  return { env, renders: () => renders };
}

function table(id: string, value: string): DataTable {
  return {
    id,
    caption: `Table ${id}`,
    fileName: `tend-${id}`,
    columns: [{ label: 'Organisation' }, { label: 'Value', numeric: true }],
    rows: [{ cells: [cell('Kent <Community> Health'), cell(value)] }],
  };
}

describe('tables kept with their view model', () => {
  it('renders exactly what the data-table macro renders, escaped', () => {
    const { env } = environment();
    const keptTable = keptTableRenderer(env);
    const shown = table('scorecard', '85.2%');
    const href = (id: string) => `/organisations/RYY?download=${id}`;
    const kept = String(keptTable(shown, href));
    const direct = env.renderString(
      '{% from "partials/data-table.njk" import dataTable %}{{ dataTable(table, downloadHref) }}',
      { table: shown, downloadHref: href },
    );
    assert.equal(kept.trim(), direct.trim());
    assert.match(kept, /Kent &lt;Community&gt; Health/);
    assert.match(kept, /href="\/organisations\/RYY\?download=scorecard"/);
  });

  it('renders a table object once per download address, and a new object afresh', () => {
    const { env, renders } = environment();
    const keptTable = keptTableRenderer(env);
    const first = table('scorecard', '85.2%');
    const page = (id: string) => `/organisations/RYY?download=${id}`;
    const atQuarter = (id: string) => `/organisations/RYY?quarter=2025%2F26+Q2&download=${id}`;
    keptTable(first, page);
    keptTable(first, page);
    assert.equal(renders(), 1, 'the same table at the same address is rendered once');
    assert.match(String(keptTable(first, atQuarter)), /quarter=2025%2F26\+Q2&amp;download=scorecard/);
    assert.equal(renders(), 2, 'another address is its own rendering');
    const rebuilt = table('scorecard', '86.0%');
    assert.match(String(keptTable(rebuilt, page)), /86\.0%/, 'a new view model shows its own values');
    assert.equal(renders(), 3);
  });
});

describe('a table longer than the rows its page shows', () => {
  it('shows the first rows in order and says the CSV holds them all', () => {
    const { env } = environment();
    const long: DataTable = {
      id: 'long',
      caption: 'Every practice',
      fileName: 'tend-long',
      pageRows: 2,
      columns: [{ label: 'Organisation' }],
      rows: ['First', 'Second', 'Third', 'Fourth'].map((name) => ({ key: name, cells: [cell(name)] })),
    };
    const html = env.renderString(
      '{% from "partials/data-table.njk" import dataTable %}{{ dataTable(table, downloadHref) }}',
      { table: long, downloadHref: (id: string) => `?download=${id}` },
    );
    assert.deepEqual(
      [...html.matchAll(/data-key="(\w+)"/g)].map((match) => match[1]),
      ['First', 'Second'],
    );
    assert.match(html, /id="long-shortened">This page shows the first 2 of 4 rows/);
    const short = env.renderString(
      '{% from "partials/data-table.njk" import dataTable %}{{ dataTable(table, downloadHref) }}',
      { table: { ...long, pageRows: 4 }, downloadHref: (id: string) => `?download=${id}` },
    );
    assert.equal([...short.matchAll(/data-key=/g)].length, 4);
    assert.doesNotMatch(short, /shortened/);
  });
});
