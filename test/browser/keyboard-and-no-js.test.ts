import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Store } from '../../src/store/db.ts';
import { buildApp } from '../../src/web/app.ts';
import { chromiumPath, chromiumSkipReason } from '../helpers/chromium.ts';
import { openLoadedStore, webTestFiles } from '../helpers/loaded-store.ts';

/**
 * Accessibility beyond what axe-core can see: a keyboard-only visitor can skip to the content,
 * search and open a trust without a mouse, and the pages still say what they are and show their
 * tables with JavaScript switched off. Needs Chromium at /usr/bin/chromium; skipped without it
 * on a developer's machine, a failure in CI.
 */

const executablePath = chromiumPath;
const skip = chromiumSkipReason();

/** What has the keyboard focus: tag, id, href and text, for assertions and failure messages. */
async function focused(page: Page): Promise<{ tag: string; id: string; href: string; text: string }> {
  // A string, not a function: Tend's TypeScript is built without the DOM library.
  return await page.evaluate(`(() => {
    const element = document.activeElement;
    return {
      tag: element ? element.tagName.toLowerCase() : '',
      id: element?.id ?? '',
      href: element?.getAttribute('href') ?? '',
      text: (element?.textContent ?? '').trim(),
    };
  })()`);
}

/** Presses Tab until `wanted` holds for the focused element; fails after `limit` presses. */
async function tabUntil(
  page: Page,
  wanted: (element: Awaited<ReturnType<typeof focused>>) => boolean,
  what: string,
  limit = 60,
): Promise<number> {
  const visited: string[] = [];
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press('Tab');
    const element = await focused(page);
    if (wanted(element)) return presses;
    visited.push(`${element.tag}#${element.id}${element.href ? `[${element.href}]` : ''}`);
  }
  assert.fail(`Tab never reached ${what} in ${limit} presses; focus went ${visited.join(' → ')}`);
}

describe('keyboard-only use and pages without JavaScript', { skip, timeout: 120_000 }, () => {
  let store: Store;
  let app: FastifyInstance;
  let browser: Browser;
  let address: string;
  before(async () => {
    store = await openLoadedStore(webTestFiles);
    app = await buildApp({ store, config: { logLevel: 'silent' } });
    address = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
  });

  it('a keyboard alone skips to the content, searches and opens a trust', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${address}/`);

      assert.equal(await tabUntil(page, (element) => element.tag === 'a', 'a link', 1), 1);
      const first = await focused(page);
      assert.equal(first.href, '#maincontent', 'the first Tab reaches the skip link');
      assert.equal(first.text, 'Skip to main content');
      assert.ok(await page.locator('.nhsuk-skip-link').isVisible(), 'the skip link shows when focused');
      await page.keyboard.press('Enter');
      await page.waitForFunction(`document.activeElement?.id === 'maincontent'`);

      const presses = await tabUntil(page, (element) => element.id === 'search', 'the search box');
      assert.equal(presses, 1, 'the search box is the first control in the main content');
      await page.keyboard.type('Kent Community');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/organisations\?search=Kent\+Community$/);

      await tabUntil(page, (element) => element.href === '/organisations/RYY', 'the link to RYY');
      assert.equal((await focused(page)).text, 'Kent Community Health NHS Foundation Trust');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/organisations\/RYY$/);
      assert.equal(
        (await page.locator('h1').textContent())?.trim(),
        'Kent Community Health NHS Foundation Trust',
      );
    } finally {
      await context.close();
    }
  });

  it('a keyboard sorts a league table by any column, and hears the new order', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${address}/league-tables/mental-health-and-community-trust`);
      const table = page.locator('#league-mental-health-and-community-trust');
      // The design system's script turns each sortable heading into a button.
      await table.locator('thead th button').first().waitFor();
      const averages = async () =>
        (await table.locator('tbody tr td:nth-child(4)').allTextContents()).map((text) => text.trim());
      const ranks = async () =>
        (await table.locator('tbody tr td:nth-child(1)').allTextContents()).map((text) => text.trim());
      const rankedFirst = await ranks();
      assert.deepEqual(
        rankedFirst.filter((rank) => rank !== 'Not ranked').map(Number),
        rankedFirst
          .filter((rank) => rank !== 'Not ranked')
          .map(Number)
          .sort((a, b) => a - b),
        'rows start in rank order',
      );

      await tabUntil(
        page,
        (element) => element.tag === 'button' && element.text === 'Average score',
        'the Average score heading',
        120,
      );
      await page.keyboard.press('Enter');
      const header = table.locator('thead th', { hasText: /^Average score$/ });
      assert.equal(await header.getAttribute('aria-sort'), 'ascending');
      const ascending = (await averages()).filter((text) => text !== 'Not scored').map(Number);
      assert.ok(ascending.length > 50, `${ascending.length} scored trusts`);
      assert.deepEqual(
        ascending,
        [...ascending].sort((a, b) => a - b),
        'sorted lowest score first',
      );
      assert.match(
        (await page.locator('[role="status"]').first().textContent()) ?? '',
        /Sorted by Average score \(ascending\)/,
      );

      await page.keyboard.press('Enter');
      assert.equal(await header.getAttribute('aria-sort'), 'descending');
      const descending = (await averages()).filter((text) => text !== 'Not scored').map(Number);
      assert.deepEqual(descending, [...ascending].reverse(), 'and highest first when pressed again');
      assert.equal(await table.locator('thead th[aria-sort]').count(), 1, 'one column is sorted at a time');
    } finally {
      await context.close();
    }
  });

  it('pages show their headings and tables with JavaScript disabled', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const cases = [
        { route: '/', heading: /^Tend$/, table: undefined },
        {
          route: '/organisations/RYY',
          heading: /^Kent Community Health NHS Foundation Trust$/,
          table: '#scorecard',
        },
        {
          route: '/league-tables/mental-health-and-community-trust',
          heading: /league table, Q4 2025\/26$/i,
          table: '#league-mental-health-and-community-trust',
        },
      ];
      for (const { route, heading, table } of cases) {
        const response = await page.goto(`${address}${route}`);
        assert.equal(response?.status(), 200, route);
        assert.equal(await page.locator('body.js-enabled').count(), 0, `${route}: no script ran`);
        const h1 = page.locator('h1');
        assert.equal(await h1.count(), 1, `${route} has one main heading`);
        assert.ok(await h1.isVisible(), `${route}: the heading is visible`);
        assert.match((await h1.textContent())?.trim() ?? '', heading, route);
        assert.ok(await page.locator('#maincontent').isVisible(), `${route}: the main content is visible`);
        if (table) {
          const located = page.locator(table).first();
          assert.ok(await located.isVisible(), `${route}: ${table} is visible`);
          assert.ok((await located.locator('tbody tr').count()) > 0, `${route}: ${table} has rows`);
          assert.ok(
            (await located.locator('caption').textContent())?.trim(),
            `${route}: ${table} has a caption`,
          );
        } else {
          assert.ok(
            await page.locator('form[role="search"] input#search').isVisible(),
            'the search form shows',
          );
        }
      }
      // The search form works without JavaScript too: it is a plain GET form.
      await page.goto(`${address}/`);
      await page.locator('#search').fill('Kent Community');
      await page.locator('#search').press('Enter');
      await page.waitForURL(/\/organisations\?search=Kent\+Community$/);
      assert.equal(await page.locator('a[href="/organisations/RYY"]').count(), 1);
    } finally {
      await context.close();
    }
  });
});
