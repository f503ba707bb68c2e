import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Page } from 'playwright-core';
import { assessFromStore } from '../../src/app/assessment.ts';
import { buildApp } from '../../src/web/app.ts';
import { chromiumPath, chromiumSkipReason } from '../helpers/chromium.ts';
import { openLoadedStore, webTestFiles } from '../helpers/loaded-store.ts';
import { repoRoot } from '../helpers/paths.ts';

/**
 * A walk through Tend's pages in a real browser, as a visitor would take it: search from the home
 * page, open a trust, one of its charts and its CSV, then the league table. axe-core scans every
 * page type; screenshots go to test-artifacts/. Needs Chromium at /usr/bin/chromium (Debian's
 * `chromium` package); skipped without it on a developer's machine, a failure in CI.
 */

const executablePath = chromiumPath;
const skip = chromiumSkipReason();
const artifacts = path.join(repoRoot, 'test-artifacts');

async function assertAccessible(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const violations = results.violations.map(
    (violation) =>
      `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
  );
  assert.deepEqual(violations, [], `axe violations on the ${name} page`);
  await page.screenshot({ path: path.join(artifacts, `walkthrough-${name}.png`), fullPage: true });
}

test('a visitor searches, opens a trust, a chart and the league table', {
  skip,
  timeout: 180_000,
}, async () => {
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
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().includes('ERR_NAME_NOT_RESOLVED'))
        errors.push(message.text());
    });
    // The NHS.UK stylesheet loads the Frutiger font from assets.nhs.uk; offline, that fails harmlessly.
    const external = (url: string) => !url.startsWith(address);
    page.on('requestfailed', (request) => {
      if (!external(request.url())) errors.push(`${request.url()}: ${request.failure()?.errorText}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) errors.push(`${response.url()}: ${response.status()}`);
    });

    await page.goto(`${address}/`);
    assert.equal(await page.title(), 'Tend – NHS');
    await assertAccessible(page, 'home');

    await page.getByLabel('Search for an organisation by name or ODS code').fill('Kent Community');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/organisations\?search=Kent\+Community/);
    await assertAccessible(page, 'search');

    await page.getByRole('link', { name: 'Kent Community Health NHS Foundation Trust' }).click();
    await page.waitForURL(/\/organisations\/RYY$/);
    assert.equal((await page.locator('#nof-segment').textContent())?.trim(), 'Segment 1');
    await assertAccessible(page, 'organisation');

    await page.getByRole('link', { name: 'Average metric score', exact: true }).click();
    await page.waitForURL(/\/organisations\/RYY\/metrics\/OF5002$/);
    // One chart shows: the full drawing here, the simplified one only on a phone.
    assert.equal(await page.locator('figure.tend-chart svg[role="img"]:visible').count(), 1);
    const csvHref = await page.locator('#csv-download').getAttribute('href');
    assert.ok(csvHref);
    const csv = await page.request.get(new URL(csvHref, address).toString());
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()['content-type'], /^text\/csv/);
    await assertAccessible(page, 'metric');

    await page.goto(`${address}/organisations/RYY`);
    await page.getByRole('link', { name: /league table for Q4 2025\/26/ }).click();
    await page.waitForURL(/\/league-tables\/mental-health-and-community-trust/);
    const expected = await assessFromStore(store.db, { framework: 'nof-2025-26', quarter: 'Q4 2025/26' });
    const ryy = expected.trusts.find((row) => row.Trust_code === 'RYY');
    const shownRank = await page.locator('tr[data-key="RYY"] td').first().textContent();
    assert.equal(shownRank?.trim(), String(ryy?.Rank));
    await assertAccessible(page, 'league-table');

    assert.deepEqual(errors, [], 'every resource loads');
    const missing = await page.goto(`${address}/organisations/ZZ9`);
    assert.equal(missing?.status(), 404);
    await assertAccessible(page, 'not-found');
  } finally {
    await browser.close();
    await app.close();
    await store.close();
  }
});
