import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { dataDir } from '../../test/helpers/paths.ts';
import { resetStore, storeBackends } from '../../test/helpers/store.ts';
import { importFile } from '../app/import-file.ts';
import { storeStatus } from '../app/status.ts';
import { migrateToLatest, type Store } from './db.ts';
import { membershipsOf } from './repos/organisation-repo.ts';

const etr = path.join(dataDir, 'ods-trusts-2025', 'etr.csv');
const lookup = path.join(dataDir, 'ods-trusts-2025', 'trust_region_icb_lookup.csv');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-store-'));

function writeFixture(name: string, content: string): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, content);
  return file;
}

async function tableCounts(store: Store) {
  const result = await sql<Record<string, number>>`
    select (select count(*) from organisation)::integer as organisations, (select count(*) from membership)::integer as memberships,
           (select count(*) from observation)::integer as observations, (select count(*) from observation_history)::integer as history,
           (select count(*) from metric)::integer as metrics`.execute(store.db);
  return result.rows[0];
}

for (const backend of storeBackends()) {
  describe(`store on ${backend.name}`, () => {
    let store: Store;
    before(async () => {
      store = await backend.open();
    });
    after(() => store.close());
    beforeEach(() => resetStore(store));

    it('migrates idempotently and seeds the built-in metrics', async () => {
      await migrateToLatest(store.db);
      const ids = (await store.db.selectFrom('metric').select('id').execute()).map((row) => row.id);
      for (const id of [
        'ae-4hr-type1',
        'ae-4hr-all',
        'ae-attendances-type1',
        'ae-emergency-admissions-type1',
        'ae-dta-12hr',
      ])
        assert.ok(ids.includes(id), id);
    });

    it('keeps both ICB mappings where ODS and NHS England disagree', async () => {
      assert.equal((await importFile(store, etr)).outcome, 'imported');
      assert.equal((await importFile(store, lookup)).outcome, 'imported');
      const expectations: [string, string, string][] = [
        // trust, ODS geography ICB, NHS England performance-mapping ICB
        ['RAN', 'QRV', 'QMJ'],
        ['RXK', 'QHL', 'QUA'],
        ['RWX', 'QNQ', 'QU9'],
      ];
      for (const [trust, odsIcb, nhseIcb] of expectations) {
        const memberships = await membershipsOf(store.db, trust);
        assert.equal(
          memberships.find((row) => row.relation === 'icb_ods')?.parent_code,
          odsIcb,
          `${trust} ODS ICB`,
        );
        assert.equal(
          memberships.find((row) => row.relation === 'icb_nhse')?.parent_code,
          nhseIcb,
          `${trust} NHS England ICB`,
        );
      }
      const ran = await membershipsOf(store.db, 'RAN');
      assert.equal(ran.find((row) => row.relation === 'region')?.parent_name, 'London');
      const icb = await store.db
        .selectFrom('organisation')
        .selectAll()
        .where('code', '=', 'QMJ')
        .executeTakeFirstOrThrow();
      assert.equal(icb.name, 'NHS North Central London Integrated Care Board');
      assert.equal(icb.kind, 'icb');
    });

    it('records closed trusts with their close date and ends their memberships', async () => {
      await importFile(store, etr);
      const closed = await store.db
        .selectFrom('organisation')
        .selectAll()
        .where('closed_on', 'is not', null)
        .execute();
      assert.equal(closed.length, 5);
      for (const organisation of closed) {
        const memberships = await membershipsOf(store.db, organisation.code);
        for (const membership of memberships) assert.equal(membership.valid_to, organisation.closed_on);
      }
    });

    it('changes nothing when the same file is imported again', async () => {
      await importFile(store, etr);
      const tidy = writeFixture(
        'tidy.csv',
        'org_code,metric_id,period,value,numerator,denominator\nRYY,ae-4hr-all,2024-06,95.5,955,1000\nRYY,ae-4hr-all,2024-07,96,960,1000\n',
      );
      const first = await importFile(store, tidy);
      assert.equal(first.outcome, 'imported');
      assert.equal(first.inserted, 2);
      const before = await tableCounts(store);
      const observations = await store.db
        .selectFrom('observation')
        .selectAll()
        .orderBy('period_start')
        .execute();
      const second = await importFile(store, tidy);
      assert.equal(second.outcome, 'unchanged');
      assert.equal(second.previousBatchId, first.batchId);
      assert.deepEqual(await tableCounts(store), before);
      assert.deepEqual(
        await store.db.selectFrom('observation').selectAll().orderBy('period_start').execute(),
        observations,
      );
      // The same rows in a file with different bytes (another line ending) also change no observation.
      const copy = writeFixture('tidy-crlf.csv', fs.readFileSync(tidy, 'utf8').replaceAll('\n', '\r\n'));
      const third = await importFile(store, copy);
      assert.equal(third.outcome, 'imported');
      assert.equal(third.unchanged, 2);
      assert.deepEqual(
        await store.db
          .selectFrom('observation')
          .select(['value', 'batch_id'])
          .orderBy('period_start')
          .execute(),
        observations.map(({ value, batch_id }) => ({ value, batch_id })),
      );
    });

    it('replaces a revised value and keeps the earlier one in history', async () => {
      await importFile(store, etr);
      const original = await importFile(
        store.db,
        writeFixture(
          'v1.csv',
          'org_code,metric_id,period,value\nRYY,ae-dta-12hr,2024-06,10\nRYY,ae-dta-12hr,2024-07,12\n',
        ),
      );
      const revised = await importFile(
        store.db,
        writeFixture(
          'v2.csv',
          'org_code,metric_id,period,value\nRYY,ae-dta-12hr,2024-06,10\nRYY,ae-dta-12hr,2024-07,14\n',
        ),
      );
      assert.equal(revised.outcome, 'imported');
      assert.deepEqual([revised.inserted, revised.updated, revised.unchanged], [0, 1, 1]);
      const current = await store.db
        .selectFrom('observation')
        .select(['period_start', 'value', 'batch_id'])
        .orderBy('period_start')
        .execute();
      assert.deepEqual(current, [
        { period_start: '2024-06-01', value: 10, batch_id: original.batchId },
        { period_start: '2024-07-01', value: 14, batch_id: revised.batchId },
      ]);
      const history = await store.db.selectFrom('observation_history').selectAll().execute();
      assert.equal(history.length, 1);
      assert.equal(history[0].value, 12);
      assert.equal(history[0].batch_id, original.batchId);
      assert.equal(history[0].superseded_by_batch, revised.batchId);
    });

    it('writes nothing from a file with any error, and records the refusal with its issues', async () => {
      await importFile(store, etr);
      const before = await tableCounts(store);
      const bad = writeFixture(
        'bad.csv',
        'org_code,metric_id,period,value\nRYY,ae-dta-12hr,2024-06,10\nRYY,ae-dta-12hr,2024-13,12\nZZZ9,ae-dta-12hr,2024-08,3\n',
      );
      const result = await importFile(store, bad);
      assert.equal(result.outcome, 'rejected');
      assert.deepEqual(await tableCounts(store), before);
      const batch = await store.db
        .selectFrom('import_batch')
        .selectAll()
        .where('outcome', '=', 'rejected')
        .executeTakeFirstOrThrow();
      assert.equal((batch.issues as unknown[]).length, result.issues.length);
      // Once the period is fixed, the unknown organisation is still refused, with its row number.
      const stillBad = await importFile(
        store.db,
        writeFixture(
          'bad2.csv',
          'org_code,metric_id,period,value\nRYY,ae-dta-12hr,2024-06,10\nZZZ9,ae-dta-12hr,2024-08,3\n',
        ),
      );
      assert.equal(stillBad.outcome, 'rejected');
      assert.equal(stillBad.issues[0].code, 'UNKNOWN_ORGANISATION');
      assert.equal(stillBad.issues[0].row, 3);
      assert.deepEqual(await tableCounts(store), before);
    });

    it('keeps a register name when a publication only fills in organisations', async () => {
      await importFile(store, etr);
      const name = (
        await store.db
          .selectFrom('organisation')
          .select('name')
          .where('code', '=', 'RYY')
          .executeTakeFirstOrThrow()
      ).name;
      await importFile(store, path.join(dataDir, 'nhse-ae-monthly-csv-2024-25', 'Monthly-AE-2024-06.csv'));
      const after = await store.db
        .selectFrom('organisation')
        .selectAll()
        .where('code', '=', 'RYY')
        .executeTakeFirstOrThrow();
      assert.equal(after.name, name);
      assert.equal(after.kind, 'trust');
      const status = await storeStatus(store.db);
      assert.ok(status.organisations > 210);
      assert.ok(status.observations > 2000);
    });

    it('sets the NOF trust type from the Oversight Framework file', async () => {
      await importFile(store, etr);
      const result = await importFile(
        store.db,
        path.join(
          dataDir,
          'nhse-nof-2025-26-mh-community',
          'nhs-oversight-framework-mental-health-and-community-trust-league-table.csv',
        ),
      );
      assert.equal(result.outcome, 'imported');
      const ryy = await store.db
        .selectFrom('organisation')
        .selectAll()
        .where('code', '=', 'RYY')
        .executeTakeFirstOrThrow();
      assert.equal(ryy.nof_trust_type, 'Mental health and community trust');
      assert.equal(ryy.nof_trust_subtype, 'Community');
      const rank = await store.db
        .selectFrom('observation')
        .selectAll()
        .where('org_code', '=', 'RYY')
        .where('metric_id', '=', 'nof-league-rank')
        .executeTakeFirstOrThrow();
      assert.equal(rank.value, 1);
      assert.deepEqual(rank.detail, { likelyRange: [1, 11] });
      assert.equal(rank.period_start, '2026-01-01');
    });
  });
}
