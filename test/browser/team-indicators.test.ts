import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Page } from 'playwright-core';
import { createTeam } from '../../src/app/teams/write.ts';
import { operator } from '../../src/policies/actor.ts';
import { buildApp } from '../../src/web/app.ts';
import { chromiumPath, chromiumSkipReason } from '../helpers/chromium.ts';
import { bundled, openLoadedStore } from '../helpers/loaded-store.ts';
import { repoRoot } from '../helpers/paths.ts';
import { addPerson, testPassword } from '../helpers/people.ts';

/**
 * A team's own indicator in Chromium: the team's admin defines it on the form (the form's error state
 * first), pastes 24 monthly values in the tidy template with a `team` column, sees its SPC chart and
 * its signal, and finds it on the organisation's page among its own measures; an anonymous visitor does not see an
 * organisation-only indicator. Each page scanned with axe-core; screenshots go to test-artifacts/.
 */
const skip = chromiumSkipReason();
const artifacts = path.join(repoRoot, 'test-artifacts');

async function assertAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const violations = results.violations.map(
    (violation) =>
      `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
  );
  assert.deepEqual(violations, [], `axe violations on ${what}`);
}

/** 16 months around 62%, then 8 around 74%: a shift the chart calls special-cause improvement. */
function tidyRows(team: string): string {
  const lines = ['org_code,team,metric_id,period,value'];
  for (let index = 0; index < 24; index++) {
    const year = 2024 + Math.floor((index + 3) / 12);
    const month = String(((index + 3) % 12) + 1).padStart(2, '0');
    const value = (index >= 16 ? 74 : 62) + ((index * 7) % 5) - 2;
    lines.push(`RYY,${team},continuity-of-carer,${year}-${month},${value}`);
  }
  return lines.join('\n');
}

test('a team admin defines an indicator, imports two years of values and sees its chart', {
  skip,
  timeout: 180_000,
}, async () => {
  mkdirSync(artifacts, { recursive: true });
  const store = await openLoadedStore([bundled.odsTrusts, bundled.trustLookup]);
  const team = await createTeam(
    { db: store.db, actor: operator('test'), clock: () => new Date() },
    { org: 'RYY', name: 'Maternity' },
  );
  await addPerson(store, 'grace@example.nhs.uk', [
    { role: 'admin', scopeKind: 'organisation', scopeCode: team.code },
  ]);
  const app = await buildApp({ store, config: { logLevel: 'silent' }, signInPerMinute: 1000 });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const teamPage = `/teams/${team.code}`;
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${address}/sign-in?returnTo=${encodeURIComponent(teamPage)}`);
    await page.fill('#email', 'grace@example.nhs.uk');
    await page.fill('#password', testPassword);
    await Promise.all([page.waitForURL(`${address}${teamPage}`), page.click('button:has-text("Sign in")')]);
    assert.equal(await page.locator('h1').textContent(), 'Maternity');
    assert.equal(await page.locator('#no-indicators').isVisible(), true);

    // Define the indicator: first with nothing filled in, then properly.
    await page.click('#new-indicator');
    assert.equal(await page.locator('h1').textContent(), 'Define an indicator');
    await assertAccessible(page, 'the indicator form');
    await Promise.all([page.waitForURL(`${address}${teamPage}/indicators`), page.click('#save-indicator')]);
    const problems = await page.locator('.nhsuk-error-summary__list li').allTextContents();
    assert.ok(problems.length >= 5, `every problem listed at once: ${problems.join(' | ')}`);
    await assertAccessible(page, 'the indicator form with errors');
    await page.screenshot({ path: path.join(artifacts, 'team-indicator-form-errors.png'), fullPage: true });
    await page.fill('#name', 'Continuity of carer');
    await page.fill(
      '#definition',
      'Women seen at most appointments by a midwife they had met before, of all booked.',
    );
    await page.selectOption('#unit', '%');
    await page.check('input[name="direction"][value="higher_is_better"]');
    await page.fill('#target', '75');
    await page.fill(
      '#whyItMatters',
      'Being cared for by someone who knows your story is what makes birth feel safe.',
    );
    await page.check('input[name="visibility"][value="organisation"]');
    await Promise.all([
      page.waitForURL(new RegExp(`${teamPage}#continuity-of-carer$`)),
      page.click('#save-indicator'),
    ]);
    assert.match((await page.locator('#continuity-of-carer').textContent()) ?? '', /No values yet/);

    // Paste 24 months of the tidy template.
    await page.click('#import-values');
    assert.equal(await page.locator('h1').textContent(), 'Import values in the tidy template');
    await assertAccessible(page, 'the import form');
    await page.fill('#csv', tidyRows(team.code));
    await Promise.all([page.waitForURL(new RegExp(`${teamPage}\\?imported=24$`)), page.click('#import')]);
    assert.match((await page.locator('#imported').textContent()) ?? '', /24 values imported/);
    assert.match((await page.locator('#continuity-of-carer').textContent()) ?? '', /Organisation only · 7\d/);
    await assertAccessible(page, 'the team page');
    await page.screenshot({ path: path.join(artifacts, 'team-page.png'), fullPage: true });

    // Its chart: 24 points, and the shift read as special-cause improvement.
    await Promise.all([page.waitForURL(/\/metrics\/team\./), page.click('#continuity-of-carer h3 a')]);
    assert.equal(
      await page.locator('.tend-chart__wide svg title').first().textContent(),
      'Continuity of carer: Maternity',
    );
    const table = await page.locator('table').first().textContent();
    assert.ok(table?.includes('March 2026') || table?.includes('2026-03'), 'the latest month is charted');
    assert.match((await page.locator('main').textContent()) ?? '', /improvement/i);
    // Signals are computed after the import, for team indicators as for any series.
    assert.match((await page.locator('#signals').textContent()) ?? '', /improvement/i);
    await assertAccessible(page, 'the team indicator chart');
    await page.screenshot({ path: path.join(artifacts, 'team-indicator-chart.png'), fullPage: true });

    // The organisation's page lists it among its own measures.
    await page.goto(`${address}/organisations/RYY`);
    const measures = (await page.locator('#teams').textContent()) ?? '';
    assert.match(measures, /Continuity of carer/);
    assert.match(measures, /Maternity/);

    // Signed out, an organisation-only indicator is nowhere to be seen.
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`${address}/organisations/RYY`);
    assert.doesNotMatch((await visitor.locator('main').textContent()) ?? '', /Continuity of carer/);
    const chart = await visitor.goto(
      `${address}/organisations/${team.code}/metrics/team.${team.code}.continuity-of-carer`,
    );
    assert.equal(chart?.status(), 404);

    // The team makes it public: now everyone sees it on the organisation's page.
    await page.goto(`${address}${teamPage}`);
    await Promise.all([
      page.waitForURL(/\/edit$/),
      page.click('#continuity-of-carer a:has-text("Change it")'),
    ]);
    await assertAccessible(page, 'the change form');
    await page.check('input[name="visibility"][value="public"]');
    await Promise.all([
      page.waitForURL(new RegExp(`${teamPage}#continuity-of-carer$`)),
      page.click('#save-indicator'),
    ]);
    assert.match((await page.locator('#continuity-of-carer').textContent()) ?? '', /Public ·/);
    await visitor.goto(`${address}/organisations/RYY`);
    assert.match((await visitor.locator('#teams').textContent()) ?? '', /Continuity of carer/);
  } finally {
    await browser.close();
    await app.close();
    await store.close();
  }
});
