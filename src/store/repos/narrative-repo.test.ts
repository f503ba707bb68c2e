import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import {
  addCast,
  addTwoOrganisations,
  type CastMember,
  type CastName,
  everyReader,
  orgA,
  orgB,
} from '../../../test/helpers/narratives.ts';
import { openTestStore, resetTestStore, testBackend } from '../../../test/helpers/test-store.ts';
import {
  type NarrativeVisibility,
  narrativeVisibilities,
  type PublicationStatus,
  publicationStatuses,
} from '../../domain/people.ts';
import { canReadContent } from '../../policies/narrative.ts';
import type { OrganisationContext } from '../../policies/organisation-context.ts';
import { scope } from '../../policies/scope.ts';
import type { Store } from '../db.ts';
import {
  advanceNarrative,
  findNarrative,
  findNarrativeVersion,
  insertNarrative,
  insertNarrativeReaders,
  insertNarrativeVersion,
  listNarratives,
  listNarrativeVersions,
  narrativeReaders,
  searchNarratives,
} from './narrative-repo.ts';
import { organisationContext } from './organisation-repo.ts';

const clock = () => new Date('2026-11-30T10:00:00Z');

interface Made {
  id: number;
  org: OrganisationContext;
  createdBy: number | null;
  readerIds: number[];
  current: { status: PublicationStatus; visibility: NarrativeVisibility };
  first: { status: PublicationStatus; visibility: NarrativeVisibility };
}

const states = publicationStatuses.flatMap((status) =>
  narrativeVisibilities.map((visibility) => ({ status, visibility })),
);

/**
 * Every combination, in both organisations: current status × visibility, the first version's
 * status × visibility, the author (a writer of the organisation, a member of the other one, or no
 * one) and the named readers (none, or a member of B and the facilitator).
 */
async function makeEveryCombination(store: Store, people: Record<CastName, CastMember>): Promise<Made[]> {
  return store.db.transaction().execute((trx) => makeEveryCombinationIn({ ...store, db: trx }, people));
}

async function makeEveryCombinationIn(store: Store, people: Record<CastName, CastMember>): Promise<Made[]> {
  const made: Made[] = [];
  const at = clock();
  for (const orgCode of [orgA, orgB]) {
    const org = (await organisationContext(store.db, orgCode)) as OrganisationContext;
    const authors = [
      orgCode === orgA ? people.contributorA.id : people.contributorB.id,
      orgCode === orgA ? people.memberB.id : people.memberA.id,
      null,
    ];
    for (const current of states)
      for (const first of states)
        for (const createdBy of authors)
          for (const readerIds of [[], [people.memberB.id, people.facilitator.id]]) {
            const narrative = await insertNarrative(store.db, {
              org_code: orgCode,
              metric_id: null,
              period_from: null,
              period_to: null,
              kind: 'team_story',
              title: `${orgCode} ${first.status}/${first.visibility} then ${current.status}/${current.visibility}`,
              visibility: first.visibility,
              status: first.status,
              created_by: createdBy,
              at,
            });
            const version = (n: number, state: typeof first) => ({
              narrative_id: narrative.id,
              version: n,
              title: narrative.title,
              body: `Version ${n}`,
              kind: 'team_story' as const,
              visibility: state.visibility,
              status: state.status,
              metric_id: null,
              period_from: null,
              period_to: null,
              written_by: createdBy,
              written_at: at,
            });
            await insertNarrativeVersion(store.db, version(1, first));
            await advanceNarrative(store.db, narrative.id, 1, {
              metric_id: null,
              period_from: null,
              period_to: null,
              kind: 'team_story',
              title: narrative.title,
              visibility: current.visibility,
              status: current.status,
              at,
            });
            await insertNarrativeVersion(store.db, version(2, current));
            await insertNarrativeReaders(store.db, narrative.id, readerIds);
            made.push({ id: narrative.id, org, createdBy, readerIds, current, first });
          }
  }
  return made;
}

describe(`narrative repository: the SQL read scope agrees with the policy (${testBackend})`, () => {
  let store: Store;
  let people: Record<CastName, CastMember>;
  let made: Made[];
  before(async () => {
    store = await openTestStore();
    await resetTestStore(store);
    await addTwoOrganisations(store);
    people = await addCast(store, clock);
    made = await makeEveryCombination(store, people);
  });
  after(async () => {
    await store.close();
  });

  it('holds every combination of status × visibility × author × readers in both organisations', () => {
    assert.equal(made.length, 2 * 9 * 9 * 3 * 2);
  });

  it('lists exactly the narratives canReadContent allows, for every reader', async () => {
    let compared = 0;
    for (const reader of everyReader(people)) {
      const listed = new Set(
        (await listNarratives(store.db, scope(reader.actor, 'read', 'narrative'), { limit: 10_000 })).map(
          (row) => row.id,
        ),
      );
      for (const row of made) {
        const allowed = canReadContent(reader.actor, {
          org: row.org,
          status: row.current.status,
          visibility: row.current.visibility,
          createdBy: row.createdBy,
          readerIds: row.readerIds,
        });
        assert.equal(
          listed.has(row.id),
          allowed,
          `${reader.name} and "${row.current.status}/${row.current.visibility}" narrative ${row.id} by ${row.createdBy} with readers [${row.readerIds}]: SQL ${listed.has(row.id)}, policy ${allowed}`,
        );
        compared++;
      }
    }
    assert.equal(compared, made.length * everyReader(people).length);
  });

  it('lists exactly the versions the policy allows: the version in its own state, and its narrative now', async () => {
    for (const reader of everyReader(people)) {
      const content = scope(reader.actor, 'read', 'narrative');
      const listed = new Set<string>();
      for (const orgCode of [orgA, orgB])
        for (const version of await listNarrativeVersions(store.db, content, { orgCode }))
          listed.add(`${version.narrative_id}/${version.version}`);
      for (const row of made) {
        const readable = (state: Made['current']) =>
          canReadContent(reader.actor, {
            org: row.org,
            ...state,
            createdBy: row.createdBy,
            readerIds: row.readerIds,
          });
        const now = readable(row.current);
        assert.equal(listed.has(`${row.id}/1`), now && readable(row.first), `${reader.name}, ${row.id} v1`);
        assert.equal(listed.has(`${row.id}/2`), now, `${reader.name}, ${row.id} v2`);
      }
    }
  });

  it('finds one narrative, one version and the readers under the same rule as the list', async () => {
    const sample = made.filter((_row, index) => index % 23 === 0);
    for (const reader of everyReader(people)) {
      const content = scope(reader.actor, 'read', 'narrative');
      for (const row of sample) {
        const allowed = canReadContent(reader.actor, {
          org: row.org,
          ...row.current,
          createdBy: row.createdBy,
          readerIds: row.readerIds,
        });
        assert.equal((await findNarrative(store.db, content, row.id)) !== undefined, allowed);
        assert.equal((await findNarrativeVersion(store.db, content, row.id, 2)) !== undefined, allowed);
        const readers = await narrativeReaders(store.db, content, row.id);
        assert.equal(readers.length, allowed ? row.readerIds.length : 0);
      }
    }
  });

  it('searches only what the scope reads', async () => {
    for (const reader of everyReader(people)) {
      const content = scope(reader.actor, 'read', 'narrative');
      const found = await searchNarratives(store.db, content, 'then published/public', 10_000);
      const expected = made.filter(
        (row) =>
          row.current.status === 'published' &&
          row.current.visibility === 'public' &&
          canReadContent(reader.actor, { org: row.org, ...row.current, createdBy: row.createdBy }),
      );
      assert.equal(found.length, expected.length, reader.name);
    }
  });

  it('refuses to change or remove a version: versions are immutable', async () => {
    const [first] = made;
    await assert.rejects(
      sql`update narrative_version set body = 'rewritten' where narrative_id = ${first.id}`.execute(store.db),
      /append-only/,
    );
    await assert.rejects(
      sql`delete from narrative_version where narrative_id = ${first.id}`.execute(store.db),
      /append-only/,
    );
    const kept = await findNarrativeVersion(
      store.db,
      scope(everyReader(people)[1].actor, 'read', 'narrative'),
      first.id,
      1,
    );
    assert.equal(kept?.body, 'Version 1');
  });
});

describe(`narrative repository: writing (${testBackend})`, () => {
  let store: Store;
  before(async () => {
    store = await openTestStore();
    await resetTestStore(store);
    await addTwoOrganisations(store);
  });
  after(async () => {
    await store.close();
  });

  it('advances only from the current version', async () => {
    const at = clock();
    const narrative = await insertNarrative(store.db, {
      org_code: orgA,
      metric_id: null,
      period_from: null,
      period_to: null,
      kind: 'team_story',
      title: 'Ward 3',
      visibility: 'public',
      status: 'draft',
      created_by: null,
      at,
    });
    const fields = {
      metric_id: null,
      period_from: null,
      period_to: null,
      kind: 'team_story' as const,
      title: 'Ward 3',
      visibility: 'public' as const,
      status: 'published' as const,
      at,
    };
    const moved = await advanceNarrative(store.db, narrative.id, 1, fields);
    assert.equal(moved?.current_version, 2);
    assert.ok(moved?.published_at, 'publishing sets published_at');
    assert.equal(
      await advanceNarrative(store.db, narrative.id, 1, fields),
      undefined,
      'a stale base moves nothing',
    );
  });

  it('matches % and _ literally when searching', async () => {
    const at = clock();
    const operatorScope = {
      everything: true,
      userId: null,
      peopleOf: [],
      systems: [],
      regions: [],
      england: false,
    };
    for (const title of ['100% of patients', '100 of patients', 'ward_3', 'ward 3']) {
      const narrative = await insertNarrative(store.db, {
        org_code: orgB,
        metric_id: null,
        period_from: null,
        period_to: null,
        kind: 'patient_story',
        title,
        visibility: 'public',
        status: 'published',
        created_by: null,
        at,
      });
      await insertNarrativeVersion(store.db, {
        narrative_id: narrative.id,
        version: 1,
        title,
        body: 'A story.',
        kind: 'patient_story',
        visibility: 'public',
        status: 'published',
        metric_id: null,
        period_from: null,
        period_to: null,
        written_by: null,
        written_at: at,
      });
    }
    assert.deepEqual(
      (await searchNarratives(store.db, operatorScope, '100%')).map((row) => row.title),
      ['100% of patients'],
    );
    assert.deepEqual(
      (await searchNarratives(store.db, operatorScope, 'WARD_')).map((row) => row.title),
      ['ward_3'],
    );
  });
});
