import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import {
  addCast,
  addTwoOrganisations,
  type CastMember,
  type CastName,
} from '../../../test/helpers/narratives.ts';
import { openTestStore, testBackend } from '../../../test/helpers/test-store.ts';
import type { Actor } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { roleBypassesRowSecurity } from '../../store/row-security.ts';
import type { Database } from '../../store/tables.ts';
import type { UseCaseContext } from '../context.ts';
import { getCircle, getJournalEntry, myCircles, myJournal } from './read.ts';
import {
  addCircleMember,
  createCircle,
  recordCircleMeeting,
  removeCircleMember,
  shareJournalEntry,
  writeJournalEntry,
} from './write.ts';

/**
 * Row-level security on the circle and journal tables, exercised as an ordinary role (neither
 * superuser nor BYPASSRLS, as Tend should connect): the use cases work under it, and a raw query
 * that forgets the circle scope answers nothing without the viewer setting, or with a non-member's.
 */

const at = new Date('2026-12-03T10:00:00Z');
const clock = () => at;
const canary = `ROWSEC-${crypto.randomBytes(4).toString('hex')}`;
const tables = ['circle', 'circle_member', 'circle_meeting', 'journal_entry'] as const;

describe(`row security on circles and journals (${testBackend})`, () => {
  let store: Store;
  let people: Record<CastName, CastMember>;
  const role = `tend_rls_${crypto.randomBytes(4).toString('hex')}`;

  before(async () => {
    store = await openTestStore();
    await addTwoOrganisations(store);
    people = await addCast(store, clock);
    await sql`create role ${sql.id(role)} nologin nosuperuser nobypassrls`.execute(store.db);
    await sql`grant usage on schema public to ${sql.id(role)}`.execute(store.db);
    await sql`grant select, insert, update, delete on all tables in schema public to ${sql.id(role)}`.execute(
      store.db,
    );
    await sql`grant usage, select on all sequences in schema public to ${sql.id(role)}`.execute(store.db);
  });
  after(async () => {
    await sql`drop owned by ${sql.id(role)}`.execute(store.db);
    await sql`drop role ${sql.id(role)}`.execute(store.db);
    await store.close();
  });

  /** Runs `work` on one connection acting as the ordinary role, then back as the store's own. */
  async function asOrdinaryRole<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return store.session(async (db) => {
      await sql`set role ${sql.id(role)}`.execute(db);
      try {
        const [{ rolsuper, rolbypassrls }] = (
          await sql<{ rolsuper: boolean; rolbypassrls: boolean }>`
            select rolsuper, rolbypassrls from pg_roles where rolname = current_user`.execute(db)
        ).rows;
        assert.deepEqual({ rolsuper, rolbypassrls }, { rolsuper: false, rolbypassrls: false });
        return await work(db);
      } finally {
        await sql`reset role`.execute(db);
      }
    });
  }

  /** Every row of the four tables a raw query sees, counted, optionally as a viewer. */
  async function rawCounts(db: Kysely<Database>, viewer?: number): Promise<Record<string, number>> {
    return db.transaction().execute(async (trx) => {
      if (viewer !== undefined)
        await sql`select set_config('tend.viewer_user_id', ${String(viewer)}, true)`.execute(trx);
      const counts: Record<string, number> = {};
      for (const table of tables) {
        const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(trx);
        counts[table] = rows.length;
        assert.ok(!JSON.stringify(rows).includes(canary), `${table} showed the canary`);
      }
      return counts;
    });
  }

  it('lets members use their circles and journals, and shows a forgetful query nothing', async () => {
    const context = (db: Kysely<Database>, actor: Actor): UseCaseContext => ({ db, actor, clock });
    const none = { circle: 0, circle_member: 0, circle_meeting: 0, journal_entry: 0 };

    const { circleId, entryId } = await asOrdinaryRole(async (db) => {
      const founder = context(db, people.contributorA.actor);
      const circle = await createCircle(founder, {
        name: 'Rows circle',
        whatIsKept: 'notes',
        members: [people.memberB.email, people.adminB.email],
      });
      await recordCircleMeeting(context(db, people.memberB.actor), circle.id, {
        metOn: '2026-12-01',
        themes: 'Sleep',
        notes: `Winter notes ${canary}`,
      });
      await removeCircleMember(founder, circle.id, { userId: people.adminB.id });
      await addCircleMember(founder, circle.id, { email: people.memberA.email });
      const entry = await writeJournalEntry(context(db, people.memberB.actor), {
        title: 'A hard week',
        body: `Reflection ${canary}`,
      });
      await shareJournalEntry(context(db, people.memberB.actor), entry.id, { circle: circle.id });
      await writeJournalEntry(context(db, people.memberB.actor), {
        title: 'Private',
        body: `Mine ${canary}`,
      });

      const seen = await getCircle(context(db, people.memberA.actor), circle.id);
      assert.deepEqual(
        seen.members.map((each) => each.user_id).sort(),
        [people.contributorA.id, people.memberB.id, people.memberA.id].sort(),
      );
      assert.equal(seen.meetings.length, 1);
      assert.deepEqual(
        seen.sharedEntries.map((each) => each.id),
        [entry.id],
      );
      assert.equal(
        (await getJournalEntry(context(db, people.contributorA.actor), entry.id)).entry.id,
        entry.id,
      );
      assert.equal((await myJournal(context(db, people.memberB.actor))).length, 2);
      assert.deepEqual(await myCircles(context(db, people.adminB.actor)), []);
      return { circleId: circle.id, entryId: entry.id };
    });

    await asOrdinaryRole(async (db) => {
      assert.deepEqual(await rawCounts(db), none, 'no viewer set');
      assert.deepEqual(await rawCounts(db, people.nationalOversight.id), none, 'oversight');
      assert.deepEqual(await rawCounts(db, people.adminA.id), none, 'an administrator');
      // A removed member sees only that they were once a member, nothing of what was kept.
      assert.deepEqual(
        await rawCounts(db, people.adminB.id),
        { ...none, circle_member: 1 },
        'a removed member',
      );
      // The author of a shared entry who is a member: the circle, its rows, both their entries.
      assert.deepEqual(
        await db.transaction().execute(async (trx) => {
          await sql`select set_config('tend.viewer_user_id', ${String(people.memberB.id)}, true)`.execute(
            trx,
          );
          const circles = await sql`select id from circle`.execute(trx);
          const entries = await sql`select id from journal_entry`.execute(trx);
          return { circles: circles.rows.length, entries: entries.rows.length };
        }),
        { circles: 1, entries: 2 },
      );
      // The setting ends with its transaction.
      assert.deepEqual(await rawCounts(db), none, 'after the transaction');
      // A write that bypasses the use cases is refused for a non-member.
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await sql`select set_config('tend.viewer_user_id', ${String(people.adminA.id)}, true)`.execute(trx);
          await sql`insert into circle_meeting (circle_id, met_on, kept) values (${circleId}, '2026-12-02', 'dates')`.execute(
            trx,
          );
        }),
        /row-level security/,
      );
    });

    // The store's own connection (as in tests and backups) still sees every row.
    const all = await sql<{
      n: number;
    }>`select count(*)::int as n from journal_entry where id = ${entryId}`.execute(store.db);
    assert.equal(all.rows[0]?.n, 1);
  });

  it('answers the maintenance setting with every row, for backup and restore', async () => {
    const counts = await asOrdinaryRole((db) =>
      db.transaction().execute(async (trx) => {
        await sql`select set_config('tend.row_access', 'all', true)`.execute(trx);
        const result: Record<string, number> = {};
        for (const table of tables) {
          const { rows } = await sql`select * from ${sql.table(table)}`.execute(trx);
          result[table] = rows.length;
        }
        return result;
      }),
    );
    assert.deepEqual(counts, { circle: 1, circle_member: 4, circle_meeting: 1, journal_entry: 2 });
  });

  it('tells a role that escapes row security (the warning at start) from one that does not', async () => {
    assert.equal(await roleBypassesRowSecurity(store.db), true, 'the test stores connect as a superuser');
    assert.equal(await asOrdinaryRole((db) => roleBypassesRowSecurity(db)), false);
  });
});
