import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTend } from '../../test/helpers/cli.ts';
import { addTwoTrusts, openStoreOf } from '../../test/helpers/people-store.ts';
import { addReviewFixture } from '../../test/helpers/reviews.ts';
import { tendStoreArgs, testBackend } from '../../test/helpers/test-store.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-follow-ups-'));
const testStore = await tendStoreArgs(path.join(scratch, 'db'));
const store = testStore.args;

describe(`tend follow-ups due (${testBackend})`, () => {
  let followUpIds: number[];
  before(async () => {
    const opened = await openStoreOf(store);
    try {
      await addTwoTrusts(opened);
      ({ followUpIds } = await addReviewFixture(opened, {
        orgCode: 'RYY',
        overseerCode: 'Y59',
        heldOn: '2026-10-01',
        followUpOn: '2026-11-12',
        agreedBy: null,
        actions: [
          { description: 'a discharge lounge, open until 8pm' },
          { description: 'a daily board round' },
        ],
      }));
    } finally {
      await opened.close();
    }
  });
  after(async () => {
    await testStore.drop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('lists the follow-ups due by --now as text, JSON and CSV, and none the day before', async () => {
    const json = await runTend([...store, 'follow-ups', 'due', '--now', '2026-11-12', '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout);
    assert.equal(parsed.dueBy, '2026-11-12');
    assert.deepEqual(
      parsed.followUps.map((each: { id: number; organisation: string; state: string }) => [
        each.id,
        each.organisation,
        each.state,
      ]),
      followUpIds.map((id) => [id, 'RYY', 'scheduled']),
    );
    const csv = await runTend([...store, 'follow-ups', 'due', '--now', '2026-11-12', '--format', 'csv']);
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.trim().split(/\r?\n/);
    assert.equal(lines[0], 'id,due_on,state,organisation,overseer,action,owner,asked_at');
    assert.equal(lines.length, 3);
    assert.match(lines[1], /"a discharge lounge, open until 8pm"/);
    const none = await runTend([...store, 'follow-ups', 'due', '--now', '2026-11-11']);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /No follow-ups are due by 2026-11-11\./);
    const bad = await runTend([...store, 'follow-ups', 'due', '--now', 'soon']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /invalid --now/);
  });
});
