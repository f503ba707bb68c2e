import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { buildApp } from '../../src/web/app.ts';
import { assertAccessible, signInAs, watchedPage } from '../helpers/browser-walk.ts';
import { chromiumPath, chromiumSkipReason } from '../helpers/chromium.ts';
import { openLoadedStore, webTestFiles } from '../helpers/loaded-store.ts';
import { addPerson } from '../helpers/people.ts';

const skip = chromiumSkipReason();
const trust = 'RYY';
const region = 'Y59';
const overseer = 'oversight.y59@example.nhs.uk';

/**
 * The review pages in Chromium as the overseer side uses them, each scanned with axe-core: the list
 * with the plan form (and its problems), the record-the-meeting form with every problem listed, the
 * record once held, and the pack without concerns (its plain statements in place of tables).
 */
test('the review pages are accessible, with and without problems on their forms', {
  skip,
  timeout: 300_000,
}, async () => {
  const store = await openLoadedStore(webTestFiles);
  await addPerson(store, overseer, [{ role: 'oversight', scopeKind: 'region', scopeCode: region }]);
  const app = await buildApp({ store, config: { logLevel: 'silent' }, signInPerMinute: 1000 });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const problems: string[] = [];
    const page = await watchedPage(browser, address, problems);
    const list = `/organisations/${trust}/reviews`;
    await signInAs(page, address, overseer, list);
    await assertAccessible(page, 'the reviews list');
    await page.getByLabel('Quarter').fill('sometime');
    await page.locator('#plan-review').click();
    await page.locator('.nhsuk-error-summary').waitFor();
    await assertAccessible(page, 'the plan form with a problem');
    await page.getByLabel('Quarter').fill('Q3 2026/27');
    await Promise.all([page.waitForURL(/\/reviews\/\d+$/), page.locator('#plan-review').click()]);
    const record = new URL(page.url()).pathname;
    await assertAccessible(page, 'a planned review with the record form');
    await page.getByLabel('Held on').fill('2026-02-30');
    await page.locator('#action_1_description').fill('An action with no owner');
    await page.locator('#record-meeting').click();
    await page.locator('.nhsuk-error-summary').waitFor();
    const summary = await page.locator('.nhsuk-error-summary a').allTextContents();
    assert.ok(summary.length >= 3, `every problem listed: ${summary.join(' | ')}`);
    await assertAccessible(page, 'the record form with problems');
    await page.getByLabel('Held on').fill('2026-11-24');
    await page.locator('#action_1_owner_name').fill('Ada Example');
    await page.locator('#action_1_due').fill('2026-12-31');
    await Promise.all([
      page.waitForURL(`${address}${record}#actions`),
      page.locator('#record-meeting').click(),
    ]);
    assert.equal(await page.locator('#review-state').textContent(), 'Held');
    await assertAccessible(page, 'a held review');
    await Promise.all([page.waitForURL(/\/pack$/), page.locator('#pack-link').click()]);
    assert.equal(
      await page.locator('h1').textContent(),
      `Review pack: Kent Community Health NHS Foundation Trust (${trust}), Q3 2026/27`,
    );
    await assertAccessible(page, 'the review pack');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await app.close();
    await store.close();
  }
});
