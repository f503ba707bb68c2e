import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import type { NodeResult } from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { testPassword } from './people.ts';

/**
 * What a browser walk needs: a page that records errors and CSP violations, signing in and out
 * through the forms, and an axe-core scan that must find nothing.
 */

/**
 * The one finding let through: nhsuk-frontend (like GOV.UK Frontend, alphagov/govuk-frontend#979)
 * marks a radio that reveals a question with `aria-expanded`, which screen readers announce although
 * ARIA 1.2 does not list it for radios. Only that attribute, only on such a radio, is excused.
 */
function isConditionalRevealRadio(id: string, node: NodeResult): boolean {
  if (id !== 'aria-allowed-attr' || !/type="radio"/.test(node.html) || !/aria-controls="/.test(node.html))
    return false;
  const flagged = [...node.all, ...node.any, ...node.none].flatMap((check) =>
    Array.isArray(check.data) ? check.data : [check.data],
  );
  return (
    flagged.length > 0 &&
    flagged.every((attribute) => /^aria-expanded="(true|false)"$/.test(String(attribute)))
  );
}

/** Scans the page with axe-core and fails on any violation. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const violations = results.violations
    .map((violation) => ({
      ...violation,
      nodes: violation.nodes.filter((node) => !isConditionalRevealRadio(violation.id, node)),
    }))
    .filter((violation) => violation.nodes.length > 0)
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
  assert.deepEqual(violations, [], `axe violations on ${what}`);
}

/** Signs in through the form and waits to land on `returnTo`. */
export async function signInAs(page: Page, address: string, email: string, returnTo: string): Promise<void> {
  await page.goto(`${address}/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(testPassword);
  await Promise.all([
    page.waitForURL(`${address}${returnTo}`),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
}

/** Signs out with the header's button. */
export async function signOut(page: Page, address: string): Promise<void> {
  await Promise.all([page.waitForURL(`${address}/`), page.getByRole('button', { name: 'Sign out' }).click()]);
  assert.equal(await page.getByRole('link', { name: 'Sign in' }).count(), 1, 'signed out');
}

/** A page that records every error and Content-Security-Policy violation it meets in `problems`. */
export async function watchedPage(browser: Browser, address: string, problems: string[]): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', async (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`${response.url()}: ${response.status()}`);
  });
  // A request cut short by the next navigation (ERR_ABORTED) is no fault of Tend's.
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? '';
    if (request.url().startsWith(address) && reason !== 'net::ERR_ABORTED')
      problems.push(`${request.url()}: ${reason}`);
  });
  await page.exposeFunction('reportViolation', (text: string) => problems.push(`CSP: ${text}`));
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (event) => {
    window.reportViolation(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline'));
  });`);
  return page;
}
