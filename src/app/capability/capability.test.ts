import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { bundled, openLoadedStore } from '../../../test/helpers/loaded-store.ts';
import {
  addCast,
  addTwoOrganisations,
  type CastMember,
  type CastName,
  contextFor,
  everyReader,
  orgA,
} from '../../../test/helpers/narratives.ts';
import { testBackend } from '../../../test/helpers/test-store.ts';
import { capabilityComponents } from '../../domain/capability.ts';
import { AppError } from '../../errors.ts';
import { type Actor, anonymous, operator } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { listAuditEntries } from '../../store/repos/audit-repo.ts';
import { readStoreVersion } from '../../store/repos/version-repo.ts';
import { assessFromStore } from '../assessment.ts';
import { reviewPack } from '../reviews/pack.ts';
import { packBodyHtml } from '../reviews/pack-html.ts';
import { latestCapabilityFor, readCapability, recordCapabilityAssessment } from './capability.ts';
import { createDemoCapability } from './demo.ts';

/**
 * Capability self-assessments: versions kept, the review's audience reads them, only the
 * organisation's writers record them, every field problem at once — and, over random assessments,
 * no segment or rank ever moves.
 */

const today = new Date('2026-12-07T10:00:00Z');
const clock = () => today;

function fullInput(level: number, words = 'Evidence') {
  const input: Record<string, unknown> = { assessedOn: '2026-12-01' };
  for (const component of capabilityComponents) {
    input[`${component}_level`] = level;
    input[`${component}_evidence`] = `${words} for ${component}`;
    input[`${component}_support`] = `Support for ${component}`;
  }
  return input;
}

function rejectsWith(code: AppError['code'], check?: (error: AppError) => void) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    check?.(error);
    return true;
  };
}

describe(`capability self-assessments (${testBackend})`, () => {
  let store: Store;
  let people: Record<CastName, CastMember>;
  const as = (actor: Actor) => contextFor(store, actor, clock);

  before(async () => {
    // The official NOF data file alone: its 61 trusts are the organisations the property writes for.
    store = await openLoadedStore([bundled.nofData], { computeSignals: false });
    await addTwoOrganisations(store);
    people = await addCast(store, clock);
  });
  after(async () => {
    await store.close();
  });

  it('keeps every assessment: a new one becomes the latest, the last stays in the history', async () => {
    const first = await recordCapabilityAssessment(
      as(people.contributorA.actor),
      orgA,
      fullInput(2, 'First'),
    );
    const second = await recordCapabilityAssessment(as(people.adminA.actor), orgA, {
      ...fullInput(4, 'Second'),
      assessedOn: '2026-12-05',
      shared_purpose_support: '',
    });
    const history = await readCapability(as(people.memberA.actor), orgA);
    assert.equal(history.latest?.id, second.id);
    assert.deepEqual(
      history.history.map((each) => each.id),
      [second.id, first.id],
    );
    assert.deepEqual(
      history.history[1].ratings.map((rating) => rating.level),
      [2, 2, 2, 2, 2],
    );
    assert.equal(history.latest?.ratings[0].levelLabel, 'Embedded');
    assert.equal(history.latest?.ratings[0].supportAsked, null);
    assert.equal(history.latest?.ratings[1].evidence, 'Second for people_and_culture');
    assert.equal(history.may.write, false, 'a member reads but does not write');
    const audit = await listAuditEntries(store.db, { everything: true, orgCodes: [] }, { orgCode: orgA });
    const entries = audit.filter((entry) => entry.action === 'capability.record');
    assert.equal(entries.length, 2);
  });

  it('sits in the review pack, the support asked for beside the offers of help', async () => {
    const pack = await reviewPack(as(people.oversightRegionA.actor), { org: orgA, quarter: 'Q3 2026/27' });
    assert.ok(pack.capability, 'the latest self-assessment');
    assert.equal(pack.capability.ratings[1].supportAsked, 'Support for people_and_culture');
    const html = packBodyHtml(pack);
    assert.ok(
      html.indexOf('id="help"') < html.indexOf('id="capability-support"'),
      'after the offers of help',
    );
    assert.match(html, /Support for people_and_culture/);
    assert.match(html, /does not affect the segment/);
  });

  it('is read by the organisation’s people and those who oversee it, as reviews are; recorded only by its writers', async () => {
    const readers = new Set<string>();
    for (const { name, actor } of everyReader(people)) {
      try {
        await readCapability(as(actor), orgA);
        readers.add(name);
      } catch (error) {
        assert.ok(error instanceof AppError && ['NOT_FOUND', 'UNAUTHENTICATED'].includes(error.code), name);
      }
      const latest = await latestCapabilityFor(as(actor), orgA);
      assert.equal(latest !== undefined, readers.has(name), `${name}: the organisation page's section`);
    }
    assert.deepEqual(
      [...readers].sort(),
      [
        'adminA',
        'contributorA',
        'memberA',
        'nationalOversight',
        'operator',
        'oversightRegionA',
        'systemLeadA',
      ].sort(),
    );
    for (const name of [
      'memberA',
      'contributorB',
      'systemLeadA',
      'nationalOversight',
      'facilitator',
    ] as const)
      await assert.rejects(
        recordCapabilityAssessment(as(people[name].actor), orgA, fullInput(3)),
        rejectsWith('FORBIDDEN'),
        name,
      );
    await assert.rejects(
      recordCapabilityAssessment(as(anonymous), orgA, fullInput(3)),
      rejectsWith('UNAUTHENTICATED'),
    );
  });

  it('seeds the demo’s example self-assessment of its home trust', async () => {
    const { assessmentId } = await createDemoCapability(as(operator('demo')));
    const latest = await latestCapabilityFor(as(operator('test')), 'RYY');
    assert.equal(latest?.id, assessmentId);
    assert.equal(latest?.isExample, true);
    assert.ok(latest?.ratings.some((rating) => rating.supportAsked?.startsWith('Example:')));
  });

  it('lists every field problem at once', async () => {
    await assert.rejects(
      recordCapabilityAssessment(as(people.contributorA.actor), orgA, {
        assessedOn: '2099-01-01',
        shared_purpose_level: 6,
        leadership_level: 3,
        leadership_evidence: 'Walkrounds',
      }),
      rejectsWith('VALIDATION_FAILED', (error) => {
        const fields = error.details.map((detail) => detail.slice(0, detail.indexOf(':')));
        assert.equal(fields[0], 'assessedOn');
        assert.ok(fields.includes('shared_purpose_level'));
        assert.ok(fields.includes('shared_purpose_evidence'));
        assert.ok(fields.includes('management_systems_level'));
        assert.ok(!fields.includes('leadership_level'));
        assert.equal(fields.length, 1 + 2 * 4 + 0);
      }),
    );
  });

  it('never changes a segment or a rank: random assessments leave every segment and rank as they were', async () => {
    const request = { framework: 'nof-2025-26', quarter: 'Q4 2025/26' };
    const positions = async () =>
      (await assessFromStore(store.db, request)).trusts.map((row) => ({
        code: row.Trust_code,
        segment: row.Segment,
        rank: row.Rank,
        range: row.Likely_range_of_rank,
      }));
    const before = await positions();
    assert.equal(before.length, 61, 'the published league table’s trusts');
    const codes = before.map((row) => row.code);
    const versionBefore = await readStoreVersion(store.db);
    const author = as(operator('test'));
    let recorded = 0;
    // Each run writes one random assessment through the use case; then every segment and rank is
    // computed again from the store (`assessFromStore` reads the rows afresh: no cache) and compared.
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...codes),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 5, maxLength: 5 }),
        fc.string({ minLength: 1, maxLength: 40 }).filter((value) => value.trim().length > 0),
        async (code, levels, words) => {
          const input: Record<string, unknown> = { assessedOn: '2026-11-30' };
          capabilityComponents.forEach((component, index) => {
            input[`${component}_level`] = levels[index];
            input[`${component}_evidence`] = words;
            input[`${component}_support`] = index % 2 ? words : '';
          });
          const written = await recordCapabilityAssessment(author, code, input);
          recorded += 1;
          assert.deepEqual(
            written.ratings.map((rating) => rating.level),
            levels,
          );
        },
      ),
      { numRuns: 25 },
    );
    assert.equal(recorded, 25);
    assert.deepEqual(await positions(), before);
    const versionAfter = await readStoreVersion(store.db);
    assert.equal(versionAfter.data, versionBefore.data, 'a capability write is not a data change');
    assert.ok(versionAfter.dialogue > versionBefore.dialogue, 'each write is committed and seen by caches');
  });
});
