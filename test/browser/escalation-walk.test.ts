import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import type { Store } from '../../src/store/db.ts';
import { buildApp } from '../../src/web/app.ts';
import { assertAccessible, signInAs, signOut, watchedPage } from '../helpers/browser-walk.ts';
import { chromiumPath, chromiumSkipReason } from '../helpers/chromium.ts';
import { addCast, addTwoOrganisations, cast, orgA } from '../helpers/narratives.ts';
import { repoRoot } from '../helpers/paths.ts';
import { openTestStore, resetTestStore } from '../helpers/test-store.ts';

/**
 * A concern escalated directly to the region, in Chromium: the trust's contributor raises it (every
 * problem listed first), regional oversight finds it on the region's ageing view, acknowledges and
 * responds, and the contributor closes it saying whether they would raise a concern this way again.
 * Every page passes an axe scan; screenshots go to test-artifacts/.
 */
const skip = chromiumSkipReason();
const artifacts = path.join(repoRoot, 'test-artifacts');

test('a concern escalated to the region, raised, acknowledged, answered and closed in a browser', {
  skip,
  timeout: 180_000,
}, async () => {
  mkdirSync(artifacts, { recursive: true });
  const store: Store = await openTestStore();
  await resetTestStore(store);
  await addTwoOrganisations(store);
  await addCast(store, () => new Date(), ['contributorA', 'oversightRegionA']);
  const app = await buildApp({ store, config: { logLevel: 'silent' }, signInPerMinute: 1000 });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const list = `/organisations/${orgA}/escalations`;
  try {
    const problems: string[] = [];
    const page = await watchedPage(browser, address, problems);

    await signInAs(page, address, cast.contributorA.email, list);
    await assertAccessible(page, 'the escalations page with its form');
    await page.getByRole('button', { name: 'Raise the concern' }).click();
    await page.locator('.nhsuk-error-summary').waitFor();
    assert.deepEqual(
      (await page.locator('.nhsuk-error-summary a').allTextContents()).map((text) => text.trim()),
      [
        'Choose who to raise the concern with: your region or your ICB',
        'Choose what the concern is about: performance, finance or quality',
        'Enter a title',
        'Describe the concern',
      ],
    );
    await assertAccessible(page, 'the form with its problems');
    await page.getByRole('radio', { name: /Alder Region/ }).check();
    await page.getByRole('radio', { name: 'Quality' }).check();
    await page.getByLabel('Title').fill('Pressure ulcers in community care');
    await page.getByLabel('The concern').fill('Rising for six months; we need help from the region.');
    await Promise.all([
      page.waitForURL(/\/escalations\/\d+$/),
      page.getByRole('button', { name: 'Raise the concern' }).click(),
    ]);
    const escalationPath = new URL(page.url()).pathname;
    assert.equal(await page.locator('#escalation-state').textContent(), 'Raised');
    assert.match(
      (await page.locator('#escalation-clock').textContent()) ?? '',
      /0 working days since raised/,
    );
    await assertAccessible(page, 'the raised concern');
    await signOut(page, address);

    // Regional oversight finds it on the ageing view, acknowledges and responds.
    await signInAs(page, address, cast.oversightRegionA.email, '/organisations/Y01/escalations/received');
    await assertAccessible(page, 'the region’s ageing view');
    await page.screenshot({ path: path.join(artifacts, 'escalation-walk-received.png'), fullPage: true });
    await Promise.all([
      page.waitForURL(`${address}${escalationPath}`),
      page.getByRole('link', { name: 'Pressure ulcers in community care' }).click(),
    ]);
    await page.getByLabel('A note to the organisation (optional)').fill('Thank you: we will look at it.');
    await Promise.all([
      page.waitForURL(`${address}${escalationPath}#timeline`),
      page.getByRole('button', { name: 'Acknowledge' }).click(),
    ]);
    assert.equal(await page.locator('#escalation-state').textContent(), 'Acknowledged');
    await page.getByLabel('Your response').fill('Our tissue viability lead will visit next week.');
    await Promise.all([
      page.waitForURL(`${address}${escalationPath}#timeline`),
      page.getByRole('button', { name: 'Send the response' }).click(),
    ]);
    await assertAccessible(page, 'the responded concern');
    await signOut(page, address);

    // The contributor closes it, answering the question.
    await signInAs(page, address, cast.contributorA.email, escalationPath);
    assert.match((await page.locator('#escalation-response').textContent()) ?? '', /tissue viability/);
    await page.getByRole('radio', { name: 'Yes' }).check();
    await page.getByLabel('Why? (optional)').fill('A clear answer within the week.');
    await Promise.all([
      page.waitForURL(`${address}${escalationPath}#timeline`),
      page.getByRole('button', { name: 'Close the concern' }).click(),
    ]);
    assert.equal(await page.locator('#escalation-state').textContent(), 'Closed');
    assert.match((await page.locator('#would-raise-again').textContent()) ?? '', /Yes/);
    assert.equal(await page.locator('#escalation-steps li').count(), 4);
    await assertAccessible(page, 'the closed concern');
    await page.screenshot({ path: path.join(artifacts, 'escalation-walk-closed.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await app.close();
    await store.close();
  }
});
