import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Actor, anonymous, type Grant, operator } from './actor.ts';
import { canChangeSignalStatus, type SignalResource } from './signal.ts';

function user(...grants: Omit<Grant, 'validFrom' | 'validTo'>[]): Actor {
  return {
    kind: 'user',
    userId: 1,
    email: 'a@example.nhs.uk',
    name: 'A',
    grants: grants.map((grant) => ({ ...grant, validFrom: '2026-01-01', validTo: null })),
    via: 'session',
  };
}

const trustSignal: SignalResource = {
  org: { code: 'RJ1', icbCodes: ['QKK'], regionCodes: ['Y56'] },
  teamCode: null,
};
const teamSignal: SignalResource = { ...trustSignal, teamCode: 'RJ1T01' };

test('the organisation’s contributors and admins, and those who oversee it, change a signal’s status; no one else', () => {
  const cases: [string, Actor, boolean][] = [
    ['anonymous', anonymous, false],
    ['operator', operator('test'), true],
    ['member', user({ role: 'member', scopeKind: 'organisation', scopeCode: 'RJ1' }), false],
    ['contributor', user({ role: 'contributor', scopeKind: 'organisation', scopeCode: 'RJ1' }), true],
    ['admin', user({ role: 'admin', scopeKind: 'organisation', scopeCode: 'RJ1' }), true],
    ['another trust’s admin', user({ role: 'admin', scopeKind: 'organisation', scopeCode: 'RYY' }), false],
    ['its ICB’s system lead', user({ role: 'system-lead', scopeKind: 'system', scopeCode: 'QKK' }), true],
    [
      'another ICB’s system lead',
      user({ role: 'system-lead', scopeKind: 'system', scopeCode: 'QOP' }),
      false,
    ],
    ['its region’s oversight', user({ role: 'oversight', scopeKind: 'region', scopeCode: 'Y56' }), true],
    ['another region’s oversight', user({ role: 'oversight', scopeKind: 'region', scopeCode: 'Y60' }), false],
    ['national oversight', user({ role: 'oversight', scopeKind: 'england', scopeCode: null }), true],
    ['facilitator', user({ role: 'facilitator', scopeKind: 'none', scopeCode: null }), false],
  ];
  for (const [who, actor, allowed] of cases)
    assert.equal(canChangeSignalStatus(actor, trustSignal), allowed, who);
});

test('a team’s contributors change its indicators’ signals, as the organisation’s writers do; the team’s members do not', () => {
  assert.equal(
    canChangeSignalStatus(
      user({ role: 'contributor', scopeKind: 'organisation', scopeCode: 'RJ1T01' }),
      teamSignal,
    ),
    true,
  );
  assert.equal(
    canChangeSignalStatus(
      user({ role: 'member', scopeKind: 'organisation', scopeCode: 'RJ1T01' }),
      teamSignal,
    ),
    false,
  );
  assert.equal(
    canChangeSignalStatus(
      user({ role: 'contributor', scopeKind: 'organisation', scopeCode: 'RJ1' }),
      teamSignal,
    ),
    true,
  );
  assert.equal(
    canChangeSignalStatus(
      user({ role: 'contributor', scopeKind: 'organisation', scopeCode: 'RJ1T01' }),
      trustSignal,
    ),
    false,
    'a team’s people do not change their organisation’s own signals',
  );
});
