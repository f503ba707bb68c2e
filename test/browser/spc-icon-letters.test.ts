import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { renderIconSvg } from '../../src/charts/spc-icons.ts';
import { assuranceIcons, variationIcons } from '../../src/engines/spc/codes.ts';
import { chromiumPath, chromiumSkipReason } from '../helpers/chromium.ts';
import { repoRoot } from '../helpers/paths.ts';

/**
 * SPC icons in table cells, in Chromium at a phone's width (390 px): every letter an icon draws (H, L,
 * P, F, ?) is at least 12 px as rendered, measured in the page with Tend's own stylesheet — the
 * icons are drawn at 24 px in the metric and system tables, which would put a 15-unit letter at 9 px.
 */
const skip = chromiumSkipReason();
const stylesheet = path.join(repoRoot, 'src/web/public/tend.css');
const launchArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** Every text element in an icon, with its rendered size in CSS pixels. */
const letterSizes = `[...document.querySelectorAll('.tend-icon svg text')].map((text) => {
  const matrix = text.getScreenCTM();
  const scale = matrix ? Math.hypot(matrix.a, matrix.b) : 1;
  return { letter: text.textContent, px: parseFloat(getComputedStyle(text).fontSize) * scale };
})`;

describe('SPC icon letters on a phone', { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath, args: launchArgs });
  });
  after(async () => {
    await browser?.close();
  });

  async function sizesAt(width: number, iconSize: number, css = readFileSync(stylesheet, 'utf8')) {
    const cells = [
      ...variationIcons.map((icon) => renderIconSvg({ type: 'variation', icon }, iconSize)),
      ...assuranceIcons.map((icon) => renderIconSvg({ type: 'assurance', icon }, iconSize)),
    ]
      .map((svg) => `<tr><td class="nhsuk-table__cell"><span class="tend-icon">${svg}</span> Label</td></tr>`)
      .join('');
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    await page.setContent(
      `<!DOCTYPE html><html><head><style>${css}</style></head><body><table>${cells}</table></body></html>`,
    );
    const sizes = (await page.evaluate(letterSizes)) as { letter: string; px: number }[];
    await context.close();
    return sizes;
  }

  it('draws every letter of a 24 px table icon at 12 px or more at 390 px wide', async () => {
    const sizes = await sizesAt(390, 24);
    assert.deepEqual(
      [...new Set(sizes.map((size) => size.letter))].sort(),
      ['?', 'F', 'H', 'L', 'P'],
      'every letter is drawn',
    );
    const small = sizes.filter((size) => size.px < 12);
    assert.deepEqual(small, [], 'letters under 12 px on a phone');
  });

  it('measures what it claims: without the stylesheet the same letters are drawn at 9 px', async () => {
    const sizes = await sizesAt(390, 24, '');
    const h = sizes.find((size) => size.letter === 'H');
    assert.ok(h && Math.abs(h.px - 9) < 0.01, `H at ${h?.px} px`);
  });
});
