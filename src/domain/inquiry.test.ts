import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { promptDomainFor } from './inquiry.ts';

describe('promptDomainFor', () => {
  const cases: [string, { name: string; domain: string | null; subdomain: string | null }, string][] = [
    [
      'A&E four-hour',
      {
        name: 'A&E 4-hour performance, type 1',
        domain: 'Urgent and emergency care',
        subdomain: '4-hour standard',
      },
      'access_flow',
    ],
    [
      'ambulance',
      { name: 'Category 2 mean response time', domain: 'Access', subdomain: 'Ambulance' },
      'access_flow',
    ],
    ['cancer', { name: 'Cancer 62-day standard', domain: 'access', subdomain: null }, 'access_flow'],
    [
      'sickness',
      { name: 'Sickness absence rate', domain: 'People and workforce', subdomain: null },
      'workforce',
    ],
    [
      'staff survey',
      { name: 'NHS Staff Survey engagement score', domain: 'workforce', subdomain: null },
      'workforce',
    ],
    [
      'deficit',
      { name: 'Planned surplus or deficit', domain: 'Finance and productivity', subdomain: null },
      'finance',
    ],
    [
      'patient survey',
      {
        name: 'Inpatient experience score',
        domain: 'Effectiveness and experience',
        subdomain: 'Patient experience',
      },
      'patient_experience',
    ],
    [
      'mortality',
      { name: 'Summary Hospital-level Mortality Indicator', domain: 'Patient safety', subdomain: null },
      'safety_quality',
    ],
    [
      'beds',
      { name: 'General and acute beds available', domain: 'capacity', subdomain: null },
      'access_flow',
    ],
    ['context', { name: 'Registered population', domain: 'context', subdomain: null }, 'access_flow'],
    ['no domain', { name: 'Something else', domain: null, subdomain: null }, 'access_flow'],
  ];
  for (const [label, metric, expected] of cases)
    it(`places ${label} in ${expected}`, () =>
      assert.equal(promptDomainFor(Object.freeze(metric)), expected));
});
