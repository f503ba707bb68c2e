import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import {
  type AnnotationCastName,
  annotationAuditCount,
  clearAnnotations,
  contextAs,
  seriesMetric,
  setUpAnnotationStore,
  storedAnnotations,
} from '../../../test/helpers/annotations.ts';
import { openTestStore, resetTestStore, testBackend } from '../../../test/helpers/test-store.ts';
import { isAppError } from '../../errors.ts';
import { type Actor, operator } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { readStoreVersion } from '../../store/repos/version-repo.ts';
import { editAnnotation, publishAnnotation, withdrawAnnotation } from './change.ts';
import { createAnnotation, type NewAnnotationInput } from './create.ts';
import { getAnnotation, listOrganisationAnnotations, listSeriesAnnotations } from './read.ts';

/** Runs `work` and returns the AppError code and details it throws. */
async function refusal(work: () => Promise<unknown>): Promise<{ code: string; details: readonly string[] }> {
  try {
    await work();
  } catch (error) {
    if (isAppError(error)) return { code: error.code, details: error.details };
    throw error;
  }
  assert.fail('expected the use case to refuse');
}

const event: NewAnnotationInput = {
  org: 'RJ1',
  metric: seriesMetric,
  date: '2024-05-14',
  kind: 'event',
  text: 'New streaming model in the emergency department',
  visibility: 'public',
  status: 'published',
};

const rebase: NewAnnotationInput = {
  org: 'RJ1',
  metric: seriesMetric,
  date: '2024-08-10',
  kind: 'rebase',
  text: 'Same-day emergency care unit opened',
  rebaseReason: 'SDEC opened in August and the shift has held for five months',
};

describe(`annotation use cases (${testBackend})`, () => {
  let store: Store;
  const now = new Date('2026-11-30T10:00:00Z');
  const clock = () => now;
  let people: Record<AnnotationCastName | 'anonymous', Actor>;
  const as = (name: AnnotationCastName | 'anonymous') => contextAs(store, people[name], clock);

  let audits = 0;
  before(async () => {
    store = await openTestStore();
    await resetTestStore(store);
    people = await setUpAnnotationStore(store, clock);
  });
  after(async () => {
    await store.close();
  });
  beforeEach(async () => {
    await clearAnnotations(store);
    audits = await annotationAuditCount(store);
  });
  /** Annotation audit entries written since the test began. */
  const auditsSince = async () => (await annotationAuditCount(store)) - audits;

  it('adds an event with one audit entry, dated as given', async () => {
    const row = await createAnnotation(as('contributor'), event);
    assert.equal(row.on_date, '2024-05-14');
    assert.equal(row.kind, 'event');
    assert.equal(await auditsSince(), 1);
    const entry = await sql<{ action: string; actor_label: string; org_code: string; entity_id: string }>`
      select action, actor_label, org_code, entity_id from audit_log where entity_type = 'annotation'
      and entity_id = ${String(row.id)}`.execute(store.db);
    assert.deepEqual(entry.rows, [
      {
        action: 'annotation.create',
        actor_label: `user:${row.created_by} ada@example.nhs.uk`,
        org_code: 'RJ1',
        entity_id: String(row.id),
      },
    ]);
  });

  it("lets only the organisation's contributors and admins (and the operator) annotate, writing nothing otherwise", async () => {
    const refusals: Record<string, string> = {};
    for (const name of ['anonymous', 'member', 'otherContributor', 'londonOversight'] as const)
      refusals[name] = (await refusal(() => createAnnotation(as(name), event))).code;
    assert.deepEqual(refusals, {
      anonymous: 'UNAUTHENTICATED',
      member: 'FORBIDDEN',
      otherContributor: 'FORBIDDEN',
      londonOversight: 'FORBIDDEN',
    });
    assert.equal((await storedAnnotations(store)).annotations.length, 0);
    assert.equal(await auditsSince(), 0);

    await createAnnotation(as('admin'), event);
    await createAnnotation(contextAs(store, operator('cli'), clock), event);
    assert.equal((await storedAnnotations(store)).annotations.length, 2);
    assert.equal(await auditsSince(), 2);
  });

  it('lists every field problem at once and saves nothing', async () => {
    const { code, details } = await refusal(() =>
      createAnnotation(as('contributor'), {
        org: 'RJ1',
        metric: 'no-such-metric',
        date: '2024-02-30',
        kind: 'gossip',
        text: '   ',
        visibility: 'everyone',
        status: 'final',
      }),
    );
    assert.equal(code, 'VALIDATION_FAILED');
    assert.deepEqual(
      details.map((detail) => detail.split(':')[0]),
      ['metric', 'kind', 'date', 'text', 'visibility', 'status'],
    );
    assert.equal((await storedAnnotations(store)).annotations.length, 0);
    assert.equal(await auditsSince(), 0);
  });

  it('takes text of up to 2,000 characters', async () => {
    const long = await refusal(() =>
      createAnnotation(as('contributor'), { ...event, text: 'x'.repeat(2001) }),
    );
    assert.deepEqual(long.details, ['text: must be 2,000 characters or fewer (it has 2,001)']);
    const row = await createAnnotation(as('contributor'), { ...event, text: 'x'.repeat(2000) });
    assert.equal(row.text.length, 2000);
  });

  it('adds a rebase from the start of the period holding its date, in the series configuration, changing the data version', async () => {
    const before = await readStoreVersion(store.db);
    const row = await createAnnotation(as('contributor'), rebase);
    const after = await readStoreVersion(store.db);
    assert.equal(row.on_date, '2024-08-01', 'the start of August, the period holding 10 August');
    assert.equal(row.visibility, 'public');
    assert.equal(row.status, 'published');
    assert.equal(row.rebase_reason, rebase.rebaseReason);
    assert.equal(after.data, before.data + 1);
    assert.equal(after.dialogue, before.dialogue + 1);
    const { rebaseDates } = await storedAnnotations(store);
    assert.deepEqual(rebaseDates, [
      {
        org_code: 'RJ1',
        metric_id: seriesMetric,
        dates: ['2024-08-01'],
        updated_by: `user:${row.created_by} ada@example.nhs.uk`,
      },
    ]);
    const audit = await sql<{ after: { seriesRebaseDates: string[] } }>`
      select after from audit_log where entity_type = 'annotation' and entity_id = ${String(row.id)}`.execute(
      store.db,
    );
    assert.deepEqual(audit.rows[0].after.seriesRebaseDates, ['2024-08-01']);
  });

  it('an annotation that is not a rebase leaves the data version and the series configuration alone', async () => {
    const before = await readStoreVersion(store.db);
    await createAnnotation(as('contributor'), event);
    const after = await readStoreVersion(store.db);
    assert.equal(after.data, before.data);
    assert.equal(after.dialogue, before.dialogue + 1);
    assert.deepEqual((await storedAnnotations(store)).rebaseDates, []);
  });

  it('refuses a rebase without a reason, kept private or in draft, listing every problem', async () => {
    const { details } = await refusal(() =>
      createAnnotation(as('contributor'), {
        ...rebase,
        rebaseReason: 'because',
        visibility: 'organisation',
        status: 'draft',
      }),
    );
    assert.deepEqual(
      details.map((detail) => detail.split(':')[0]),
      ['reason', 'visibility', 'status'],
    );
    const missing = await refusal(() =>
      createAnnotation(as('contributor'), { ...rebase, rebaseReason: null }),
    );
    assert.deepEqual(missing.details, ['reason: Give the reason for recalculating the limits']);
    assert.deepEqual(await storedAnnotations(store), { annotations: [], rebaseDates: [] });
  });

  it("refuses a rebase outside the series' periods, in its first period, or repeating one in force", async () => {
    const outside = await refusal(() =>
      createAnnotation(as('contributor'), { ...rebase, date: '2025-03-01' }),
    );
    assert.deepEqual(outside.details, [
      "date: must fall within the series' periods, 2024-01-01 to 2024-12-31",
    ]);
    const first = await refusal(() => createAnnotation(as('contributor'), { ...rebase, date: '2024-01-20' }));
    assert.match(first.details[0], /^date: falls in the series' first period/);
    await createAnnotation(as('contributor'), rebase);
    const repeat = await refusal(() => createAnnotation(as('admin'), { ...rebase, date: '2024-08-31' }));
    assert.deepEqual(repeat.details, ['date: The limits are already recalculated from 2024-08-01']);
    assert.equal((await storedAnnotations(store)).annotations.length, 1);
    assert.equal(await auditsSince(), 1);
  });

  it('two people adding the same rebase at once: one is kept, the other refused without trace', async () => {
    const results = await Promise.allSettled([
      createAnnotation(as('contributor'), rebase),
      createAnnotation(as('admin'), rebase),
    ]);
    assert.deepEqual(results.map((result) => result.status).sort(), ['fulfilled', 'rejected']);
    const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    assert.equal(rejected.reason.code, 'VALIDATION_FAILED');
    const stored = await storedAnnotations(store);
    assert.equal(stored.annotations.length, 1);
    assert.deepEqual(stored.rebaseDates[0].dates, ['2024-08-01']);
    assert.equal(await auditsSince(), 1);
  });

  it('withdrawing a rebase takes its date out of the series configuration; withdrawing again changes nothing', async () => {
    const kept = await createAnnotation(as('contributor'), { ...rebase, date: '2024-10-01' });
    const row = await createAnnotation(as('contributor'), rebase);
    const before = await readStoreVersion(store.db);
    const withdrawn = await withdrawAnnotation(as('admin'), row.id);
    assert.equal(withdrawn.status, 'withdrawn');
    assert.equal((await readStoreVersion(store.db)).data, before.data + 1);
    const { rebaseDates } = await storedAnnotations(store);
    assert.deepEqual(rebaseDates[0].dates, [kept.on_date]);
    assert.match(rebaseDates[0].updated_by, /ben@example\.nhs\.uk$/);
    const written = await auditsSince();
    await withdrawAnnotation(as('admin'), row.id);
    assert.equal(await auditsSince(), written);
    // With the rebase withdrawn, the same date can be rebased again.
    await createAnnotation(as('contributor'), rebase);
    assert.deepEqual((await storedAnnotations(store)).rebaseDates[0].dates, ['2024-08-01', '2024-10-01']);
  });

  it('reads annotations only as far as the reader may', async () => {
    const published = await createAnnotation(as('contributor'), event);
    const organisationOnly = await createAnnotation(as('contributor'), {
      ...event,
      date: '2024-06-02',
      visibility: 'organisation',
    });
    const draft = await createAnnotation(as('contributor'), {
      ...event,
      date: '2024-07-03',
      visibility: 'public',
      status: 'draft',
    });
    const readable = async (name: AnnotationCastName | 'anonymous') =>
      (await listSeriesAnnotations(as(name), 'RJ1', seriesMetric)).map((row) => row.id);
    assert.deepEqual(await readable('anonymous'), [published.id]);
    assert.deepEqual(await readable('otherContributor'), [published.id]);
    assert.deepEqual(await readable('londonOversight'), [published.id, organisationOnly.id]);
    assert.deepEqual(await readable('member'), [published.id, organisationOnly.id, draft.id]);
    assert.deepEqual(
      (await listOrganisationAnnotations(as('anonymous'), 'rj1')).map((row) => row.id),
      [published.id],
    );
    assert.equal((await refusal(() => getAnnotation(as('anonymous'), draft.id))).code, 'NOT_FOUND');
    assert.equal(
      (await refusal(() => withdrawAnnotation(as('otherContributor'), draft.id))).code,
      'NOT_FOUND',
    );
    assert.equal(
      (await refusal(() => withdrawAnnotation(as('anonymous'), published.id))).code,
      'UNAUTHENTICATED',
    );
    assert.equal((await refusal(() => withdrawAnnotation(as('member'), published.id))).code, 'FORBIDDEN');

    const written = await auditsSince();
    const publishedDraft = await publishAnnotation(as('admin'), draft.id);
    assert.equal(publishedDraft.status, 'published');
    assert.equal(await auditsSince(), written + 1);
    assert.deepEqual(await readable('anonymous'), [published.id, draft.id]);
    await withdrawAnnotation(as('contributor'), published.id);
    assert.deepEqual(await readable('anonymous'), [draft.id]);
    assert.equal((await refusal(() => publishAnnotation(as('admin'), published.id))).code, 'CONFLICT');
  });

  it("edits an annotation's fields with an audit entry, but never a rebase's date or a withdrawn one", async () => {
    const row = await createAnnotation(as('contributor'), event);
    const edited = await editAnnotation(as('admin'), row.id, {
      text: 'Streaming model, phase 2',
      date: '2024-05-20',
    });
    assert.equal(edited.text, 'Streaming model, phase 2');
    assert.equal(edited.on_date, '2024-05-20');
    assert.equal(await auditsSince(), 2);
    const entry = await sql<{ before: { text: string }; after: { text: string } }>`
      select before, after from audit_log where action = 'annotation.edit' and entity_id = ${String(row.id)}`.execute(
      store.db,
    );
    assert.deepEqual(
      [entry.rows[0].before.text, entry.rows[0].after.text],
      [event.text, 'Streaming model, phase 2'],
    );

    const shift = await createAnnotation(as('contributor'), rebase);
    const { details } = await refusal(() =>
      editAnnotation(as('contributor'), shift.id, {
        date: '2024-09-01',
        kind: 'event',
        visibility: 'organisation',
      }),
    );
    assert.deepEqual(
      details.map((detail) => detail.split(':')[0]),
      ['date', 'kind', 'visibility'],
    );
    const before = await readStoreVersion(store.db);
    const reasoned = await editAnnotation(as('contributor'), shift.id, {
      rebaseReason: 'Same-day emergency care opened; the shift has held since August',
    });
    assert.match(reasoned.rebase_reason ?? '', /held since August/);
    assert.equal(
      (await readStoreVersion(store.db)).data,
      before.data + 1,
      "a rebase's reason is on its chart",
    );

    await withdrawAnnotation(as('contributor'), row.id);
    assert.equal(
      (await refusal(() => editAnnotation(as('contributor'), row.id, { text: 'again' }))).code,
      'CONFLICT',
    );
  });
});
