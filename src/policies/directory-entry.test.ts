import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestStore } from '../../test/helpers/test-store.ts';
import { type EntrySource, type EntryState, entrySources, entryStates } from '../domain/improvement.ts';
import type { Store } from '../store/db.ts';
import { listDirectoryEntries } from '../store/repos/directory-repo.ts';
import { type Actor, anonymous, type Grant, operator } from './actor.ts';
import { canDirectoryEntry, canNominate, canSeeContactEmail } from './directory-entry.ts';
import { directoryScope } from './scope.ts';

let nextId = 100;
function user(...grants: Omit<Grant, 'validFrom' | 'validTo'>[]): Actor & { kind: 'user' } {
  const id = nextId++;
  return Object.freeze({
    kind: 'user',
    userId: id,
    email: `u${id}@example.nhs.uk`,
    name: `U${id}`,
    via: 'session',
    grants: grants.map((grant) => ({ ...grant, validFrom: '2026-01-01', validTo: null })),
  });
}
const of = (role: Grant['role'], code: string) =>
  ({ role, scopeKind: 'organisation', scopeCode: code }) as const;

const people = {
  anonymous,
  operator: operator('test'),
  memberA: user(of('member', 'RA1')),
  contributorA: user(of('contributor', 'RA1')),
  adminA: user(of('admin', 'RA1')),
  contributorB: user(of('contributor', 'RB1')),
  systemLeadA: user({ role: 'system-lead', scopeKind: 'system', scopeCode: 'QA1' }),
  oversightRegionA: user({ role: 'oversight', scopeKind: 'region', scopeCode: 'Y01' }),
  oversightEngland: user({ role: 'oversight', scopeKind: 'england', scopeCode: null }),
  facilitator: user({ role: 'facilitator', scopeKind: 'none', scopeCode: null }),
};
type Person = keyof typeof people;
const everyone = Object.keys(people) as Person[];
const who = (check: (actor: Actor) => boolean) => everyone.filter((name) => check(people[name]));
const entry = (state: EntryState, source: EntrySource = 'nomination', orgCode = 'RA1') => ({
  orgCode,
  state,
  source,
});

describe('directory entry policy', () => {
  it('lets everyone read published and stale entries', () => {
    for (const state of ['published', 'stale'] as const)
      assert.deepEqual(
        who((actor) => canDirectoryEntry(actor, 'read', entry(state))),
        everyone,
      );
  });

  it('lets only curators and the organisation’s people read candidate, invited and withdrawn entries', () => {
    for (const state of ['candidate', 'invited', 'withdrawn'] as const)
      assert.deepEqual(
        who((actor) => canDirectoryEntry(actor, 'read', entry(state))),
        ['operator', 'memberA', 'contributorA', 'adminA', 'oversightEngland', 'facilitator'],
        state,
      );
  });

  it('lets curators curate every entry, and nobody else', () => {
    for (const state of entryStates)
      assert.deepEqual(
        who((actor) => canDirectoryEntry(actor, 'curate', entry(state))),
        ['operator', 'oversightEngland', 'facilitator'],
      );
  });

  it('lets an organisation’s contributors and admins edit their own nomination until it is published', () => {
    assert.deepEqual(
      who((actor) => canDirectoryEntry(actor, 'edit', entry('candidate'))),
      ['operator', 'contributorA', 'adminA', 'oversightEngland', 'facilitator'],
    );
    assert.deepEqual(
      who((actor) => canDirectoryEntry(actor, 'edit', entry('published'))),
      ['operator', 'oversightEngland', 'facilitator'],
    );
    assert.deepEqual(
      who((actor) => canDirectoryEntry(actor, 'edit', entry('invited', 'facilitator'))),
      ['operator', 'oversightEngland', 'facilitator'],
      'an entry a facilitator found is curated, not edited by the organisation',
    );
  });

  it('lets an organisation nominate only itself, and curators any', () => {
    assert.deepEqual(
      who((actor) => canNominate(actor, 'RA1')),
      ['operator', 'contributorA', 'adminA', 'oversightEngland', 'facilitator'],
    );
  });

  it('shows a signed-in-only contact’s email to nobody anonymous', () => {
    assert.deepEqual(
      who((actor) => canSeeContactEmail(actor, 'signed_in')),
      everyone.filter((name) => name !== 'anonymous'),
    );
    assert.deepEqual(
      who((actor) => canSeeContactEmail(actor, 'public')),
      everyone,
    );
  });
});

describe('directory scope filter', () => {
  let store: Store;
  const rows: { id: number; orgCode: string; state: EntryState; source: EntrySource }[] = [];

  before(async () => {
    store = await openTestStore();
    await store.db
      .insertInto('organisation')
      .values(
        ['RA1', 'RB1'].map((code) => ({
          code,
          name: `Trust ${code}`,
          kind: 'trust' as const,
          source: 'test',
        })),
      )
      .execute();
    const at = new Date('2026-06-01T00:00:00Z');
    for (const orgCode of ['RA1', 'RB1'])
      for (const state of entryStates)
        for (const source of entrySources) {
          const row = await store.db
            .insertInto('directory_entry')
            .values({
              org_code: orgCode,
              title: `${orgCode} ${state} ${source}`,
              state,
              source,
              created_by_label: 'test',
              created_at: at,
              updated_at: at,
              published_at: state === 'published' || state === 'stale' ? at : null,
              withdrawn_at: state === 'withdrawn' ? at : null,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          rows.push({ id: row.id, orgCode, state, source });
        }
  });
  after(async () => {
    await store.close();
  });

  it('agrees with the read policy row by row, for every person', async () => {
    for (const name of everyone) {
      const actor = people[name];
      const listed = (await listDirectoryEntries(store.db, directoryScope(actor), {}))
        .map((row) => row.id)
        .sort((a, b) => a - b);
      const allowed = rows
        .filter((row) => canDirectoryEntry(actor, 'read', row))
        .map((row) => row.id)
        .sort((a, b) => a - b);
      assert.deepEqual(listed, allowed, name);
    }
    // Teeth: the lists differ between people.
    const anonymousCount = (await listDirectoryEntries(store.db, directoryScope(anonymous), {})).length;
    assert.equal(anonymousCount, 2 * 2 * entrySources.length);
    assert.equal(
      (await listDirectoryEntries(store.db, directoryScope(people.facilitator), {})).length,
      rows.length,
    );
  });
});
