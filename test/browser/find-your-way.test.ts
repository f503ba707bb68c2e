import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Store } from '../../src/store/db.ts';
import { buildApp } from '../../src/web/app.ts';
import { chromiumPath, chromiumSkipReason } from '../helpers/chromium.ts';
import { openLoadedStore, webTestFiles } from '../helpers/loaded-store.ts';
import { repoRoot } from '../helpers/paths.ts';

/**
 * Finding your way, in Chromium: the "what changed" page used as a reader would; a phone at 390 px
 * (no chart text under 12 px, measured in the page; no sideways scrolling of the page or of the
 * league table's key columns); and a desktop at 1280 px (no scroll shadow over a table that fits;
 * wide tables given the page's full width). Screenshots go to test-artifacts/.
 */
const skip = chromiumSkipReason();
const artifacts = path.join(repoRoot, 'test-artifacts');
const launchArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/**
 * Every text element drawn in the page's charts (`.tend-chart`: SPC charts, the distribution strip),
 * with its rendered size in CSS pixels. SPC icons in table cells are symbols named by the words beside them.
 */
const chartTextSizes = `[...document.querySelectorAll('.tend-chart svg text')]
  .filter((text) => { const box = text.getBoundingClientRect(); return box.width > 0 && box.height > 0; })
  .map((text) => {
    const matrix = text.getScreenCTM();
    const scale = matrix ? Math.hypot(matrix.a, matrix.b) : 1;
    return { text: text.textContent, px: parseFloat(getComputedStyle(text).fontSize) * scale };
  })`;

/** Tables whose scroll container overflows sideways, and those showing a shadow on the right. */
const tableScrolling = `[...document.querySelectorAll('.nhsuk-scroll')].map((scroll) => {
  const content = scroll.querySelector('.nhsuk-scroll__content');
  return {
    id: scroll.querySelector('table')?.id ?? '',
    overflows: content.scrollWidth > content.clientWidth,
    shadowRight: scroll.classList.contains('nhsuk-scroll--scrollable-right'),
    width: scroll.getBoundingClientRect().width,
  };
})`;

describe('finding your way in a browser', { skip }, () => {
  let store: Store;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let address: string;
  let browser: Browser;
  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    store = await openLoadedStore(webTestFiles);
    app = await buildApp({ store, config: { logLevel: 'silent' } });
    address = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: chromiumPath, args: launchArgs });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
  });

  async function pageAt(width: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    return context.newPage();
  }

  it('the "what changed" page: every change with its verdict, another quarter, the CSV and a trust', async () => {
    const page = await pageAt(1280);
    await page.goto(`${address}/changes`);
    const heading = (await page.locator('h1').textContent()) ?? '';
    const latest = /What changed in (Q\d \d{4}\/\d{2})/.exec(heading)?.[1];
    assert.ok(latest, heading);
    const rows = page.locator('#segment-changes tbody tr');
    const count = await rows.count();
    assert.ok(count > 0);
    assert.match(
      (await page.locator('#changes-summary').textContent()) ?? '',
      new RegExp(`^${count} trusts? moved segment`),
    );
    for (const verdict of await page.locator('#segment-changes tbody tr td:last-child').allTextContents())
      assert.match(verdict.trim(), /^(Signal|Noise|Not tested): /);

    // Another quarter, through the form.
    const options = await page.locator('#quarter option').allTextContents();
    const other = options.find((option) => option.trim() !== latest);
    assert.ok(other, 'more than one quarter to choose from');
    await page.locator('#quarter').selectOption(other.trim());
    await page.getByRole('button', { name: 'Show quarter' }).click();
    await page.waitForURL(/\/changes\?quarter=/);
    assert.equal((await page.locator('h1').textContent())?.trim(), `What changed in ${other.trim()}`);
    const otherCount = await page.locator('#segment-changes tbody tr').count();

    // The CSV holds what the page shows.
    const csvHref = await page.locator('.tend-download a').first().getAttribute('href');
    assert.ok(csvHref);
    const csv = await page.request.get(new URL(csvHref, page.url()).toString());
    assert.equal(csv.status(), 200);
    const records = parse(await csv.text(), { columns: true }) as Record<string, string>[];
    assert.equal(records.length, otherCount);
    assert.ok(
      records.every((record) => ['signal', 'noise', 'not-tested'].includes(record['Signal or noise'])),
    );

    // A trust opens at that quarter.
    const first = page.locator('#segment-changes tbody tr').first();
    const code = (await first.getAttribute('data-key')) ?? '';
    await first.locator('a').first().click();
    await page.waitForURL(new RegExp(`/organisations/${code}\\?quarter=`));
    assert.equal(await page.locator('#quarter option[selected]').textContent(), other.trim());
    await page.screenshot({
      path: path.join(artifacts, 'find-your-way-organisation-quarter.png'),
      fullPage: true,
    });
    await page.context().close();
  });

  it('on a 390 px phone: chart text is at least 12 px and nothing scrolls sideways', async () => {
    const page = await pageAt(390);
    for (const url of [
      '/organisations/RJ1/metrics/ae-4hr-type1',
      '/organisations/RYY/metrics/OF5002',
      '/metrics/ae-4hr-type1',
    ]) {
      await page.goto(`${address}${url}`);
      const sizes = (await page.evaluate(chartTextSizes)) as { text: string; px: number }[];
      assert.ok(sizes.length >= 5, `${url} draws a chart with text`);
      const small = sizes.filter((size) => size.px < 12 - 0.01);
      assert.deepEqual(small, [], `${url}: chart text under 12 px`);
      await page.screenshot({ path: path.join(artifacts, `phone-${url.replace(/[^a-z0-9]+/gi, '-')}.png`) });
    }
    for (const url of [
      '/',
      '/organisations/RYY',
      '/league-tables/mental-health-and-community-trust',
      '/changes',
      '/regions/Y59',
      '/systems/QKS',
    ]) {
      await page.goto(`${address}${url}`);
      const scroll = (await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as [
        number,
        number,
      ];
      assert.ok(scroll[0] <= scroll[1], `${url}: the page scrolls sideways (${scroll[0]} > ${scroll[1]})`);
    }
  });

  it('on a 390 px phone the league table’s key columns, its uncertainty too, show without scrolling', async () => {
    const page = await pageAt(390);
    await page.goto(`${address}/league-tables/mental-health-and-community-trust`);
    const table = (await page.evaluate(tableScrolling)) as { id: string; overflows: boolean }[];
    assert.deepEqual(
      table.filter((entry) => entry.id.startsWith('league-') && entry.overflows),
      [],
      'the league table scrolls sideways',
    );
    const firstRow = page.locator('table[id^="league-"] tbody tr').first();
    const labels = [
      'Rank',
      'Trust',
      'Segment',
      'Average score',
      'Likely range of average score',
      'Likely range of rank',
    ];
    for (const label of labels) {
      const cells = firstRow.locator(`[data-label^="${label}"]`);
      assert.ok((await cells.count()) > 0, `a ${label} cell`);
      for (const box of await cells.evaluateAll((elements) =>
        elements.map((element) => {
          const rect = element.getBoundingClientRect();
          return { left: rect.left, right: rect.right, width: rect.width, text: element.textContent?.trim() };
        }),
      )) {
        assert.ok(
          box.width > 0 && box.left >= 0 && box.right <= 390,
          `${label} is on screen: ${JSON.stringify(box)}`,
        );
        assert.ok(box.text, `${label} has a value`);
      }
    }
    assert.match(
      (await firstRow.locator('[data-label^="Likely range of rank"]').first().textContent()) ?? '',
      /\d+ to \d+/,
    );
    await page.screenshot({ path: path.join(artifacts, 'phone-league-table.png'), fullPage: false });
  });

  it('at 1280 px: no scroll shadow over a table that fits, and wide tables get the full width', async () => {
    const page = await pageAt(1280);
    for (const url of [
      '/organisations/RYY',
      '/league-tables/mental-health-and-community-trust',
      '/regions/Y59',
      '/changes',
      '/metrics/ae-4hr-type1',
    ]) {
      await page.goto(`${address}${url}`);
      const tables = (await page.evaluate(tableScrolling)) as {
        id: string;
        overflows: boolean;
        shadowRight: boolean;
        width: number;
      }[];
      assert.ok(tables.length > 0, url);
      for (const entry of tables) {
        assert.equal(entry.overflows, false, `${url} #${entry.id} overflows its box`);
        assert.equal(entry.shadowRight, false, `${url} #${entry.id} shows a scroll shadow`);
      }
      if (url.startsWith('/league-tables'))
        assert.ok(
          tables.every((entry) => entry.width > 960),
          `${url}: the league table is wider than the 960 px text column`,
        );
    }
  });
});
