import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outsideRateLimit, urlProblem } from './request-guards.ts';

describe('urlProblem: whether an address can be decoded', () => {
  it('accepts plain, percent-encoded UTF-8 and literal percent signs', () => {
    for (const url of [
      '/',
      '/organisations?search=kent%20community',
      '/organisations?search=caf%C3%A9',
      '/organisations?search=%F0%9F%98%80',
      '/api/v1/assessments/nof/Q4%202025%2F26',
      '/organisations?search=100%25',
      `/organisations/${'A'.repeat(1000)}`,
    ])
      assert.equal(urlProblem(url), undefined, url);
  });

  it('names a stray %, escapes that are not UTF-8, and an over-long part', () => {
    for (const url of ['/organisations?search=%zz', '/organisations/%E0%A4%A', '/a%', '/a%2'])
      assert.match(urlProblem(url) ?? '', /not followed by two hexadecimal digits/, url);
    for (const url of [
      '/organisations?search=%FF',
      '/metrics/%C0%80',
      '/organisations?search=%C3',
      '/x?%ED%A0%80=1',
    ])
      assert.match(urlProblem(url) ?? '', /not spell UTF-8/, url);
    assert.match(urlProblem(`/organisations/${'A'.repeat(1001)}`) ?? '', /longer than 1000 characters/);
  });
});

describe('outsideRateLimit', () => {
  it('leaves out health checks and static files, whatever their query, and nothing else', () => {
    for (const url of [
      '/health',
      '/health?probe=1',
      '/health/ready',
      '/assets/x.css',
      '/nhsuk-assets/images/a.svg',
      '/static/tend.css',
    ])
      assert.equal(outsideRateLimit(url), true, url);
    for (const url of [
      '/',
      '/healthy',
      '/health/readyz',
      '/organisations',
      '/api/v1/metrics',
      '/sign-in',
      '/assetsx/a',
    ])
      assert.equal(outsideRateLimit(url), false, url);
  });
});
