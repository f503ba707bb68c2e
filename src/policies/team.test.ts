import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Actor, anonymous, type Grant, operator } from './actor.ts';
import { canImportRows, canStartImport } from './import.ts';
import { scope } from './scope.ts';
import { canCreateTeam, canTeam } from './team.ts';
import { canReadTeamIndicator } from './team-indicator.ts';

/**
 * The team and team-indicator policies. Trust A (RA1, ICB QA1, region Y01) has team AT1; trust B
 * (RB1, ICB QB1, region Y02) has team BT1. Who may do what is written out by hand from the rules.
 */
const orgA = { code: 'RA1', icbCodes: ['QA1'], regionCodes: ['Y01'] };
const teamA = { code: 'AT1', parentCode: 'RA1' };
const teamB = { code: 'BT1', parentCode: 'RB1' };

let nextId = 1;
function user(...grants: Omit<Grant, 'validFrom' | 'validTo'>[]): Actor {
  const id = nextId++;
  return {
    kind: 'user',
    userId: id,
    email: `u${id}@example.nhs.uk`,
    name: `U${id}`,
    via: 'session',
    grants: grants.map((grant) => ({ ...grant, validFrom: '2026-01-01', validTo: null })),
  };
}
const of = (role: Grant['role'], code: string) =>
  ({ role, scopeKind: 'organisation', scopeCode: code }) as const;

const roles = {
  anonymous,
  operator: operator('test'),
  teamMember: user(of('member', 'AT1')),
  teamContributor: user(of('contributor', 'AT1')),
  teamAdmin: user(of('admin', 'AT1')),
  memberA: user(of('member', 'RA1')),
  contributorA: user(of('contributor', 'RA1')),
  adminA: user(of('admin', 'RA1')),
  adminB: user(of('admin', 'RB1')),
  otherTeamAdmin: user(of('admin', 'BT1')),
  systemLeadA: user({ role: 'system-lead', scopeKind: 'system', scopeCode: 'QA1' }),
  oversightRegionA: user({ role: 'oversight', scopeKind: 'region', scopeCode: 'Y01' }),
  oversightRegionB: user({ role: 'oversight', scopeKind: 'region', scopeCode: 'Y02' }),
  oversightEngland: user({ role: 'oversight', scopeKind: 'england', scopeCode: null }),
  facilitator: user({ role: 'facilitator', scopeKind: 'none', scopeCode: null }),
} as const;
type RoleKey = keyof typeof roles;
const everyone = Object.keys(roles) as RoleKey[];

const administrators: RoleKey[] = ['operator', 'teamAdmin', 'adminA'];
const valueEnterers: RoleKey[] = ['operator', 'teamContributor', 'teamAdmin', 'adminA'];
const organisationOnlyReaders: RoleKey[] = [
  'operator',
  'teamMember',
  'teamContributor',
  'teamAdmin',
  'memberA',
  'contributorA',
  'adminA',
  'systemLeadA',
  'oversightRegionA',
  'oversightEngland',
];

describe('team policy', () => {
  it('lets the organisation’s admins create its teams', () => {
    for (const key of everyone)
      assert.equal(canCreateTeam(roles[key], 'RA1'), key === 'operator' || key === 'adminA', key);
  });

  it('lets the team’s admins and the organisation’s admins administer the team', () => {
    for (const key of everyone)
      assert.equal(canTeam(roles[key], 'administer', teamA), administrators.includes(key), key);
  });

  it('lets the team’s contributors and admins, and the organisation’s admins, enter its values', () => {
    for (const key of everyone)
      assert.equal(canTeam(roles[key], 'enter-values', teamA), valueEnterers.includes(key), key);
    assert.equal(canTeam(roles.teamAdmin, 'enter-values', teamB), false, 'another team');
    assert.equal(canTeam(roles.adminB, 'enter-values', teamA), false, 'another organisation’s admin');
  });

  it('reads a public indicator for everyone, an organisation-only one for the people and overseers of the team’s organisation', () => {
    for (const key of everyone) {
      assert.equal(
        canReadTeamIndicator(roles[key], { teamCode: 'AT1', org: orgA, visibility: 'public' }),
        true,
        key,
      );
      assert.equal(
        canReadTeamIndicator(roles[key], { teamCode: 'AT1', org: orgA, visibility: 'organisation' }),
        organisationOnlyReaders.includes(key),
        key,
      );
    }
  });

  it('gives the scope a repository filters with: team codes among the codes whose people the actor is', () => {
    assert.deepEqual(scope(roles.teamMember, 'read', 'team_indicator').peopleOf, ['AT1']);
    assert.equal(scope(roles.operator, 'read', 'team_indicator').everything, true);
    assert.equal(scope(roles.oversightEngland, 'read', 'team_indicator').england, true);
  });

  it('lets team values be imported only by those who enter them, and organisations’ figures never by a team’s people', () => {
    const onlyA = { organisationRows: false, teams: [teamA] };
    const both = { organisationRows: false, teams: [teamA, teamB] };
    const mixed = { organisationRows: true, teams: [teamA] };
    for (const key of everyone) {
      const national = key === 'operator' || key === 'oversightEngland';
      assert.equal(
        canImportRows(roles[key], onlyA),
        national || valueEnterers.includes(key),
        `${key}: team A`,
      );
      assert.equal(canImportRows(roles[key], both), national, `${key}: teams A and B`);
      assert.equal(canImportRows(roles[key], mixed), national, `${key}: with organisations’ rows`);
      assert.equal(
        canStartImport(roles[key], [teamA]),
        national || valueEnterers.includes(key),
        `${key}: may send a file`,
      );
    }
    assert.equal(
      canImportRows(roles.teamAdmin, { organisationRows: false, teams: [] }),
      false,
      'an empty file',
    );
  });
});
