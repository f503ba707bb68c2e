import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { isoDay } from '../../src/app/context.ts';
import { startFollowUpScheduler } from '../../src/app/follow-ups/scheduler.ts';
import { inboxOnlyMailer } from '../../src/app/mail/mailer.ts';
import { openStore } from '../../src/store/db.ts';
import { upsertOrganisations } from '../../src/store/repos/organisation-repo.ts';
import { buildApp } from '../../src/web/app.ts';
import { assertAccessible, signInAs, signOut, watchedPage } from '../helpers/browser-walk.ts';
import { chromiumPath, chromiumSkipReason } from '../helpers/chromium.ts';
import { repoRoot } from '../helpers/paths.ts';
import { addPerson } from '../helpers/people.ts';
import { createTestDatabase } from '../helpers/test-store.ts';

/**
 * A peer review between organisations, walked in Chromium: a trust's contributor starts a peer
 * review of it, invites peers from two other trusts, is told the team needs a patient or lay member
 * before the on-site days can be confirmed, adds one and confirms them; each peer accepts and records
 * a finding or recommendation; the host publishes the report (public) and an action plan (not
 * public); a visitor reads the report but not the plan; the clock moves to the action's due date,
 * the follow-up sweep runs, and the question is in the owner's inbox, naming the action and the host.
 */

const skip = chromiumSkipReason();
const artifacts = path.join(repoRoot, 'test-artifacts');
const host = 'RYY';
const hostName = 'Kent Community Health NHS Foundation Trust';
const contributor = 'host.peer-walk@example.nhs.uk';
const peers = [
  { email: 'peer.one@example.nhs.uk', org: 'RJ1', name: 'Pat Peer' },
  { email: 'peer.two@example.nhs.uk', org: 'RTH', name: 'Sam Second' },
];
const action = 'A “you said, we did” note in every team brief';
const finding = 'Staff on every ward knew how to raise a concern.';
const recommendation = 'Tell staff what changed after each concern, within a month.';

async function submit(page: Page, button: string, url: RegExp | string): Promise<void> {
  await Promise.all([page.waitForURL(url), page.locator(button).click()]);
}

test('a trust invites two peers, they record findings, and the action plan is followed up in the owner’s inbox', {
  skip,
  timeout: 300_000,
}, async () => {
  mkdirSync(artifacts, { recursive: true });
  const database = await createTestDatabase();
  const store = await openStore({ databaseUrl: database?.url, dataDir: 'memory://' });
  await upsertOrganisations(
    store.db,
    [
      { code: host, name: hostName, kind: 'trust', authority: 'replace' },
      { code: 'RJ1', name: "Guy's and St Thomas' NHS Foundation Trust", kind: 'trust', authority: 'replace' },
      {
        code: 'RTH',
        name: 'Oxford University Hospitals NHS Foundation Trust',
        kind: 'trust',
        authority: 'replace',
      },
    ],
    'test',
  );
  let now = new Date();
  const clock = () => now;
  await addPerson(
    store,
    contributor,
    [{ role: 'contributor', scopeKind: 'organisation', scopeCode: host }],
    clock,
  );
  for (const peer of peers)
    await addPerson(
      store,
      peer.email,
      [{ role: 'member', scopeKind: 'organisation', scopeCode: peer.org }],
      clock,
    );
  const app = await buildApp({
    store,
    config: { logLevel: 'silent' },
    signInPerMinute: 1000,
    clock,
    sessionSeconds: 60 * 86_400,
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  let scheduler: Awaited<ReturnType<typeof startFollowUpScheduler>> | undefined;
  try {
    const problems: string[] = [];
    const page = await watchedPage(browser, address, problems);
    const today = isoDay(now);
    const day = (days: number) => isoDay(new Date(now.getTime() + days * 86_400_000));

    // The host starts the review: its questions and dates.
    await signInAs(page, address, contributor, '/peer-reviews/new');
    await page.locator('#title').fill('How we speak up and listen');
    await page.locator('#focus').check();
    await page.locator('#questions').fill('Do staff feel safe to speak up?\nWhat happens when they do?');
    await page.locator('#scopingBy').fill(day(7));
    await page.locator('#onSiteFrom').fill(day(21));
    await page.locator('#onSiteTo').fill(day(22));
    await assertAccessible(page, 'starting a peer review');
    await submit(page, '#create-peer-review', /\/peer-reviews\/\d+$/);
    const reviewUrl = page.url();
    const reviewPath = new URL(reviewUrl).pathname;
    assert.equal(await page.locator('#peer-review-stage').textContent(), 'Scoping');

    // Two peers from other trusts, by their Tend accounts.
    for (const peer of peers) {
      await page.locator('#name').fill(peer.name);
      await page.locator('#role').selectOption(peer === peers[0] ? 'lead' : 'clinician');
      await page.locator('#email').fill(peer.email);
      await page.locator('#memberOrg').fill(peer.org);
      await submit(page, '#add-member', reviewUrl);
    }
    // Confirming the on-site days without a patient or lay member is a field error, linked from the summary.
    await page.locator('#confirm-on-site').click();
    await page.waitForSelector('.nhsuk-error-summary');
    const summaryLink = page.locator('.nhsuk-error-summary a[href="#onSiteFrom"]');
    assert.match((await summaryLink.textContent()) ?? '', /patient or lay member/);
    await assertAccessible(page, 'the on-site days refused');
    await page.locator('#name').fill('Joan Okafor');
    await page.locator('#role').selectOption('lay');
    await submit(page, '#add-member', reviewUrl);
    await submit(page, '#confirm-on-site', reviewUrl);
    assert.equal(await page.locator('#peer-review-stage').textContent(), 'On-site days confirmed');
    assert.equal(await page.locator('#peer-team tbody tr').count(), 3);
    await signOut(page, address);

    // Each peer accepts and records what they found.
    for (const [index, peer] of peers.entries()) {
      await signInAs(page, address, peer.email, reviewPath);
      await submit(page, '#accept-invitation', reviewUrl);
      await page.getByRole('radio', { name: index === 0 ? 'Culture' : 'Integrity' }).check();
      await page.getByRole('radio', { name: index === 0 ? 'A finding' : 'A recommendation' }).check();
      await page.locator('#body').fill(index === 0 ? finding : recommendation);
      await submit(page, '#record-finding', reviewUrl);
      await signOut(page, address);
    }

    // The host publishes the report (public) and its action plan (not public), owned by themself.
    await signInAs(page, address, contributor, reviewPath);
    assert.equal(await page.locator('#peer-review-stage').textContent(), 'Findings');
    await page.locator('#summary').fill('A trust where people speak up, and want to hear back.');
    await page.locator('#publicReport').check();
    await page.locator('#action_1_description').fill(action);
    await page.locator('#action_1_owner').fill(contributor);
    await page.locator('#action_1_due').fill(day(30));
    await assertAccessible(page, 'publishing the report');
    await submit(page, '#publish-report', reviewUrl);
    assert.equal(await page.locator('#peer-review-stage').textContent(), 'Report and action plan published');
    assert.match((await page.locator('#action-plan').textContent()) ?? '', new RegExp(action.slice(4, 20)));
    await page.screenshot({ path: path.join(artifacts, 'peer-review-published.png'), fullPage: true });
    await signOut(page, address);

    // A visitor reads the report, not the action plan.
    await page.goto(reviewUrl);
    const visible = (await page.locator('main').textContent()) ?? '';
    assert.ok(visible.includes(finding) && visible.includes(recommendation), 'the report is public');
    assert.equal(await page.locator('#action-plan').count(), 0, 'the action plan is not');

    // On the action's due date the sweep asks its owner.
    now = new Date(now.getTime() + 30 * 86_400_000 + 60_000);
    scheduler = await startFollowUpScheduler(store, {
      mailer: inboxOnlyMailer,
      clock,
      databaseUrl: database?.url,
      origin: address,
      pollingIntervalSeconds: 60,
    });
    const swept = await scheduler.sweep();
    assert.equal(swept.asked.length, 1);
    await signInAs(page, address, contributor, '/inbox');
    await Promise.all([
      page.waitForURL(/\/inbox\/\d+$/),
      page.getByRole('link', { name: `How did it go with ${action}?` }).click(),
    ]);
    assert.match(
      (await page.locator('#message-body').textContent()) ?? '',
      new RegExp(`${hostName}'s peer review`),
    );
    await Promise.all([page.waitForURL(/\/follow-ups\/\d+$/), page.locator('#answer-link').click()]);
    assert.match((await page.locator('.nhsuk-caption-l').textContent()) ?? '', /peer review action plan/);
    await page.getByRole('radio', { name: 'It helped' }).check();
    await page.getByLabel('What happened').fill('Every team brief has it now.');
    await Promise.all([
      page.waitForURL(/\/follow-ups\/\d+$/),
      page.getByRole('button', { name: 'Send the answer' }).click(),
    ]);
    assert.equal(await page.locator('#follow-up-outcome').textContent(), 'It helped');
    assert.ok(today < isoDay(now));
    assert.deepEqual(problems, []);
  } finally {
    await scheduler?.stop();
    await browser.close();
    await app.close();
    await store.close();
    await database?.drop();
  }
});
