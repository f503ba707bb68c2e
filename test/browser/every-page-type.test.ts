import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import { buildApp } from '../../src/web/app.ts';
import { chromiumPath, chromiumSkipReason } from '../helpers/chromium.ts';
import { openLoadedStore, webTestFiles } from '../helpers/loaded-store.ts';
import { repoRoot } from '../helpers/paths.ts';

/**
 * The page types the walkthrough does not visit — lists, metrics, systems, API documentation — and
 * the folded parts of those it does (an organisation's explanation tables, a chart's data), scanned
 * with axe-core in Chromium with every details block open, zero violations expected; screenshots
 * go to test-artifacts/.
 */
const executablePath = chromiumPath;
const skip = chromiumSkipReason();
const artifacts = path.join(repoRoot, 'test-artifacts');

const pages: [name: string, url: string, heading: RegExp][] = [
  ['organisations', '/organisations?search=kent', /Organisations/],
  ['metrics', '/metrics', /Metrics/],
  ['metric', '/metrics/ae-4hr-type1', /A&E 4-hour performance, type 1/],
  ['organisation-explained', '/organisations/RNK', /Tavistock and Portman/],
  ['chart', '/organisations/RJ1/metrics/ae-4hr-type1', /A&E 4-hour performance, type 1/],
  ['systems', '/systems', /Systems/],
  ['system', '/systems/QKS', /Kent/],
  ['regions', '/regions', /Regions/],
  ['region', '/regions/Y59', /South East/],
  ['what-changed', '/changes', /What changed in/],
  ['search-with-metrics', '/organisations?search=4-hour', /Organisations/],
  ['organisation-quarter', '/organisations/RYY?quarter=Q1%202025%2F26', /Kent Community Health/],
  ['api-docs', '/api/docs', /API/],
  ['inquiries', '/organisations/RJ1/inquiries', /Inquiries and learning reviews/],
  ['prompt-sets', '/prompt-sets', /Prompt sets/],
  ['prompt-set', '/prompt-sets/access_flow', /What sits with system partners/],
];

test('every other page type passes an axe scan', { skip, timeout: 420_000 }, async () => {
  mkdirSync(artifacts, { recursive: true });
  const store = await openLoadedStore(webTestFiles);
  const app = await buildApp({ store, config: { logLevel: 'silent' } });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await (await browser.newContext()).newPage();
    for (const [name, url, heading] of pages) {
      const response = await page.goto(`${address}${url}`);
      assert.equal(response?.status(), 200, url);
      assert.match((await page.locator('h1').first().textContent()) ?? '', heading, url);
      // Open every details block, so the tables folded inside are scanned too.
      await page.evaluate(
        `document.querySelectorAll('details').forEach((details) => { details.open = true; })`,
      );
      const results = await new AxeBuilder({ page }).analyze();
      const violations = results.violations.map(
        (violation) =>
          `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
      );
      assert.deepEqual(violations, [], `axe violations on ${url}`);
      await page.screenshot({ path: path.join(artifacts, `page-${name}.png`), fullPage: true });
    }
  } finally {
    await browser.close();
    await app.close();
    await store.close();
  }
});
