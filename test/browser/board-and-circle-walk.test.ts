import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { buildApp } from '../../src/web/app.ts';
import { assertAccessible, signInAs, signOut, watchedPage } from '../helpers/browser-walk.ts';
import { chromiumPath, chromiumSkipReason } from '../helpers/chromium.ts';
import { addCast, addTwoOrganisations, orgA, orgB } from '../helpers/narratives.ts';
import { repoRoot } from '../helpers/paths.ts';
import { openTestStore } from '../helpers/test-store.ts';

/**
 * An ethical reflection board and a confidential circle, walked in Chromium. A's administrator
 * creates a board for A through the pages (a form that lists every problem at once), adds a member
 * and makes another its chair; the member writes a commentary and sends it to the chair; the chair
 * publishes it; A's contributor replies for the organisation. Then a member of A keeps a circle with
 * B's member: records a meeting whose note carries a unique canary, and writes a journal entry with
 * it, shared into the circle. A's administrator, B's administrator and national oversight then look
 * everywhere they can — search, the circles and journal pages, the audit pages and their CSV, the
 * inbox and outbox, and the API — and the canary is nowhere.
 */

const skip = chromiumSkipReason();
const artifacts = path.join(repoRoot, 'test-artifacts');
const canary = `CANARY-WALK-${crypto.randomBytes(6).toString('hex')}`;

/** Clicks, waits for a new document (even at the same address) and checks it is at `url`. */
async function clickTo(page: Page, url: string | RegExp, selector: string): Promise<void> {
  await page.evaluate("document.documentElement.setAttribute('data-before-click', '')");
  await page.locator(selector).click();
  await page.waitForFunction("!document.documentElement.hasAttribute('data-before-click')");
  await page.waitForLoadState();
  await page.waitForURL(url);
}

test('a board commentary moderated by its chair and answered by the organisation; a circle’s note found by no one else', {
  skip,
  timeout: 300_000,
}, async () => {
  mkdirSync(artifacts, { recursive: true });
  const store = await openTestStore();
  await addTwoOrganisations(store);
  const people = await addCast(store, () => new Date(), [
    'adminA',
    'memberA',
    'contributorA',
    'facilitator',
    'adminB',
    'nationalOversight',
  ]);
  const app = await buildApp({ store, config: { logLevel: 'silent' }, signInPerMinute: 1000 });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const problems: string[] = [];
    const page = await watchedPage(browser, address, problems);

    // A's administrator creates the board and manages its members.
    await signInAs(page, address, people.adminA.email, '/boards');
    await clickTo(page, `${address}/boards/new`, '#new-board');
    await page.getByLabel('Name of the board').fill('Walk values board');
    await clickTo(page, `${address}/boards`, '#create-board');
    assert.equal(await page.locator('.nhsuk-error-summary li').count(), 1, 'the missing organisation');
    await page.getByLabel('Organisation or system').fill(orgA);
    await clickTo(page, /\/boards\/\d+\/members$/, '#create-board');
    const boardPath = new URL(page.url()).pathname.replace(/\/members$/, '');
    // An empty member form: every problem at once.
    await clickTo(page, `${address}${boardPath}/members`, '#add-member');
    const listed = await page.locator('.nhsuk-error-summary li').allTextContents();
    assert.equal(listed.length, 3, `name, role and term start: ${listed.join(' | ')}`);
    const addMember = async (name: string, role: string, userId: number) => {
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.locator(`input[name="role"][value="${role}"]`).check();
      await page.getByLabel('Tend user id (optional)').fill(String(userId));
      await page.getByLabel('They agreed to be named in public').check();
      await page.getByLabel('Term starts').fill('2020-01-01');
      await clickTo(page, `${address}${boardPath}/members`, '#add-member');
    };
    await addMember('Maya Member', 'staff', people.memberA.id);
    await addMember('Farah Chair', 'lay', people.facilitator.id);
    const chairItem = page.locator('#managed-members li', { hasText: 'Farah Chair' });
    const chairId = (await chairItem.getAttribute('id'))?.replace('member-', '');
    await clickTo(page, new RegExp(`${boardPath}/members#member-${chairId}$`), `#chair-${chairId}`);
    assert.match((await chairItem.locator('h2').textContent()) ?? '', /Farah Chair, chair/);
    // An end date before the term began is refused beside that member.
    await page.locator(`#termTo-${chairId}`).fill('2019-12-31');
    await clickTo(page, `${address}${boardPath}/members/${chairId}/end-term`, `#end-term-${chairId}`);
    assert.equal(await page.locator('.nhsuk-error-summary li').count(), 1);
    await assertAccessible(page, 'the board’s members');
    await page.screenshot({ path: path.join(artifacts, 'board-members.png'), fullPage: true });
    await signOut(page, address);

    // The member writes a commentary and sends it to the chair.
    await signInAs(page, address, people.memberA.email, boardPath);
    await clickTo(page, `${address}${boardPath}/commentary/new`, '#write-commentary');
    await page.getByLabel('What is it about?').fill('a decision');
    await page.getByLabel('Title').fill('Closing the day unit at short notice');
    await page.getByLabel('Commentary').fill('Patients heard last; living our values means asking first.');
    await clickTo(page, /\/commentary\/\d+$/, '#submit-commentary');
    const commentaryPath = new URL(page.url()).pathname;
    await signOut(page, address);

    // The chair publishes it.
    await signInAs(page, address, people.facilitator.email, commentaryPath);
    await page.getByRole('radio', { name: 'Publish it' }).check();
    await assertAccessible(page, 'moderating a commentary');
    await clickTo(page, `${address}${commentaryPath}`, '#moderate-commentary');
    await signOut(page, address);

    // A's contributor replies for the organisation.
    await signInAs(page, address, people.contributorA.email, commentaryPath);
    await page.getByLabel('Your reply').fill('We agree, and will ask the patient panel first.');
    await page.getByLabel('What we changed (optional)').fill('Closures now go to the patient panel.');
    await clickTo(page, `${address}${commentaryPath}`, '#reply-commentary');
    assert.match((await page.locator('main').textContent()) ?? '', /will ask the patient panel first/);
    await signOut(page, address);
    const published = await app.inject({ url: commentaryPath });
    assert.equal(published.statusCode, 200, 'published: public');
    assert.match(published.body, /Closures now go to the patient panel/);

    // A member of A keeps a circle with B's member: a meeting note and a shared journal entry.
    await signInAs(page, address, people.memberA.email, '/circles');
    await page.getByLabel('Name', { exact: true }).fill(`Night shift ${canary}`);
    await page.locator('input[name="whatIsKept"][value="notes"]').check();
    await page.getByLabel('Members').fill(people.memberB.email);
    await clickTo(page, /\/circles\/\d+$/, '#start-circle');
    const circlePath = new URL(page.url()).pathname;
    await page.getByLabel('Date of the meeting').fill('2026-11-30');
    await page.getByLabel('Notes (optional)').fill(`We talked about the winter. ${canary}`);
    await clickTo(page, `${address}${circlePath}#meetings`, '#record-meeting');
    await page.goto(`${address}/journal`);
    await page.getByLabel('Title').fill(`A hard week ${canary}`);
    await page.getByLabel('Entry', { exact: true }).fill(`What I could not say on the ward. ${canary}`);
    await clickTo(page, /\/journal\/\d+$/, '#save-entry');
    const entryPath = new URL(page.url()).pathname;
    await clickTo(page, `${address}${entryPath}`, '#share-entry');
    await page.goto(`${address}${circlePath}`);
    assert.ok(((await page.locator('main').textContent()) ?? '').includes(canary), 'the member reads it');
    await assertAccessible(page, 'a circle');
    await signOut(page, address);

    // Everyone else looks everywhere they can reach.
    const circleId = circlePath.split('/').at(-1);
    const entryId = entryPath.split('/').at(-1);
    for (const who of [people.adminA, people.adminB, people.nationalOversight]) {
      await signInAs(page, address, who.email, '/circles');
      assert.equal(await page.locator('#circles').count(), 0, `${who.email}: no circles listed`);
      const urls = [
        // Searching the words around the canary (the canary itself would be echoed back).
        '/organisations?q=winter',
        '/organisations?q=Night+shift',
        '/organisations?q=hard+week',
        '/api/v1/search?q=winter',
        '/api/v1/search?q=Night+shift',
        '/api/v1/search?q=could+not+say',
        '/circles',
        '/journal',
        '/inbox',
        '/outbox',
        circlePath,
        entryPath,
        '/api/v1/circles',
        '/api/v1/journal',
        `/api/v1/circles/${circleId}`,
        `/api/v1/journal/${entryId}`,
        `/organisations/${orgA}/audit`,
        `/organisations/${orgB}/audit`,
        boardPath,
        `${boardPath}/members`,
        `/api/v1/boards/${boardPath.split('/').at(-1)}`,
      ];
      for (const audit of [orgA, orgB]) {
        await page.goto(`${address}/organisations/${audit}/audit`);
        for (const href of await page
          .locator('a[download]')
          .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? '')))
          urls.push(href);
      }
      for (const url of urls) {
        const response = await page.request.get(`${address}${url}`);
        const body = await response.text();
        assert.ok(!body.includes(canary), `${who.email} found the canary at ${url}`);
        if (
          [circlePath, entryPath, `/api/v1/circles/${circleId}`, `/api/v1/journal/${entryId}`].includes(url)
        )
          assert.equal(response.status(), 404, `${who.email}: ${url} is not found`);
      }
      await page.goto(`${address}/circles`);
      await signOut(page, address);
    }
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await app.close();
    await store.close();
  }
});
