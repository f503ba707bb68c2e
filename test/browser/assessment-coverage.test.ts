import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Store } from '../../src/store/db.ts';
import { buildApp } from '../../src/web/app.ts';
import { chromiumPath, chromiumSkipReason } from '../helpers/chromium.ts';
import { openLoadedStore, webTestFiles } from '../helpers/loaded-store.ts';
import { dataDir } from '../helpers/paths.ts';

/**
 * Saying what is covered, in a real browser over the bundled data: an acute trust's page says why
 * it has no segment instead of leaving a blank, and the league table shows NHS England's published
 * likely ranges and Tend's own estimate in separate, labelled columns, with the financial deficit
 * flag and what each segment means.
 */
const skip = chromiumSkipReason();

describe('the assessment says what it covers', { skip, timeout: 240_000 }, () => {
  let store: Store;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let address: string;
  let browser: Browser;
  let page: Page;
  before(async () => {
    store = await openLoadedStore([
      ...webTestFiles,
      path.join(dataDir, 'ods-trusts-2025', 'trust_successors.csv'),
    ]);
    app = await buildApp({ store, config: { logLevel: 'silent' } });
    address = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await (await browser.newContext()).newPage();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
  });

  it("an acute trust's page explains its missing segment and links to NHS England's publication", async () => {
    const response = await page.goto(`${address}/organisations/RJ1`);
    assert.equal(response?.status(), 200);
    const why = page.locator('#nof-why-no-segment');
    assert.ok(await why.isVisible(), 'the reason is shown');
    const text = (await why.textContent()) ?? '';
    assert.match(text, /mental health and community trusts only/);
    assert.match(text, /none for Guy's and St Thomas' NHS Foundation Trust/i);
    assert.match(text, /acute trusts/);
    const link = why.locator('a');
    assert.match(
      (await link.getAttribute('href')) ?? '',
      /^https:\/\/www\.england\.nhs\.uk\/nhs-oversight-framework\//,
    );
    assert.deepEqual(
      (await new AxeBuilder({ page }).analyze()).violations.map((violation) => violation.id),
      [],
    );
    // A trust that is assessed has no such reason.
    await page.goto(`${address}/organisations/RYY`);
    assert.equal(await page.locator('#nof-why-no-segment').count(), 0);
    // Beside its segment, what the data cover.
    assert.match(
      (await page.locator('#nof-coverage').textContent()) ?? '',
      /no data for acute trusts and ambulance trusts/,
    );
    assert.ok(await page.locator('#nof-segment').isVisible());
  });

  it("the league table shows NHS England's published likely ranges and Tend's own, distinctly, with the deficit flag and segment meanings", async () => {
    const response = await page.goto(
      `${address}/league-tables/mental-health-and-community-trust?quarter=Q4%202025%2F26`,
    );
    assert.equal(response?.status(), 200);
    const table = page.locator('#league-mental-health-and-community-trust');
    const headings = (await table.locator('thead th').allTextContents()).map((text) =>
      text.replace(/\s+/g, ' ').trim(),
    );
    const published = headings.findIndex((text) =>
      /Likely range of average score.*NHS England's, published/.test(text),
    );
    const tends = headings.findIndex((text) =>
      /Likely range of average score.*Tend's own estimate/.test(text),
    );
    assert.ok(published >= 0 && tends >= 0 && published !== tends, headings.join(' | '));
    assert.ok(headings.some((text) => /Likely range of rank.*NHS England's, published/.test(text)));
    assert.ok(headings.some((text) => /Likely range of rank.*Tend's own estimate/.test(text)));
    const deficit = headings.findIndex((text) => /^Financial deficit/.test(text));
    assert.ok(deficit >= 0);

    // RYY: NHS England published "1.2 to 1.89" (the file's own figures, read here from the page).
    const ryy = table.locator('tr[data-key="RYY"]');
    const cells = (await ryy.locator('th, td').allTextContents()).map((text) =>
      text.replace(/\s+/g, ' ').trim(),
    );
    assert.equal(cells[published], '1.20 to 1.89');
    assert.match(cells[tends], /^\d\.\d\d to \d\.\d\d/);
    assert.match(cells[tends], /same as published|vs published: /);
    const rwr = (await table.locator('tr[data-key="RWR"]').locator('th, td').allTextContents()).map((text) =>
      text.trim(),
    );
    assert.equal(rwr[deficit], 'Yes');
    assert.equal(cells[deficit], 'No');

    assert.match(
      (await page.locator('#likely-range-sources').textContent()) ?? '',
      /NHS England's published likely ranges, and Tend's own estimate/,
    );
    assert.equal(await page.locator('#segment-meanings .nhsuk-summary-list__row').count(), 5);
    assert.match(
      (await page.locator('#nof-coverage').textContent()) ?? '',
      /Q1 2025\/26, Q2 2025\/26, Q3 2025\/26 and Q4 2025\/26/,
    );
    const violations = (await new AxeBuilder({ page }).analyze()).violations.map((violation) => violation.id);
    assert.deepEqual(violations, []);
  });

  it("a quarter whose published ranges Tend does not hold shows Tend's alone, labelled as Tend's", async () => {
    await page.goto(`${address}/league-tables/mental-health-and-community-trust?quarter=Q3%202025%2F26`);
    const headings = await page
      .locator('#league-mental-health-and-community-trust thead th')
      .allTextContents();
    assert.equal(headings.filter((text) => /NHS England's, published/.test(text)).length, 0);
    assert.equal(headings.filter((text) => /Tend's own estimate/.test(text)).length, 2);
    assert.match(
      (await page.locator('#likely-range-sources').textContent()) ?? '',
      /not in the data Tend holds\. The likely ranges shown are Tend's own estimate/,
    );
    // Nothing on the page calls Tend's ranges reproduced.
    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /likely ranges?[^.]*reproduced/i);
  });

  it('a closed trust says when it closed and who took over, and passes an axe scan', async () => {
    const response = await page.goto(`${address}/organisations/RA3`);
    assert.equal(response?.status(), 200);
    const notice = page.locator('#organisation-closed');
    assert.ok(await notice.isVisible());
    assert.match((await notice.textContent()) ?? '', /Closed on 31 March 2020/);
    await notice.locator('a').click();
    await page.waitForURL(/\/organisations\/RA7$/);
    assert.match((await page.locator('h1').textContent()) ?? '', /University Hospitals Bristol and Weston/);
    await page.goto(`${address}/organisations/RA3`);
    assert.deepEqual(
      (await new AxeBuilder({ page }).analyze()).violations.map((violation) => violation.id),
      [],
    );
  });
});
