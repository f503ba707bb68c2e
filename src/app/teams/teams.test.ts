import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { bundled, openLoadedStore } from '../../../test/helpers/loaded-store.ts';
import { addPerson } from '../../../test/helpers/people.ts';
import { resetTestStore, testBackend } from '../../../test/helpers/test-store.ts';
import { formatIssue } from '../../ingest/cells.ts';
import { type Actor, operator } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { listMetrics } from '../../store/repos/metric-repo.ts';
import { upsertMemberships, upsertOrganisations } from '../../store/repos/organisation-repo.ts';
import { loadUserActor } from '../accounts/actor.ts';
import { importFile } from '../import-file.ts';
import { canReadMetric, readableTeamIndicators } from './access.ts';
import { createTeam, createTeamIndicator, editTeamIndicator, enterTeamValues } from './write.ts';

/**
 * Teams and their own indicators on the store: who may create them, the tidy template with a
 * `team` column (good and bad files, the same file twice, who may import it), and who reads an
 * organisation-only indicator. RYY (Kent Community Health) holds the team; RJ1 is another trust.
 */

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-teams-test-'));
function csvFile(name: string, lines: readonly string[]): string {
  const file = path.join(folder, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** 24 months from April 2024, as tidy rows of the team's indicator. */
function monthlyRows(team: string, slug: string, org = 'RYY'): string[] {
  const rows = ['org_code,team,metric_id,period,value'];
  for (let index = 0; index < 24; index++) {
    const year = 2024 + Math.floor((index + 3) / 12);
    const month = String(((index + 3) % 12) + 1).padStart(2, '0');
    rows.push(`${org},${team},${slug},${year}-${month},${60 + (index % 5)}`);
  }
  return rows;
}

describe(`teams and their own indicators (${testBackend})`, () => {
  let store: Store;
  let baseline: { organisations: unknown[]; memberships: unknown[] };
  const actors: Record<string, Actor> = {};
  const as = (actor: Actor) => ({ db: store.db, actor, clock: () => new Date('2026-06-01T09:00:00Z') });

  async function person(email: string, grants: Parameters<typeof addPerson>[2]): Promise<Actor> {
    const id = await addPerson(store, email, grants);
    const actor = await loadUserActor(store.db, id, new Date(), 'session');
    assert.ok(actor);
    return actor;
  }

  before(async () => {
    store = await openLoadedStore([bundled.odsTrusts, bundled.trustLookup]);
    baseline = {
      organisations: await store.db
        .selectFrom('organisation')
        .selectAll()
        .where('kind', '<>', 'team')
        .execute(),
      memberships: await store.db.selectFrom('membership').selectAll().execute(),
    };
  });
  after(async () => {
    await store.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await resetTestStore(store);
    await upsertOrganisations(
      store.db,
      (baseline.organisations as { code: string; name: string; kind: 'trust' }[]).map((row) => ({
        ...row,
        authority: 'replace' as const,
      })),
      'test',
    );
    await upsertMemberships(
      store.db,
      (
        baseline.memberships as {
          member_code: string;
          parent_code: string;
          relation: 'icb_ods';
          valid_from: string;
          valid_to: string | null;
        }[]
      ).map((row) => ({
        memberCode: row.member_code,
        parentCode: row.parent_code,
        relation: row.relation,
        validFrom: row.valid_from,
        validTo: row.valid_to,
      })),
      'test',
    );
    actors.adminRYY = await person('admin.ryy@example.nhs.uk', [
      { role: 'admin', scopeKind: 'organisation', scopeCode: 'RYY' },
    ]);
    actors.memberRYY = await person('member.ryy@example.nhs.uk', [
      { role: 'member', scopeKind: 'organisation', scopeCode: 'RYY' },
    ]);
    actors.adminRJ1 = await person('admin.rj1@example.nhs.uk', [
      { role: 'admin', scopeKind: 'organisation', scopeCode: 'RJ1' },
    ]);
    actors.england = await person('england@example.nhs.uk', [{ role: 'oversight', scopeKind: 'england' }]);
  });

  async function teamWithIndicator(visibility: 'public' | 'organisation' = 'organisation') {
    const team = await createTeam(as(actors.adminRYY), { org: 'RYY', name: 'Maternity' });
    const teamAdmin = await person('team.admin@example.nhs.uk', [
      { role: 'admin', scopeKind: 'organisation', scopeCode: team.code },
    ]);
    const teamContributor = await person('team.contributor@example.nhs.uk', [
      { role: 'contributor', scopeKind: 'organisation', scopeCode: team.code },
    ]);
    const indicator = await createTeamIndicator(as(teamAdmin), team.code, {
      name: 'Continuity of carer',
      definition: 'Women seen by a midwife they had met before, of all booked.',
      unit: '%',
      direction: 'higher_is_better',
      target: '75',
      whyItMatters: 'Trust and continuity.',
      visibility,
    });
    return { team, teamAdmin, teamContributor, indicator };
  }

  it('lets an organisation’s admins add teams, numbered after its code, and nobody else', async () => {
    const first = await createTeam(as(actors.adminRYY), { org: 'ryy', name: '  Maternity  ' });
    assert.deepEqual(first, {
      code: 'RYYT01',
      name: 'Maternity',
      parent_code: 'RYY',
      parent_name: first.parent_name,
    });
    const second = await createTeam(as(operator('test')), { org: 'RYY', name: 'Health visiting' });
    assert.equal(second.code, 'RYYT02');
    for (const actor of [actors.memberRYY, actors.adminRJ1, actors.england])
      await assert.rejects(createTeam(as(actor), { org: 'RYY', name: 'X' }), { code: 'FORBIDDEN' });
    await assert.rejects(
      createTeam(as(actors.adminRYY), { org: 'RYY', name: ' ', code: 'RYYT01' }),
      (error: { code: string; details: string[] }) => {
        assert.equal(error.code, 'VALIDATION_FAILED');
        assert.deepEqual(
          error.details.map((detail) => detail.split(':')[0]),
          ['name', 'code'],
        );
        return true;
      },
    );
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id', 'org_code'])
      .where('action', '=', 'team.create')
      .orderBy('id')
      .execute();
    assert.deepEqual(audit, [
      { action: 'team.create', entity_id: 'RYYT01', org_code: 'RYY' },
      { action: 'team.create', entity_id: 'RYYT02', org_code: 'RYY' },
    ]);
  });

  it('lets the team’s admins define indicators, lists every problem at once, and keeps them out of the national catalogue', async () => {
    const { team, teamContributor, indicator } = await teamWithIndicator();
    assert.equal(indicator.metric_id, `team.${team.code}.continuity-of-carer`);
    assert.equal(indicator.target, 75);
    await assert.rejects(
      createTeamIndicator(as(teamContributor), team.code, {
        name: 'X',
        definition: 'x',
        unit: '%',
        direction: 'neutral',
        whyItMatters: 'x',
        visibility: 'public',
      }),
      { code: 'FORBIDDEN' },
    );
    await assert.rejects(
      createTeamIndicator(as(actors.adminRYY), team.code, {
        name: '',
        definition: '',
        unit: 'furlongs',
        direction: 'up',
        target: 'high',
        whyItMatters: '',
        visibility: 'secret',
      }),
      (error: { code: string; details: string[] }) => {
        assert.equal(error.code, 'VALIDATION_FAILED');
        assert.deepEqual(
          error.details.map((detail) => detail.split(':')[0]),
          ['name', 'slug', 'definition', 'unit', 'direction', 'target', 'whyItMatters', 'visibility'],
        );
        return true;
      },
    );
    const catalogue = (await listMetrics(store.db)).map((metric) => metric.id);
    assert.ok(catalogue.length > 10);
    assert.ok(!catalogue.some((id) => id.startsWith('team.')), 'no team indicator in the national catalogue');
  });

  it('lets the team’s admins change an indicator and who may see it, keeping its unit and direction, in one audit entry', async () => {
    const { team, teamAdmin, teamContributor, indicator } = await teamWithIndicator('organisation');
    const change = {
      name: 'Continuity of carer (booked women)',
      definition: indicator.description ?? '',
      target: '',
      whyItMatters: 'Trust.',
      visibility: 'public',
    };
    await assert.rejects(editTeamIndicator(as(teamContributor), team.code, indicator.slug, change), {
      code: 'FORBIDDEN',
    });
    await assert.rejects(
      editTeamIndicator(as(teamAdmin), team.code, indicator.slug, { ...change, name: '', visibility: 'all' }),
      (error: { code: string; details: string[] }) => {
        assert.deepEqual(
          error.details.map((detail) => detail.split(':')[0]),
          ['name', 'visibility'],
        );
        return true;
      },
    );
    assert.equal(await canReadMetric(as({ kind: 'anonymous' }), indicator.metric_id), false);
    const changed = await editTeamIndicator(as(teamAdmin), team.code, indicator.slug, change);
    assert.equal(changed.name, 'Continuity of carer (booked women)');
    assert.equal(changed.target, null);
    assert.equal(changed.unit, '%');
    assert.equal(changed.visibility, 'public');
    assert.equal(await canReadMetric(as({ kind: 'anonymous' }), indicator.metric_id), true);
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['entity_id', 'before', 'after'])
      .where('action', '=', 'team_indicator.edit')
      .execute();
    assert.equal(audit.length, 1);
    assert.deepEqual(
      [
        (audit[0].before as { visibility: string }).visibility,
        (audit[0].after as { visibility: string }).visibility,
      ],
      ['organisation', 'public'],
    );
  });

  it('imports 24 months through the tidy template with a team column, as the team’s admin, and the same file twice changes nothing', async () => {
    const { team, teamAdmin, indicator } = await teamWithIndicator();
    const file = csvFile('good.csv', monthlyRows(team.code, 'continuity-of-carer'));
    const first = await importFile(store, file, { actor: teamAdmin, displayName: 'good.csv' });
    assert.equal(first.outcome, 'imported', first.issues.map(formatIssue).join('\n'));
    assert.equal(first.inserted, 24);
    const rows = await store.db
      .selectFrom('observation')
      .select(['org_code', 'metric_id', 'value'])
      .where('metric_id', '=', indicator.metric_id)
      .orderBy('period_start')
      .execute();
    assert.equal(rows.length, 24);
    assert.ok(rows.every((row) => row.org_code === team.code));
    assert.deepEqual(
      rows.slice(0, 6).map((row) => row.value),
      [60, 61, 62, 63, 64, 60],
    );
    const again = await importFile(store, file, { actor: teamAdmin, displayName: 'good.csv' });
    assert.equal(again.outcome, 'unchanged');
    const count = await store.db
      .selectFrom('observation')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(count.n, 24);
  });

  it('refuses a bad file with every problem as file:row:column, and writes nothing', async () => {
    const { team, teamAdmin } = await teamWithIndicator();
    const file = csvFile('bad.csv', [
      'org_code,team,metric_id,period,value',
      `RYY,${team.code},continuity-of-carer,2025-01,61`,
      'RYY,NOSUCH,continuity-of-carer,2025-02,61',
      `RJ1,${team.code},continuity-of-carer,2025-03,61`,
      `RYY,${team.code},no-such-indicator,2025-04,61`,
      `RYY,${team.code},continuity-of-carer,2025-13,61`,
      `RYY,${team.code},continuity-of-carer,2025-05,lots`,
      `RYY,,team.${team.code}.continuity-of-carer,2025-06,61`,
      `${team.code},,ae-4hr-type1,2025-07,61`,
    ]);
    const before = await store.db
      .selectFrom('import_batch')
      .select('id')
      .where('outcome', '=', 'imported')
      .execute();
    const result = await importFile(store, file, { actor: teamAdmin, displayName: 'bad.csv' });
    assert.equal(result.outcome, 'rejected');
    const problems = result.issues.filter((issue) => issue.severity === 'error').map(formatIssue);
    const where = problems.map((problem) => problem.split(': ')[0]);
    assert.deepEqual(where, [
      'bad.csv:3:B',
      'bad.csv:4:A',
      'bad.csv:5:C',
      'bad.csv:6:D',
      'bad.csv:7:E',
      'bad.csv:8:C',
      'bad.csv:9:A',
    ]);
    assert.match(problems[0], /NOSUCH.*not a team/);
    assert.match(problems[1], /not the organisation team/);
    assert.match(problems[2], /not an indicator of team/);
    assert.match(problems[5], /name the team in a team column/);
    assert.match(problems[6], /is a team/);
    const observations = await store.db.selectFrom('observation').select('org_code').execute();
    assert.deepEqual(observations, []);
    const after = await store.db
      .selectFrom('import_batch')
      .select('id')
      .where('outcome', '=', 'imported')
      .execute();
    assert.deepEqual(after, before);
  });

  it('lets only those who enter a team’s values import them, and never organisations’ figures', async () => {
    const { team, teamContributor } = await teamWithIndicator();
    const other = await createTeam(as(actors.adminRJ1), { org: 'RJ1', name: 'Theatres' });
    const good = csvFile('team.csv', monthlyRows(team.code, 'continuity-of-carer'));
    for (const actor of [actors.memberRYY, actors.adminRJ1])
      await assert.rejects(importFile(store, good, { actor }), { code: 'FORBIDDEN' });
    const mixed = csvFile('mixed.csv', [
      'org_code,team,metric_id,period,value',
      `RYY,${team.code},continuity-of-carer,2025-01,61`,
      'RYY,,ae-4hr-type1,2025-01,95',
    ]);
    await assert.rejects(importFile(store, mixed, { actor: teamContributor }), { code: 'FORBIDDEN' });
    assert.equal(
      (await store.db.selectFrom('observation').select('org_code').execute()).length,
      0,
      'nothing written by a refused import',
    );
    assert.equal(other.code, 'RJ1T01');
    const contributor = await importFile(store, good, { actor: teamContributor });
    assert.equal(contributor.outcome, 'imported');
    // The organisation's admin enters its teams' values too; national oversight imports anything.
    const update = csvFile('update.csv', [
      'org_code,team,metric_id,period,value',
      `RYY,${team.code},team.${team.code}.continuity-of-carer,2024-04,70`,
    ]);
    assert.equal((await importFile(store, update, { actor: actors.adminRYY })).outcome, 'imported');
    const mixedAgain = csvFile('mixed-again.csv', [
      'org_code,team,metric_id,period,value',
      `RYY,${team.code},continuity-of-carer,2024-05,71`,
      'RYY,,ae-4hr-type1,2025-01,95',
    ]);
    assert.equal((await importFile(store, mixedAgain, { actor: actors.england })).outcome, 'imported');
  });

  it('enters typed values through the same import, and the same values sent again after others are written again', async () => {
    const { team, teamContributor, indicator } = await teamWithIndicator();
    const context = { ...as(teamContributor), store };
    const first = await enterTeamValues(context, team.code, 'continuity-of-carer', [
      { period: '2025-01', value: 61 },
      { period: '2025-02', value: '62.5' },
    ]);
    assert.equal(first.inserted, 2);
    await enterTeamValues(context, team.code, 'continuity-of-carer', [{ period: '2025-01', value: 50 }]);
    await enterTeamValues(context, team.code, 'continuity-of-carer', [
      { period: '2025-01', value: 61 },
      { period: '2025-02', value: '62.5' },
    ]);
    const values = await store.db
      .selectFrom('observation')
      .select('value')
      .where('metric_id', '=', indicator.metric_id)
      .orderBy('period_start')
      .execute();
    assert.deepEqual(
      values.map((row) => row.value),
      [61, 62.5],
    );
    await assert.rejects(
      enterTeamValues(context, team.code, 'continuity-of-carer', [{ period: '2025-03', value: 'lots' }]),
      (error: { code: string; details: string[] }) => {
        assert.equal(error.code, 'IMPORT_FAILED');
        assert.match(error.details.join('\n'), /lots/);
        return true;
      },
    );
    await assert.rejects(
      enterTeamValues({ ...as(actors.memberRYY), store }, team.code, 'continuity-of-carer', [
        { period: '2025-03', value: 1 },
      ]),
      { code: 'FORBIDDEN' },
    );
  });

  it('shows an organisation-only indicator to the team’s and organisation’s people and those who oversee it, and a public one to everyone', async () => {
    const { team, teamContributor, indicator } = await teamWithIndicator('organisation');
    const context = await store.db
      .selectFrom('membership')
      .select(['parent_code', 'relation'])
      .where('member_code', '=', 'RYY')
      .execute();
    const icb = context.find((row) => row.relation === 'icb_ods')?.parent_code;
    const region = context.find((row) => row.relation === 'region')?.parent_code;
    assert.ok(icb && region);
    const systemLead = await person('lead@example.nhs.uk', [
      { role: 'system-lead', scopeKind: 'system', scopeCode: icb },
    ]);
    const regional = await person('region@example.nhs.uk', [
      { role: 'oversight', scopeKind: 'region', scopeCode: region },
    ]);
    const facilitator = await person('facilitator@example.nhs.uk', [
      { role: 'facilitator', scopeKind: 'none' },
    ]);
    const readers: [string, Actor, boolean][] = [
      ['anonymous', { kind: 'anonymous' }, false],
      ['team contributor', teamContributor, true],
      ['member of RYY', actors.memberRYY, true],
      ['admin of RJ1', actors.adminRJ1, false],
      ['system lead of RYY’s ICB', systemLead, true],
      ['oversight of RYY’s region', regional, true],
      ['national oversight', actors.england, true],
      ['facilitator', facilitator, false],
      ['operator', operator('test'), true],
    ];
    for (const [who, actor, reads] of readers) {
      assert.equal(await canReadMetric(as(actor), indicator.metric_id), reads, `${who}: the policy`);
      const listed = await readableTeamIndicators(as(actor), { parent: 'RYY' });
      assert.equal(listed.length, reads ? 1 : 0, `${who}: the scoped list`);
      const byTeam = await readableTeamIndicators(as(actor), { team: team.code });
      assert.equal(byTeam.length, reads ? 1 : 0, `${who}: the team's list`);
    }
    await store.db.updateTable('team_indicator').set({ visibility: 'public' }).execute();
    for (const [who, actor] of readers) {
      assert.equal(await canReadMetric(as(actor), indicator.metric_id), true, `${who}: public`);
      assert.equal(
        (await readableTeamIndicators(as(actor), { parent: 'RYY' })).length,
        1,
        `${who}: public list`,
      );
    }
    assert.equal(
      await canReadMetric(as({ kind: 'anonymous' }), 'ae-4hr-type1'),
      true,
      'national metrics are public',
    );
  });
});
