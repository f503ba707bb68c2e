import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import { isoDay } from '../../src/app/context.ts';
import { createDemoDirectory } from '../../src/app/directory/demo.ts';
import { startFollowUpScheduler } from '../../src/app/follow-ups/scheduler.ts';
import { importFile } from '../../src/app/import-file.ts';
import { smtpMailer } from '../../src/app/mail/mailer.ts';
import { computeSignals } from '../../src/app/signals/compute.ts';
import { defaultFollowUpDays } from '../../src/domain/improvement.ts';
import { operator } from '../../src/policies/actor.ts';
import { openStore } from '../../src/store/db.ts';
import { organisationContext } from '../../src/store/repos/organisation-repo.ts';
import { upsertSignalEpisodes } from '../../src/store/repos/signal-repo.ts';
import { buildApp } from '../../src/web/app.ts';
import { assertAccessible, signInAs, signOut, watchedPage } from '../helpers/browser-walk.ts';
import { chromiumPath, chromiumSkipReason } from '../helpers/chromium.ts';
import { webTestFiles } from '../helpers/loaded-store.ts';
import { repoRoot } from '../helpers/paths.ts';
import { addPerson } from '../helpers/people.ts';
import { startSmtpServer } from '../helpers/smtp.ts';
import { createTestDatabase } from '../helpers/test-store.ts';

/**
 * One whole review cycle, walked in Chromium: oversight of a trust's region opens the review pack of
 * a trust with a concern — three offers of help with contacts and change ideas — records the meeting
 * with two agreed actions and a follow-up in six weeks; the clock moves six weeks; the follow-up
 * schedule (pg-boss) asks, and the email arrives at an SMTP server started here, read back with
 * mailparser; the question is in the trust contributor's inbox; the contributor answers "partly"; the
 * follow-through figures on the trust's, its ICB's and its region's pages change accordingly.
 */

const skip = chromiumSkipReason();
const artifacts = path.join(repoRoot, 'test-artifacts');
const overseer = 'oversight.cycle@example.nhs.uk';
const contributor = 'contributor.cycle@example.nhs.uk';
const firstAction = 'A discharge lounge open until 8pm, as the trusts that improved did';
const secondAction = 'A daily board round on every ward before 10am';

/** The follow-through lines of a page as "part/whole". */
async function followThroughOf(app: FastifyInstance, url: string): Promise<string[]> {
  const response = await app.inject({ url });
  assert.equal(response.statusCode, 200, url);
  return [...response.body.matchAll(/data-part="(\d+)" data-whole="(\d+)"/g)].map(
    (match) => `${match[1]}/${match[2]}`,
  );
}

test('a review with help on offer, its follow-up six weeks on by email and inbox, the answer, and follow-through', {
  skip,
  timeout: 600_000,
}, async () => {
  mkdirSync(artifacts, { recursive: true });
  // The store on its own database (on PostgreSQL, pg-boss keeps a pool of its own there), loaded
  // as openLoadedStore loads one.
  const database = await createTestDatabase();
  const store = await openStore({ databaseUrl: database?.url, dataDir: 'memory://' });
  for (const file of webTestFiles)
    assert.equal((await importFile(store, file, { computeSignals: false })).outcome, 'imported', file);
  await computeSignals(store.db, () => new Date());
  let now = new Date();
  const clock = () => now;
  // The directory's examples: published entries with contacts and change ideas for a trust's concern.
  const { focus } = await createDemoDirectory({ db: store.db, actor: operator('demo'), clock });
  const trust = focus.orgCode;
  // The trust's concern on that metric, as the signals' computation writes one: at its latest points.
  const latest = await store.db
    .selectFrom('observation')
    .select(['period_start', 'value'])
    .where('org_code', '=', trust)
    .where('metric_id', '=', focus.metricId)
    .orderBy('period_start', 'desc')
    .limit(3)
    .execute();
  assert.ok(latest.length === 3, `${trust} reports ${focus.metricId}`);
  await upsertSignalEpisodes(
    store.db,
    [
      {
        orgCode: trust,
        metricId: focus.metricId,
        kind: 'concern',
        firstDate: latest[2].period_start,
        latestDate: latest[0].period_start,
        points: 3,
        latestValue: latest[0].value,
        detail: 'Two of three points near the lower process limit.',
      },
    ],
    now,
  );
  const context = await organisationContext(store.db, trust);
  assert.ok(context?.regionCodes.length && context.icbCodes.length, `${trust} sits in an ICB and a region`);
  const [region] = context.regionCodes;
  const [icb] = context.icbCodes;
  await addPerson(store, overseer, [{ role: 'oversight', scopeKind: 'region', scopeCode: region }], clock);
  await addPerson(
    store,
    contributor,
    [{ role: 'contributor', scopeKind: 'organisation', scopeCode: trust }],
    clock,
  );

  const smtp = await startSmtpServer();
  // Sessions outlast the six weeks the clock moves on (their cookies expire by the system clock).
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
    const reviews = `/organisations/${trust}/reviews`;

    // Oversight of the region plans the review and opens its pack.
    await signInAs(page, address, overseer, reviews);
    await page.getByLabel('Quarter').fill('Q3 2026/27');
    await page.locator(`input[name="overseer"][value="${region}"]`).check();
    await Promise.all([page.waitForURL(/\/reviews\/\d+$/), page.locator('#plan-review').click()]);
    const reviewPath = new URL(page.url()).pathname;
    await Promise.all([page.waitForURL(/\/pack$/), page.locator('#pack-link').click()]);
    const concern = page.locator(`#concern-${focus.metricId}`);
    assert.equal(await concern.count(), 1, `the pack shows the concern on ${focus.metricId}`);
    const offers = concern.locator('li.tend-offer');
    assert.equal(await offers.count(), 3, 'three offers of help');
    for (let index = 0; index < 3; index++) {
      const text = (await offers.nth(index).textContent()) ?? '';
      assert.match(text, /Change ideas: /, `offer ${index + 1} has change ideas`);
    }
    assert.ok(
      (await concern.locator('a[href^="mailto:"]').count()) >= 1,
      'a contact’s email shows to a signed-in reader',
    );
    await assertAccessible(page, 'the review pack');
    await page.screenshot({ path: path.join(artifacts, 'review-cycle-pack.png'), fullPage: true });

    // The meeting: two offers made and accepted, two agreed actions, the follow-up in six weeks.
    await page.goto(`${address}${reviewPath}`);
    const today = isoDay(now);
    await page.getByLabel('Held on').fill(today);
    await page.getByLabel('Notes').fill('Talked through the A&E concern and the help on offer.');
    for (const index of [1, 2]) {
      await page.locator(`#offer-${index}-made`).check();
      await page.locator(`#offer-${index}-accepted`).check();
    }
    // Two agreed actions, owned by the trust's contributor, due by the follow-up date; the follow-up
    // date left empty: six weeks after the meeting.
    const due = isoDay(new Date(now.getTime() + defaultFollowUpDays * 86_400_000));
    for (const [row, description] of [
      [1, firstAction],
      [2, secondAction],
    ] as const) {
      await page.locator(`#action_${row}_description`).fill(description);
      await page.locator(`#action_${row}_owner_email`).fill(contributor);
      await page.locator(`#action_${row}_due`).fill(due);
    }
    await assertAccessible(page, 'recording the meeting');
    await Promise.all([page.waitForURL(`${address}${reviewPath}`), page.locator('#record-meeting').click()]);
    assert.equal(await page.locator('#action-list > li').count(), 2, 'two agreed actions');
    assert.equal(await page.locator('#review-state').textContent(), 'Held');
    assert.equal(await page.locator('#follow-up-on').textContent(), due, 'six weeks on by default');
    await signOut(page, address);

    const pages = [`/organisations/${trust}`, `/systems/${icb}`, `/regions/${region}`];
    const before = await Promise.all(pages.map((url) => followThroughOf(app, url)));
    for (const figures of before)
      assert.deepEqual(figures, ['0/0', '2/2', '0/0', '0/0'], 'offers taken up; nothing due yet');

    // Six weeks on: the schedule asks, and the email arrives.
    now = new Date(now.getTime() + defaultFollowUpDays * 86_400_000 + 60_000);
    scheduler = await startFollowUpScheduler(store, {
      mailer: smtpMailer(smtp.url, 'tend@example.org'),
      clock,
      databaseUrl: database?.url,
      origin: address,
      pollingIntervalSeconds: 0.5,
    });
    // Two actions, each asked of its owner and of the overseer who agreed the review.
    const mails = await smtp.waitFor(4, 30_000);
    const toContributor = mails.filter(
      (mail) => mail.to && !Array.isArray(mail.to) && mail.to.text === contributor,
    );
    assert.deepEqual(
      toContributor.map((mail) => mail.subject).sort(),
      [`How did it go with ${firstAction}?`, `How did it go with ${secondAction}?`].sort(),
    );
    const email = toContributor.find((mail) => mail.subject?.includes(firstAction));
    assert.match(email?.text ?? '', /Do you need any help to use their suggestions\?/);
    const link = /(http:\/\/127\.0\.0\.1:\d+\/follow-ups\/\d+)/.exec(email?.text ?? '')?.[1];
    assert.ok(link, 'the email links to the follow-up');

    // The contributor finds the question in the inbox and answers "partly".
    // The contributor, in a browser of their own.
    const trustPage = await watchedPage(browser, address, problems);
    await signInAs(trustPage, address, contributor, '/inbox');
    assert.equal(await trustPage.getByRole('link', { name: 'Inbox (2 unread)' }).count(), 1);
    await assertAccessible(trustPage, 'the inbox');
    await Promise.all([
      trustPage.waitForURL(/\/inbox\/\d+$/),
      trustPage.getByRole('link', { name: `How did it go with ${firstAction}?` }).click(),
    ]);
    await Promise.all([trustPage.waitForURL(link), trustPage.locator('#answer-link').click()]);
    await trustPage.getByRole('radio', { name: 'It partly helped' }).check();
    await trustPage
      .getByLabel('What happened')
      .fill('The lounge opens until 8pm on weekdays; we would like help with weekends.');
    await assertAccessible(trustPage, 'the answer form');
    await Promise.all([
      trustPage.waitForURL(link),
      trustPage.getByRole('button', { name: 'Send the answer' }).click(),
    ]);
    assert.equal(await trustPage.locator('#follow-up-outcome').textContent(), 'It partly helped');
    await trustPage.screenshot({ path: path.join(artifacts, 'review-cycle-answer.png'), fullPage: true });
    await signOut(trustPage, address);

    // Follow-through on the trust's, its ICB's and its region's pages: both follow-ups asked on time,
    // one answered, neither action marked done yet.
    const afterwards = await Promise.all(pages.map((url) => followThroughOf(app, url)));
    for (const figures of afterwards) assert.deepEqual(figures, ['0/2', '2/2', '1/2', '2/2']);
    assert.deepEqual(problems, []);
  } finally {
    await scheduler?.stop();
    await browser.close();
    await app.close();
    await smtp.close();
    await store.close();
    await database?.drop();
  }
});
