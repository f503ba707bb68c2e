import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  addCast,
  addTwoOrganisations,
  type CastMember,
  type CastName,
  contextFor,
  orgA,
  orgB,
} from '../../../test/helpers/narratives.ts';
import { openTestStore, resetTestStore, testBackend } from '../../../test/helpers/test-store.ts';
import { AppError } from '../../errors.ts';
import { type Actor, anonymous, operator } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { listAuditEntries } from '../../store/repos/audit-repo.ts';
import { readStoreVersion } from '../../store/repos/version-repo.ts';
import { searchEverything } from '../search.ts';
import {
  compareNarrativeVersions,
  findNarratives,
  getNarrative,
  narrativeVersions,
  organisationNarratives,
} from './read.ts';
import { createNarrative, editNarrative, publishNarrative, withdrawNarrative } from './write.ts';

const clock = () => new Date('2026-11-30T10:00:00Z');

function rejectsWith(code: AppError['code']) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

const commentary = {
  org: orgA,
  metric: 'ae-4hr-type1',
  kind: 'metric_commentary',
  title: 'Four-hour performance in the winter',
  body: 'The chart shows a fall in December.\n\nWhy: more attendances.\n\nWhat we are doing: a new triage model.',
  visibility: 'public',
};

describe(`narrative use cases (${testBackend})`, () => {
  let store: Store;
  let people: Record<CastName, CastMember>;
  const as = (actor: Actor) => contextFor(store, actor, clock);
  const audit = () => listAuditEntries(store.db, { everything: true, orgCodes: [] });
  const narrativeAudit = async () =>
    (await audit()).filter((entry) => entry.entity_type === 'narrative').reverse();

  before(async () => {
    store = await openTestStore();
  });
  after(async () => {
    await store.close();
  });
  beforeEach(async () => {
    await resetTestStore(store);
    await addTwoOrganisations(store);
    people = await addCast(store, clock);
  });

  describe('create', () => {
    it('lets a contributor start a draft, as version 1, with one audit entry holding the version', async () => {
      const versionBefore = await readStoreVersion(store.db);
      const narrative = await createNarrative(as(people.contributorA.actor), commentary);
      assert.equal(narrative.org_code, orgA);
      assert.equal(narrative.status, 'draft');
      assert.equal(narrative.current_version, 1);
      assert.equal(narrative.created_by, people.contributorA.id);
      assert.equal(narrative.metric_name !== null, true);
      assert.equal(narrative.published_at, null);
      const entries = await narrativeAudit();
      assert.equal(entries.length, 1);
      assert.equal(entries[0].action, 'narrative.create');
      assert.equal(entries[0].entity_id, String(narrative.id));
      assert.equal(entries[0].org_code, orgA);
      assert.equal(entries[0].actor_user_id, people.contributorA.id);
      assert.equal(entries[0].before, null);
      const [version] = (await narrativeVersions(as(operator()), narrative.id)).versions;
      assert.deepEqual(
        entries[0].after,
        JSON.parse(JSON.stringify(version, (key, value) => (key === 'writtenByName' ? undefined : value))),
      );
      assert.equal((await readStoreVersion(store.db)).dialogue, versionBefore.dialogue + 1);
    });

    it('lets an administrator publish at once, setting the publication time', async () => {
      const narrative = await createNarrative(as(people.adminA.actor), {
        ...commentary,
        status: 'published',
      });
      assert.equal(narrative.status, 'published');
      assert.equal(narrative.published_at?.toISOString(), clock().toISOString());
    });

    it('refuses members, other organisations and anonymous visitors, writing nothing', async () => {
      await assert.rejects(createNarrative(as(people.memberA.actor), commentary), rejectsWith('FORBIDDEN'));
      await assert.rejects(
        createNarrative(as(people.contributorB.actor), commentary),
        rejectsWith('FORBIDDEN'),
      );
      await assert.rejects(
        createNarrative(as(people.nationalOversight.actor), commentary),
        rejectsWith('FORBIDDEN'),
      );
      await assert.rejects(createNarrative(as(anonymous), commentary), rejectsWith('UNAUTHENTICATED'));
      assert.equal((await narrativeAudit()).length, 0);
      assert.equal((await findNarratives(as(operator()), {})).length, 0);
    });

    it('lists every field problem at once, and saves nothing', async () => {
      await assert.rejects(
        createNarrative(as(people.contributorA.actor), {
          org: orgA,
          metric: 'no-such-metric',
          kind: 'poem',
          title: ' ',
          body: 'x'.repeat(50_001),
          visibility: 'everyone',
          status: 'withdrawn',
          periodFrom: '2025-13-01',
          periodTo: '2025-02-30',
        }),
        (error) => {
          rejectsWith('VALIDATION_FAILED')(error);
          const fields = (error as AppError).details.map((detail) => detail.split(':')[0]).sort();
          assert.deepEqual(fields, [
            'body',
            'kind',
            'metric',
            'periodFrom',
            'periodTo',
            'status',
            'title',
            'visibility',
          ]);
          return true;
        },
      );
      await assert.rejects(
        createNarrative(as(people.contributorA.actor), {
          ...commentary,
          metric: '',
          visibility: 'named',
          readers: 'member.b@example.nhs.uk, stranger@example.nhs.uk\nnot-an-email',
          periodFrom: '2025-04-01',
          periodTo: '2025-03-31',
        }),
        (error) => {
          rejectsWith('VALIDATION_FAILED')(error);
          assert.deepEqual((error as AppError).details, [
            'metric: Choose the metric this commentary is about',
            'periodTo: The end of the period must be on or after its start',
            'readers: No one in Tend has the email address stranger@example.nhs.uk',
            'readers: not-an-email is not an email address',
          ]);
          return true;
        },
      );
      await assert.rejects(
        createNarrative(as(operator()), { ...commentary, org: 'ZZZ9' }),
        (error) =>
          rejectsWith('VALIDATION_FAILED')(error) &&
          /org: No organisation has the code ZZZ9/.test(String((error as AppError).details)),
      );
      assert.equal((await narrativeAudit()).length, 0);
      assert.equal((await findNarratives(as(operator()), {})).length, 0);
    });

    it('accepts the longest title and text, and a period of one day', async () => {
      const narrative = await createNarrative(as(people.contributorA.actor), {
        ...commentary,
        title: 't'.repeat(200),
        body: 'b'.repeat(50_000),
        periodFrom: '2025-04-01',
        periodTo: '2025-04-01',
      });
      assert.equal(narrative.title.length, 200);
      assert.equal(narrative.body.length, 50_000);
      assert.equal(narrative.period_to, '2025-04-01');
    });
  });

  describe('edit, publish, withdraw', () => {
    it('adds a version for each save and each change of status, each with exactly one audit entry', async () => {
      const contributor = as(people.contributorA.actor);
      const created = await createNarrative(contributor, commentary);
      const edited = await editNarrative(contributor, created.id, {
        baseVersion: 1,
        title: 'Four-hour performance, winter 2025',
        body: `${commentary.body}\n\nRisks: staffing in January.`,
      });
      assert.equal(edited.current_version, 2);
      assert.equal(edited.status, 'draft');
      assert.equal(edited.metric_id, 'ae-4hr-type1', 'fields not given keep their values');
      const published = await publishNarrative(as(people.adminA.actor), created.id, { baseVersion: 2 });
      assert.equal(published.status, 'published');
      assert.equal(published.current_version, 3);
      assert.equal(published.published_at?.toISOString(), clock().toISOString());
      const withdrawn = await withdrawNarrative(contributor, created.id, { baseVersion: 3 });
      assert.equal(withdrawn.status, 'withdrawn');
      const republished = await publishNarrative(contributor, created.id, { baseVersion: 4 });
      assert.equal(republished.status, 'published', 'a withdrawn narrative can be published again');
      assert.equal(republished.current_version, 5);

      const entries = await narrativeAudit();
      assert.deepEqual(
        entries.map((entry) => entry.action),
        [
          'narrative.create',
          'narrative.edit',
          'narrative.publish',
          'narrative.withdraw',
          'narrative.publish',
        ],
      );
      const versions = (await narrativeVersions(as(operator()), created.id)).versions.map(
        ({ writtenByName: _name, ...row }) => JSON.parse(JSON.stringify(row)),
      );
      assert.deepEqual(
        versions.map((version) => [version.version, version.status]),
        [
          [1, 'draft'],
          [2, 'draft'],
          [3, 'published'],
          [4, 'withdrawn'],
          [5, 'published'],
        ],
      );
      for (let index = 1; index < entries.length; index++) {
        assert.deepEqual(entries[index].before, versions[index - 1], `before of ${entries[index].action}`);
        assert.deepEqual(entries[index].after, versions[index], `after of ${entries[index].action}`);
      }
      assert.equal(versions[2].written_by, people.adminA.id, 'each version names who wrote it');
    });

    it('refuses a stale save with CONFLICT, saving nothing and recording nothing', async () => {
      const contributor = as(people.contributorA.actor);
      const created = await createNarrative(contributor, commentary);
      await editNarrative(as(people.adminA.actor), created.id, {
        baseVersion: 1,
        title: 'Changed by the admin',
      });
      await assert.rejects(
        editNarrative(contributor, created.id, { baseVersion: 1, title: 'Changed by the contributor' }),
        (error) =>
          rejectsWith('CONFLICT')(error) && /version 1.*now at version 2/.test((error as Error).message),
      );
      await assert.rejects(
        publishNarrative(contributor, created.id, { baseVersion: 1 }),
        rejectsWith('CONFLICT'),
      );
      const current = await getNarrative(contributor, created.id);
      assert.equal(current.narrative.title, 'Changed by the admin');
      assert.equal(current.narrative.current_version, 2);
      assert.equal((await narrativeAudit()).length, 2);
    });

    it('needs the version a save is based on', async () => {
      const contributor = as(people.contributorA.actor);
      const created = await createNarrative(contributor, commentary);
      await assert.rejects(editNarrative(contributor, created.id, { title: '' }), (error) => {
        rejectsWith('VALIDATION_FAILED')(error);
        assert.deepEqual(
          (error as AppError).details.map((detail) => detail.split(':')[0]),
          ['title', 'baseVersion'],
        );
        return true;
      });
    });

    it('writes nothing for a save that changes nothing', async () => {
      const contributor = as(people.contributorA.actor);
      const created = await createNarrative(contributor, commentary);
      const same = await editNarrative(contributor, created.id, {
        baseVersion: 1,
        title: `  ${commentary.title} `,
      });
      assert.equal(same.current_version, 1);
      assert.equal((await narrativeAudit()).length, 1);
    });

    it('refuses status changes that make no sense', async () => {
      const contributor = as(people.contributorA.actor);
      const created = await createNarrative(contributor, commentary);
      await assert.rejects(withdrawNarrative(contributor, created.id), rejectsWith('CONFLICT'));
      await publishNarrative(contributor, created.id);
      await assert.rejects(publishNarrative(contributor, created.id), rejectsWith('CONFLICT'));
      assert.equal((await narrativeAudit()).length, 2);
    });

    it('lets only writers of the organisation change it: FORBIDDEN for readers, NOT_FOUND for the unseen', async () => {
      const created = await createNarrative(as(people.contributorA.actor), {
        ...commentary,
        status: 'published',
      });
      const draft = await createNarrative(as(people.contributorA.actor), { ...commentary, title: 'Draft' });
      await assert.rejects(
        editNarrative(as(people.memberA.actor), created.id, { baseVersion: 1, title: 'x' }),
        rejectsWith('FORBIDDEN'),
      );
      await assert.rejects(
        withdrawNarrative(as(people.nationalOversight.actor), created.id),
        rejectsWith('FORBIDDEN'),
      );
      await assert.rejects(
        publishNarrative(as(people.contributorB.actor), draft.id),
        rejectsWith('NOT_FOUND'),
      );
      await assert.rejects(withdrawNarrative(as(anonymous), created.id), rejectsWith('UNAUTHENTICATED'));
      await assert.rejects(
        editNarrative(as(people.adminA.actor), 999_999, { baseVersion: 1 }),
        rejectsWith('NOT_FOUND'),
      );
      assert.equal((await narrativeAudit()).length, 2);
    });
  });

  describe('named-only narratives', () => {
    it('are read by the author and, once published, the people named; edited by the author alone', async () => {
      const author = as(people.contributorA.actor);
      const created = await createNarrative(author, {
        ...commentary,
        kind: 'listening_walk',
        metric: '',
        title: 'Listening walk, ward 7',
        visibility: 'named',
        readers: [people.memberB.email, people.facilitator.email.toUpperCase()],
      });
      const detail = await getNarrative(author, created.id);
      assert.deepEqual(
        detail.readers.map((reader) => reader.email),
        [people.facilitator.email, people.memberB.email],
      );
      assert.deepEqual((await narrativeAudit())[0].after, {
        ...((await narrativeAudit())[0].after as object),
        readers: [people.memberB.email, people.facilitator.email],
      });
      for (const name of ['memberB', 'facilitator', 'adminA', 'memberA', 'nationalOversight'] as const)
        await assert.rejects(
          getNarrative(as(people[name].actor), created.id),
          rejectsWith('NOT_FOUND'),
          name,
        );
      await publishNarrative(author, created.id);
      for (const name of ['memberB', 'facilitator'] as const) {
        const seen = await getNarrative(as(people[name].actor), created.id);
        assert.equal(seen.permissions.edit, false);
        assert.deepEqual(seen.readers, [], 'readers are shown only to those who may edit');
      }
      for (const name of ['adminA', 'memberA', 'systemLeadA', 'nationalOversight'] as const)
        await assert.rejects(
          getNarrative(as(people[name].actor), created.id),
          rejectsWith('NOT_FOUND'),
          name,
        );
      await assert.rejects(getNarrative(as(anonymous), created.id), rejectsWith('NOT_FOUND'));
    });

    it('refuses an unknown reader, and lets only the author make a narrative named-only', async () => {
      const created = await createNarrative(as(people.contributorA.actor), commentary);
      await assert.rejects(
        editNarrative(as(people.adminA.actor), created.id, {
          baseVersion: 1,
          visibility: 'named',
          readers: [people.memberA.email],
        }),
        (error) =>
          rejectsWith('VALIDATION_FAILED')(error) &&
          (error as AppError).details[0].startsWith('visibility: Only the person who wrote'),
      );
      const named = await editNarrative(as(people.contributorA.actor), created.id, {
        baseVersion: 1,
        visibility: 'named',
        readers: [people.memberA.email],
      });
      assert.equal(named.visibility, 'named');
      await assert.rejects(
        editNarrative(as(people.contributorA.actor), created.id, {
          baseVersion: 2,
          readers: ['ghost@example.nhs.uk'],
        }),
        (error) =>
          rejectsWith('VALIDATION_FAILED')(error) &&
          (error as AppError).details[0] ===
            'readers: No one in Tend has the email address ghost@example.nhs.uk',
      );
      // Changing only who it is shared with is a new version too.
      const reshared = await editNarrative(as(people.contributorA.actor), created.id, {
        baseVersion: 2,
        readers: [people.memberB.email],
      });
      assert.equal(reshared.current_version, 3);
      assert.deepEqual(
        (await getNarrative(as(people.contributorA.actor), created.id)).readers.map((reader) => reader.email),
        [people.memberB.email],
      );
    });
  });

  describe('versions and their differences', () => {
    it('shows a reader only the versions they may read, so an organisation-only draft never leaks', async () => {
      const contributor = as(people.contributorA.actor);
      const created = await createNarrative(contributor, {
        ...commentary,
        visibility: 'organisation',
        body: 'Internal: the new triage model is failing.',
      });
      await editNarrative(contributor, created.id, {
        baseVersion: 1,
        visibility: 'public',
        body: 'The new triage model is bedding in.',
      });
      await publishNarrative(contributor, created.id, { baseVersion: 2 });

      const publicHistory = await narrativeVersions(as(anonymous), created.id);
      assert.deepEqual(
        publicHistory.versions.map((version) => version.version),
        [3],
      );
      assert.equal(publicHistory.versions[0].writtenByName, null, 'writers are not named to the public');
      const memberHistory = await narrativeVersions(as(people.memberA.actor), created.id);
      assert.deepEqual(
        memberHistory.versions.map((version) => version.version),
        [1, 2, 3],
      );
      assert.equal(memberHistory.versions[0].writtenByName, 'contributor.a');
      const systemHistory = await narrativeVersions(as(people.systemLeadA.actor), created.id);
      assert.deepEqual(
        systemHistory.versions.map((version) => version.version),
        [3],
        'the system lead reads published versions only',
      );

      await assert.rejects(
        compareNarrativeVersions(as(anonymous), created.id, 1, 3),
        rejectsWith('NOT_FOUND'),
      );
      const comparison = await compareNarrativeVersions(as(people.memberA.actor), created.id, 1, 3);
      assert.deepEqual(comparison.fields, [
        { label: 'Who can read it', before: 'Organisation only', after: 'Public' },
        { label: 'Status', before: 'Draft', after: 'Published' },
      ]);
      assert.equal(comparison.rows.length, 1);
      assert.equal(comparison.rows[0].kind, 'changed');
      assert.ok(
        comparison.rows[0].before?.some((piece) => piece.change === 'removed' && /failing/.test(piece.text)),
      );
      assert.ok(
        comparison.rows[0].after?.some((piece) => piece.change === 'added' && /bedding/.test(piece.text)),
      );
    });

    it('hides a withdrawn narrative and its whole history from the public', async () => {
      const contributor = as(people.contributorA.actor);
      const created = await createNarrative(contributor, { ...commentary, status: 'published' });
      await withdrawNarrative(contributor, created.id);
      await assert.rejects(getNarrative(as(anonymous), created.id), rejectsWith('NOT_FOUND'));
      await assert.rejects(narrativeVersions(as(anonymous), created.id), rejectsWith('NOT_FOUND'));
      await assert.rejects(
        compareNarrativeVersions(as(anonymous), created.id, 1, 1),
        rejectsWith('NOT_FOUND'),
      );
      assert.equal((await narrativeVersions(as(people.memberA.actor), created.id)).versions.length, 2);
    });
  });

  describe('lists and search', () => {
    it("lists an organisation's narratives the reader may see, Financial Stewardship Narratives first", async () => {
      const contributor = as(people.contributorA.actor);
      await createNarrative(contributor, { ...commentary, title: 'Commentary', status: 'published' });
      await createNarrative(contributor, {
        ...commentary,
        metric: '',
        kind: 'financial_stewardship',
        title: 'How we spent our money',
        status: 'published',
      });
      await createNarrative(contributor, { ...commentary, title: 'Draft commentary' });
      await createNarrative(as(people.contributorB.actor), {
        ...commentary,
        org: orgB,
        title: 'B',
        status: 'published',
      });

      const publicList = await organisationNarratives(as(anonymous), orgA);
      assert.deepEqual(
        publicList.narratives.map((narrative) => narrative.title),
        ['How we spent our money', 'Commentary'],
      );
      assert.equal(publicList.canWrite, false);
      const memberList = await organisationNarratives(as(people.memberA.actor), orgA);
      assert.equal(memberList.narratives.length, 3);
      assert.equal(memberList.canWrite, false);
      assert.equal((await organisationNarratives(as(people.contributorA.actor), orgA)).canWrite, true);
      const chart = await organisationNarratives(as(anonymous), orgA, { metricId: 'ae-4hr-type1' });
      assert.deepEqual(
        chart.narratives.map((narrative) => narrative.title),
        ['Commentary'],
      );
      await assert.rejects(organisationNarratives(as(anonymous), 'ZZZ9'), rejectsWith('NOT_FOUND'));
      assert.deepEqual(
        (await findNarratives(as(people.memberA.actor), { status: 'draft' })).map(
          (narrative) => narrative.title,
        ),
        ['Draft commentary'],
      );
      assert.deepEqual(
        (await findNarratives(as(anonymous), { kind: 'financial_stewardship', org: orgA })).map(
          (narrative) => narrative.title,
        ),
        ['How we spent our money'],
      );
    });

    it('searches organisations, metrics and the narratives the reader may see', async () => {
      const contributor = as(people.contributorA.actor);
      await createNarrative(contributor, { ...commentary, title: 'Triage published', status: 'published' });
      await createNarrative(contributor, { ...commentary, title: 'Triage draft' });
      const publicResults = await searchEverything(as(anonymous), 'triage');
      assert.deepEqual(
        publicResults.narratives.map((narrative) => narrative.title),
        ['Triage published'],
      );
      const memberResults = await searchEverything(as(people.memberA.actor), 'TRIAGE');
      assert.equal(memberResults.narratives.length, 2);
      const organisations = await searchEverything(as(anonymous), 'raa');
      assert.equal(organisations.organisations[0].code, orgA, 'the exact code first');
      const metrics = await searchEverything(as(anonymous), 'ae-4hr-type1');
      assert.equal(metrics.metrics[0].id, 'ae-4hr-type1', 'the exact id first');
      assert.deepEqual(await searchEverything(as(anonymous), '   '), {
        organisations: [],
        metrics: [],
        narratives: [],
      });
    });
  });
});
