import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Page } from 'playwright-core';
import { createAnnotation } from '../../src/app/annotations/create.ts';
import { operator } from '../../src/policies/actor.ts';
import { buildApp } from '../../src/web/app.ts';
import { chromiumPath, chromiumSkipReason } from '../helpers/chromium.ts';
import { bundled, openLoadedStore } from '../helpers/loaded-store.ts';
import { repoRoot } from '../helpers/paths.ts';
import { addPerson, testPassword } from '../helpers/people.ts';

/**
 * The annotation pages in Chromium, signed in as a contributor: the chart with its numbered markers
 * and list, the form with its warning on rebasing, the form's error state, and adding a
 * note — each scanned with axe-core, zero violations expected; screenshots go to test-artifacts/.
 */
const skip = chromiumSkipReason();
const artifacts = path.join(repoRoot, 'test-artifacts');
const chart = '/organisations/RJ1/metrics/ae-4hr-type1';

async function assertAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const violations = results.violations.map(
    (violation) =>
      `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
  );
  assert.deepEqual(violations, [], `axe violations on ${what}`);
}

test('annotating a chart in the browser', { skip, timeout: 120_000 }, async () => {
  mkdirSync(artifacts, { recursive: true });
  const clock = () => new Date();
  const store = await openLoadedStore([bundled.odsTrusts, bundled.trustLookup, ...bundled.aeMonthly]);
  await addPerson(store, 'ada@example.nhs.uk', [
    { role: 'contributor', scopeKind: 'organisation', scopeCode: 'RJ1' },
  ]);
  const context = { db: store.db, actor: operator('test'), clock };
  const base = { org: 'RJ1', metric: 'ae-4hr-type1', visibility: 'public', status: 'published' };
  await createAnnotation(context, {
    ...base,
    date: '2024-09-10',
    kind: 'event',
    text: 'Winter plan started',
  });
  await createAnnotation(context, {
    ...base,
    date: '2024-11-02',
    kind: 'change_idea',
    text: 'PDSA 1: nurse-led triage at the front door',
    status: 'draft',
  });
  await createAnnotation(context, {
    ...base,
    date: '2025-03-15',
    kind: 'rebase',
    text: 'New emergency floor opened',
    rebaseReason: 'The new emergency floor opened in March and the shift has held since',
  });
  const app = await buildApp({ store, config: { logLevel: 'silent' }, signInPerMinute: 1000 });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${address}/sign-in?returnTo=${encodeURIComponent(chart)}`);
    await page.fill('#email', 'ada@example.nhs.uk');
    await page.fill('#password', testPassword);
    await Promise.all([page.waitForURL(`${address}${chart}`), page.click('button:has-text("Sign in")')]);

    // The full chart (a phone is shown a simplified drawing of the same series instead).
    assert.equal(await page.locator('.tend-chart__wide svg .spc-annotation-marker').count(), 3);
    assert.equal(await page.locator('#annotation-list > li').count(), 3);
    await page.evaluate(
      `document.querySelectorAll('details').forEach((details) => { details.open = true; })`,
    );
    await assertAccessible(page, 'the annotated chart');
    await page.screenshot({ path: path.join(artifacts, 'annotations-chart.png'), fullPage: true });

    await page.click('#add-annotation');
    assert.equal(await page.locator('h1').textContent(), 'Add an annotation');
    assert.equal(await page.locator('.nhsuk-card--warning').isVisible(), true);
    await page.check('input[name="kind"][value="rebase"]');
    await assertAccessible(page, 'the annotation form');
    await page.screenshot({ path: path.join(artifacts, 'annotations-form.png'), fullPage: true });

    await page.fill('#reason', 'short');
    await Promise.all([
      page.waitForURL(`${address}${chart}/annotations`),
      page.click('button:has-text("Add annotation")'),
    ]);
    await page.waitForSelector('.nhsuk-error-summary');
    assert.equal(await page.locator('#reason').inputValue(), 'short');
    await assertAccessible(page, 'the annotation form with errors');
    await page.screenshot({ path: path.join(artifacts, 'annotations-form-errors.png'), fullPage: true });

    await page.check('input[name="kind"][value="data_issue"]');
    await page.fill('#reason', '');
    await page.fill('#date-day', '5');
    await page.fill('#date-month', '12');
    await page.fill('#date-year', '2024');
    await page.fill('#text', 'Late submission: December figures revised');
    await page.check('input[name="visibility"][value="organisation"]');
    await page.check('input[name="status"][value="published"]');
    await Promise.all([page.waitForURL(/#annotation-\d+$/), page.click('button:has-text("Add annotation")')]);
    assert.equal(await page.locator('.tend-chart__wide svg .spc-annotation-marker').count(), 4);
    assert.match(
      (await page.locator('#annotation-list > li').nth(2).textContent()) ?? '',
      /Data issue, 5 December 2024\s+Organisation only/,
    );
  } finally {
    await browser.close();
    await app.close();
    await store.close();
  }
});
