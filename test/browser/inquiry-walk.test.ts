import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { openInquiry } from '../../src/app/inquiries/write.ts';
import { operator } from '../../src/policies/actor.ts';
import { organisationContext } from '../../src/store/repos/organisation-repo.ts';
import { signalById } from '../../src/store/repos/signal-repo.ts';
import { buildApp } from '../../src/web/app.ts';
import { assertAccessible, signInAs, signOut, watchedPage } from '../helpers/browser-walk.ts';
import { chromiumPath, chromiumSkipReason } from '../helpers/chromium.ts';
import { openLoadedStore, webTestFiles } from '../helpers/loaded-store.ts';
import { repoRoot } from '../helpers/paths.ts';
import { addPerson } from '../helpers/people.ts';

/**
 * From a concern to a closed inquiry, walked in Chromium: oversight of a trust's region sees a
 * concern on the trust's A&E chart and invites the trust into an inquiry; the trust's contributor
 * accepts, answers the access-and-flow prompts, tags a factor to the system's ICB, agrees an action
 * and closes it as outside the trust's control; the factor shows on the ICB's system page as a shared
 * issue; a visitor signed out reads the inquiry but not the forms, and not an organisation-only
 * inquiry of the same trust. axe-core scans the invitation form, the inquiry and the system page.
 */

const skip = chromiumSkipReason();
const artifacts = path.join(repoRoot, 'test-artifacts');
const overseer = 'oversight.walk@example.nhs.uk';
const contributor = 'contributor.walk@example.nhs.uk';
const factorText = 'Packages of home care take nine days to start after a patient is ready to leave';
const privateTitle = 'Rota gaps we are not ready to share - MARMOT-5521';

test('oversight invites a trust into an inquiry from a concern; the trust takes it to a close', {
  skip,
  timeout: 300_000,
}, async () => {
  mkdirSync(artifacts, { recursive: true });
  const store = await openLoadedStore(webTestFiles);
  // The trust: the first (RJ1 if it has one) whose A&E chart has an open concern and that sits in an ICB and a region.
  const concerns = await store.db
    .selectFrom('signal')
    .select(['id', 'org_code', 'metric_id'])
    .where('kind', '=', 'concern')
    .where('closed_at', 'is', null)
    .where('metric_id', 'like', 'ae-4hr-%')
    .orderBy('org_code')
    .execute();
  concerns.sort((a, b) => Number(b.org_code === 'RJ1') - Number(a.org_code === 'RJ1'));
  let concern: (typeof concerns)[number] | undefined;
  let context: Awaited<ReturnType<typeof organisationContext>>;
  for (const candidate of concerns) {
    context = await organisationContext(store.db, candidate.org_code);
    if (context?.regionCodes.length && context.icbCodes.length) {
      concern = candidate;
      break;
    }
  }
  assert.ok(concern && context, 'the loaded A&E data has an open concern at a trust in an ICB and a region');
  const trust = concern.org_code;
  const icb = context.icbCodes[0];
  const chart = `/organisations/${trust}/metrics/${concern.metric_id}`;
  await addPerson(store, overseer, [
    { role: 'oversight', scopeKind: 'region', scopeCode: context.regionCodes[0] },
  ]);
  await addPerson(store, contributor, [{ role: 'contributor', scopeKind: 'organisation', scopeCode: trust }]);
  await openInquiry(
    { db: store.db, actor: operator('test'), clock: () => new Date() },
    { org: trust, title: privateTitle, visibility: 'organisation', domain: 'workforce' },
  );
  const app = await buildApp({ store, config: { logLevel: 'silent' }, signInPerMinute: 1000 });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const problems: string[] = [];
    const page = await watchedPage(browser, address, problems);

    // Oversight sees the concern on the chart and invites the trust.
    await signInAs(page, address, overseer, chart);
    assert.ok(
      (await page.locator('#signals').textContent())?.includes('Concern'),
      'the chart shows its concern',
    );
    await page.getByRole('link', { name: 'Invite the organisation into an inquiry' }).click();
    await page.waitForURL(/\/inquiries\/invite\?/);
    assert.equal(await page.locator('input[name="signal"]').inputValue(), String(concern.id));
    await page.getByLabel('Title').fill('Four-hour waits since the summer');
    await page
      .getByLabel('Why are you inviting them? (optional)')
      .fill('The chart shows special cause at its latest point.');
    await page.getByRole('radio', { name: 'Public' }).check();
    await assertAccessible(page, 'the invitation form');
    await page.screenshot({ path: path.join(artifacts, 'inquiry-walk-invite.png'), fullPage: true });
    await Promise.all([
      page.waitForURL(/\/inquiries\/\d+$/),
      page.getByRole('button', { name: 'Send the invitation' }).click(),
    ]);
    const inquiryPath = new URL(page.url()).pathname;
    assert.equal(await page.locator('#inquiry-state').textContent(), 'Invited');
    assert.equal(
      await page.locator('#accept-invitation').count(),
      0,
      'oversight does not accept for the trust',
    );
    await signOut(page, address);

    // The trust's contributor accepts and works through the access-and-flow prompts.
    await signInAs(page, address, contributor, inquiryPath);
    await Promise.all([
      page.waitForURL(`${address}${inquiryPath}`),
      page.getByRole('button', { name: 'Accept the invitation' }).click(),
    ]);
    assert.equal(await page.locator('#inquiry-state').textContent(), 'Opened');
    assert.equal((await signalById(store.db, concern.id))?.status, 'inquiry_opened');
    await page
      .getByLabel('What sits with system partners?')
      .fill('Home care packages and evening GP access.');
    await page.getByLabel('What sits with us?').fill('One streaming nurse in the evening.');
    await page.getByLabel('What we learned').fill('Most of the wait is for care outside the hospital.');
    await Promise.all([
      page.waitForURL(`${address}${inquiryPath}#prompts`),
      page.getByRole('button', { name: 'Save answers' }).click(),
    ]);
    await page.getByRole('textbox', { name: 'Contributing factor', exact: true }).fill(factorText);
    await page.getByRole('radio', { name: 'With a system partner' }).check();
    await page.getByLabel('Which partner?', { exact: true }).fill(icb);
    await Promise.all([
      page.waitForURL(`${address}${inquiryPath}#factors`),
      page.getByRole('button', { name: 'Add the factor' }).click(),
    ]);
    assert.ok((await page.locator('#factor-list').textContent())?.includes(factorText));
    await page
      .getByLabel('Action', { exact: true })
      .fill('A second streaming nurse from 4pm, for three months');
    await page.getByLabel('Owner').fill('Head of nursing, urgent care');
    await page.getByLabel('Due (optional)').fill('2027-03-31');
    await Promise.all([
      page.waitForURL(`${address}${inquiryPath}#actions`),
      page.getByRole('button', { name: 'Agree the action' }).click(),
    ]);
    await page.getByRole('radio', { name: /Outside our control/ }).check();
    await page.getByLabel('Passed to which partner?').fill('Local authority adult social care');
    const followUp = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('When should someone follow up?').fill(followUp);
    await Promise.all([
      page.waitForURL(`${address}${inquiryPath}#close`),
      page.getByRole('button', { name: 'Close the inquiry' }).click(),
    ]);
    assert.equal(await page.locator('#inquiry-state').textContent(), 'Closed');
    assert.match((await page.locator('#closing-reason').textContent()) ?? '', /Outside our control/);
    assert.equal((await signalById(store.db, concern.id))?.status, 'closed');
    await assertAccessible(page, 'the closed inquiry');
    await page.screenshot({ path: path.join(artifacts, 'inquiry-walk-closed.png'), fullPage: true });

    // The factor is the system's shared issue.
    await page.goto(`${address}/systems/${icb}`);
    assert.ok((await page.locator('#shared-issues').textContent())?.includes(factorText));
    await assertAccessible(page, 'the system page');
    await signOut(page, address);

    // A visitor signed out reads the public inquiry, without its forms, and nothing private.
    await page.goto(`${address}${inquiryPath}`);
    assert.equal(await page.locator('h1').textContent(), 'Four-hour waits since the summer');
    assert.ok((await page.locator('#factor-list').textContent())?.includes(factorText));
    assert.equal(await page.locator('main form').count(), 0, 'no forms for a visitor');
    assert.ok(
      (await page.locator('#answers').textContent())?.includes('One streaming nurse in the evening.'),
    );
    await page.goto(`${address}/organisations/${trust}/inquiries`);
    const list = (await page.locator('main').textContent()) ?? '';
    assert.ok(list.includes('Four-hour waits since the summer'));
    assert.ok(!list.includes('MARMOT-5521'), 'the organisation-only inquiry stays private');
    await page.goto(`${address}/systems/${icb}`);
    assert.ok((await page.locator('#shared-issues').textContent())?.includes(factorText));
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await app.close();
    await store.close();
  }
});
