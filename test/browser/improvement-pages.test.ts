import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { askDueFollowUps } from '../../src/app/follow-ups/ask.ts';
import { importFile } from '../../src/app/import-file.ts';
import { inboxOnlyMailer } from '../../src/app/mail/mailer.ts';
import { operator } from '../../src/policies/actor.ts';
import type { Store } from '../../src/store/db.ts';
import { buildApp } from '../../src/web/app.ts';
import { assertAccessible, signInAs, watchedPage } from '../helpers/browser-walk.ts';
import { chromiumPath, chromiumSkipReason } from '../helpers/chromium.ts';
import { addCast, addTwoOrganisations, type CastMember, type CastName, orgA } from '../helpers/narratives.ts';
import { testPassword } from '../helpers/people.ts';
import { addReviewFixture } from '../helpers/reviews.ts';
import { openTestStore, resetTestStore, testBackend } from '../helpers/test-store.ts';

/**
 * The improvement directory, follow-up and escalation pages in Chromium, signed in as the roles that
 * see them: each page, and each form shown with its error summary (submitted empty), passes an axe
 * scan; each page still says what it is with JavaScript switched off; and each kind of form can be
 * filled and sent by keyboard alone. Needs Chromium at /usr/bin/chromium.
 */
const skip = chromiumSkipReason();
const clock = () => new Date('2026-11-12T10:00:00Z');
const metric = 'ae-4hr-type1';
const region = 'Y01';

/** A's monthly series of the metric: fifteen months of common-cause variation, then eight months higher. */
async function importShiftedSeries(store: Store): Promise<void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-improvement-pages-'));
  const file = path.join(folder, 'raa-shift.csv');
  const values = [70, 72, 69, 71, 70, 73, 68, 71, 70, 72, 69, 71, 70, 72, 71, 78, 79, 80, 78, 79, 80, 81, 79];
  const lines = values.map((value, index) => {
    const month = new Date(Date.UTC(2024, index, 1)).toISOString().slice(0, 7);
    return `${orgA},${metric},${month},${value},${value * 10},1000`;
  });
  fs.writeFileSync(file, ['org_code,metric_id,period,value,numerator,denominator', ...lines].join('\n'));
  try {
    const result = await importFile(store, file);
    assert.equal(result.outcome, 'imported', JSON.stringify(result));
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** The id of the focused element, or its tag when it has none. */
async function focusedId(page: Page): Promise<string> {
  // A string, not a function: Tend's TypeScript is built without the DOM library.
  return await page.evaluate(
    `(() => { const element = document.activeElement; return element ? (element.id || element.tagName.toLowerCase()) : ''; })()`,
  );
}

/** Presses Tab until the element with `id` has the focus; fails after `limit` presses. */
async function tabTo(page: Page, id: string, limit = 120): Promise<void> {
  const visited: string[] = [];
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press('Tab');
    const now = await focusedId(page);
    if (now === id) return;
    visited.push(now);
  }
  assert.fail(`Tab never reached #${id}; focus went ${visited.join(' → ')}`);
}

/** Presses Tab until a button whose text is `text` has the focus, then presses Enter on it. */
async function tabToButtonAndPress(page: Page, text: string, limit = 120): Promise<void> {
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press('Tab');
    const label: string = await page.evaluate(
      `(() => { const element = document.activeElement; return element && element.tagName === 'BUTTON' ? element.textContent.trim() : ''; })()`,
    );
    if (label === text) {
      await page.keyboard.press('Enter');
      return;
    }
  }
  assert.fail(`Tab never reached the button “${text}”`);
}

/** Opens every details block, so what is folded inside is scanned too. */
async function openDetails(page: Page): Promise<void> {
  await page.evaluate(`document.querySelectorAll('details').forEach((details) => { details.open = true; })`);
}

/** Goes to `url`, expects 200 and a first heading matching `heading`, and scans it. */
async function scan(page: Page, address: string, url: string, heading: RegExp): Promise<void> {
  const response = await page.goto(`${address}${url}`);
  assert.equal(response?.status(), 200, url);
  assert.match((await page.locator('h1').first().textContent()) ?? '', heading, url);
  await openDetails(page);
  await assertAccessible(page, url);
}

/** Presses the form's button with nothing filled in, and scans the page with its error summary. */
async function scanEmptySubmission(page: Page, button: string, what: string): Promise<string[]> {
  await page.getByRole('button', { name: button }).click();
  await page.locator('.nhsuk-error-summary').waitFor();
  await openDetails(page);
  await assertAccessible(page, `${what} with its problems`);
  const links = await page
    .locator('.nhsuk-error-summary a')
    .evaluateAll((anchors) => anchors.map((anchor) => String(anchor.getAttribute('href'))));
  for (const href of links) {
    assert.match(href, /^#/, `${what}: the error summary links to a field`);
    assert.equal(await page.locator(href).count(), 1, `${what}: ${href} names a field on the page`);
  }
  return links;
}

describe(`improvement directory, follow-up and escalation pages in a browser (${testBackend})`, {
  skip,
  timeout: 600_000,
}, () => {
  let store: Store;
  let app: FastifyInstance;
  let browser: Browser;
  let address: string;
  let people: Record<CastName, CastMember>;
  let followUpId = 0;
  let inboxId = 0;
  let escalationPath = '';
  let entryPath = '';

  before(async () => {
    store = await openTestStore();
    await resetTestStore(store);
    await addTwoOrganisations(store);
    await importShiftedSeries(store);
    people = await addCast(store, clock, ['contributorA', 'oversightRegionA', 'facilitator']);
    const review = await addReviewFixture(store, {
      orgCode: orgA,
      overseerCode: region,
      heldOn: '2026-10-01',
      followUpOn: '2026-11-12',
      agreedBy: people.oversightRegionA.id,
      actions: [
        { description: 'a discharge lounge open until 8pm', ownerUserId: people.contributorA.id },
        { description: 'a daily board round on every ward', ownerUserId: people.contributorA.id },
      ],
    });
    followUpId = review.followUpIds[0];
    await askDueFollowUps({ db: store.db, actor: operator('follow-ups'), clock }, inboxOnlyMailer);
    const message = await store.db
      .selectFrom('inbox_message')
      .select('id')
      .where('user_id', '=', people.contributorA.id)
      .where('follow_up_id', '=', followUpId)
      .executeTakeFirstOrThrow();
    inboxId = message.id;
    app = await buildApp({ store, config: { logLevel: 'silent' }, clock, signInPerMinute: 1000 });
    address = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
  });

  it('the directory pages and their forms, as an improvement facilitator, by keyboard', async () => {
    const problems: string[] = [];
    const page = await watchedPage(browser, address, problems);
    await signInAs(page, address, people.facilitator.email, '/improvement');
    await scan(page, address, '/improvement', /Who has improved what/);
    const ideaProblems = await scanEmptySubmission(page, 'Add the change idea', 'the change idea form');
    assert.ok(ideaProblems.includes('#name'), ideaProblems.join(' '));
    await scan(page, address, '/improvement/coverage', /coverage/);
    await scan(page, address, '/improvement/candidates', /Candidates/);
    await scan(page, address, `/improvement/candidates?metric=${metric}`, /Candidates/);
    await scan(page, address, '/improvement/entries/new', /./);
    const entryProblems = await scanEmptySubmission(page, 'Add the entry', 'the new entry form');
    assert.ok(entryProblems.includes('#title'), entryProblems.join(' '));

    // The whole entry by keyboard: Tab to each field and type; the metric chosen with the arrow keys.
    await page.goto(`${address}/improvement/entries/new`);
    await tabTo(page, 'org');
    await page.keyboard.type(orgA);
    await tabTo(page, 'metrics');
    const wanted = await page
      .locator(`#metrics option[value="${metric}"]`)
      .evaluate((option) => Number((option as unknown as { index: number }).index));
    const current = await page
      .locator('#metrics')
      .evaluate((select) => Number((select as unknown as { selectedIndex: number }).selectedIndex));
    for (let step = current; step < wanted; step++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('#metrics').inputValue(), metric, 'the metric chosen by keyboard');
    await tabTo(page, 'title');
    await page.keyboard.type('Streaming at the front door');
    await tabTo(page, 'what_they_did');
    await page.keyboard.type('A senior decision-maker streams every arrival within fifteen minutes.');
    await Promise.all([page.waitForNavigation(), tabToButtonAndPress(page, 'Add the entry')]);
    assert.match(
      page.url(),
      /\/improvement\/entries\/\d+$/,
      (await page.locator('.nhsuk-error-summary').allTextContents()).join(' '),
    );
    entryPath = new URL(page.url()).pathname;
    assert.equal(await page.locator('#entry-title').textContent(), 'Streaming at the front door');
    await openDetails(page);
    await assertAccessible(page, 'a new entry with its curating forms');
    const contactProblems = await scanEmptySubmission(page, 'Add the contact', 'the contact form');
    assert.ok(contactProblems.includes('#name'), contactProblems.join(' '));

    // A contact with consent, then published: the entry, and the offer of help on the metric's page.
    await page.locator('#name').fill('Robin Example');
    await page.locator('#role').fill('Matron');
    await page.locator('#email').fill('robin@example.org');
    await page.locator('#consent_scope').check();
    await page.locator('#consent_recorded_on').fill('2026-11-01');
    await page.locator('#review_by').fill('2099-01-01');
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Add the contact' }).click(),
    ]);
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Publish, freezing the chart as evidence' }).click(),
    ]);
    await scan(page, address, entryPath, /Streaming at the front door/);
    assert.match((await page.locator('#entry-state').textContent()) ?? '', /Published/);
    assert.deepEqual(await scanEmptySubmission(page, 'Record the adoption', 'the adoption form'), [
      '#org',
      '#adopted_on',
    ]);
    assert.deepEqual(await scanEmptySubmission(page, 'Withdraw the entry', 'the withdraw form'), ['#reason']);
    await scan(page, address, `/metrics/${metric}`, /A&E 4-hour/);
    assert.equal(await page.locator('#directory-entries li').count(), 1, 'the offer of help is listed');
    await scan(page, address, `/improvement?metric=${metric}`, /Who has improved what/);
    assert.deepEqual(problems, []);
  });

  it('the follow-up pages and the answer form, as the action’s owner, by keyboard', async () => {
    const problems: string[] = [];
    const page = await watchedPage(browser, address, problems);
    await signInAs(page, address, people.contributorA.email, '/inbox');
    await scan(page, address, '/inbox', /inbox/i);
    await scan(page, address, `/inbox/${inboxId}`, /How did it go with a discharge lounge/);
    await scan(page, address, '/outbox', /Outbox/);
    await scan(page, address, '/follow-through', /Follow-through/);
    for (const [url, heading] of [
      [`/organisations/${orgA}`, /Alder Community Health/],
      ['/systems/QAA', /Alder/],
      [`/regions/${region}`, /Alder Region/],
    ] as const) {
      await scan(page, address, url, heading);
      assert.equal(await page.locator('#follow-through-figures').count(), 1, `follow-through on ${url}`);
    }
    await scan(page, address, `/follow-ups/${followUpId}`, /How did it go with a discharge lounge/);
    assert.deepEqual(await scanEmptySubmission(page, 'Send the answer', 'the answer form'), [
      '#outcome',
      '#answer',
    ]);

    // The answer by keyboard: Tab into the radios, choose with the arrow keys and Space, type, Enter.
    await page.goto(`${address}/follow-ups/${followUpId}`);
    await tabTo(page, 'outcome');
    await page.keyboard.press('Space');
    await tabTo(page, 'answer');
    await page.keyboard.type('The lounge opens until 8pm on weekdays.');
    await Promise.all([
      page.waitForURL(`${address}/follow-ups/${followUpId}`),
      tabToButtonAndPress(page, 'Send the answer'),
    ]);
    await page.locator('#follow-up-outcome').waitFor();
    assert.match((await page.locator('#follow-up-answer').textContent()) ?? '', /until 8pm on weekdays/);
    await assertAccessible(page, 'an answered follow-up');
    assert.deepEqual(problems, []);
  });

  it('the escalation pages and their forms, raised by keyboard and seen by the region', async () => {
    const problems: string[] = [];
    const page = await watchedPage(browser, address, problems);
    const list = `/organisations/${orgA}/escalations`;
    await signInAs(page, address, people.contributorA.email, list);
    await scan(page, address, list, /Escalated concerns/);
    assert.deepEqual(await scanEmptySubmission(page, 'Raise the concern', 'the raise form'), [
      '#recipient',
      '#topic',
      '#title',
      '#body',
    ]);

    // Raised by keyboard: the first radio of each group with Space, the text typed, sent with Enter.
    await page.goto(`${address}${list}`);
    await tabTo(page, 'recipient');
    await page.keyboard.press('Space');
    await tabTo(page, 'topic');
    await page.keyboard.press('Space');
    await tabTo(page, 'title');
    await page.keyboard.type('Pressure ulcers in community care');
    await tabTo(page, 'body');
    await page.keyboard.type('Rising for six months; we need help from the region.');
    await Promise.all([
      page.waitForURL(/\/escalations\/\d+$/),
      tabToButtonAndPress(page, 'Raise the concern'),
    ]);
    escalationPath = new URL(page.url()).pathname;
    assert.equal(await page.locator('#escalation-state').textContent(), 'Raised');
    await assertAccessible(page, 'the raised concern');

    const overseer = await watchedPage(browser, address, problems);
    const received = `/organisations/${region}/escalations/received`;
    await signInAs(overseer, address, people.oversightRegionA.email, received);
    await scan(overseer, address, received, /Concerns escalated to Alder Region/);
    await scan(overseer, address, escalationPath, /Pressure ulcers in community care/);
    await overseer.getByRole('button', { name: 'Acknowledge' }).click();
    await overseer.locator('#escalation-state', { hasText: 'Acknowledged' }).waitFor();
    const responseProblems = await scanEmptySubmission(overseer, 'Send the response', 'the response form');
    assert.equal(responseProblems.length, 1, responseProblems.join(' '));
    assert.deepEqual(problems, []);
  });

  it('every page says what it is and its forms work with JavaScript switched off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const signIn = async (who: CastMember, returnTo: string) => {
        await context.clearCookies();
        await page.goto(`${address}/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
        await page.getByLabel('Email address').fill(who.email);
        await page.getByRole('textbox', { name: 'Password' }).fill(testPassword);
        await Promise.all([
          page.waitForURL(`${address}${returnTo}`),
          page.getByRole('button', { name: 'Sign in' }).click(),
        ]);
      };
      const visit = async (who: CastMember, urls: [string, RegExp][]) => {
        await signIn(who, urls[0][0]);
        for (const [url, heading] of urls) {
          const response = await page.goto(`${address}${url}`);
          assert.equal(response?.status(), 200, url);
          assert.match((await page.locator('h1').first().textContent()) ?? '', heading, url);
        }
      };
      await visit(people.facilitator, [
        ['/improvement', /Who has improved what/],
        ['/improvement/coverage', /coverage/],
        [`/improvement/candidates?metric=${metric}`, /Candidates/],
        [entryPath, /Streaming at the front door/],
      ]);
      await visit(people.contributorA, [
        ['/inbox', /inbox/i],
        [`/inbox/${inboxId}`, /How did it go/],
        ['/outbox', /Outbox/],
        ['/follow-through', /Follow-through/],
        [`/follow-ups/${followUpId}`, /How did it go/],
        [escalationPath, /Pressure ulcers/],
      ]);
      await visit(people.oversightRegionA, [[`/organisations/${region}/escalations/received`, /Concerns/]]);

      // A form sent without JavaScript: the contributor's second follow-up answered.
      await signIn(people.contributorA, '/inbox');
      await Promise.all([
        page.waitForURL(/\/inbox\/\d+$/),
        page.getByRole('link', { name: /a daily board round/ }).click(),
      ]);
      await Promise.all([page.waitForURL(/\/follow-ups\/\d+$/), page.locator('#answer-link').click()]);
      await page.getByRole('button', { name: 'Send the answer' }).click();
      await page.locator('.nhsuk-error-summary').waitFor();
      await page.locator('#outcome').check();
      await page.getByLabel('What happened').fill('Every ward holds one before 10am.');
      await page.getByRole('button', { name: 'Send the answer' }).click();
      await page.locator('#follow-up-outcome').waitFor();
      assert.match((await page.locator('#follow-up-answer').textContent()) ?? '', /before 10am/);
    } finally {
      await context.close();
    }
  });
});
