import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, passwordProblems, verifyPassword } from './passwords.ts';
import { lockMinutes } from './sign-in.ts';

const quick = { memory: 1024, passes: 1, parallelism: 1 };

describe('passwords', () => {
  it('hashes with argon2id into a PHC string and verifies only the same password', async () => {
    const hash = await hashPassword('a long enough passphrase', quick);
    assert.match(hash, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.equal(await verifyPassword('a long enough passphrase', hash), true);
    assert.equal(await verifyPassword('a long enough passphrasE', hash), false);
    assert.notEqual(await hashPassword('a long enough passphrase', quick), hash, 'a fresh salt each time');
    assert.equal(await verifyPassword('anything', 'not-a-hash'), false);
  });

  it('follows NCSC-style rules: length and a deny list, every problem at once', () => {
    assert.deepEqual(passwordProblems('violet-otter-kettle'), []);
    assert.equal(passwordProblems('short').length, 1);
    assert.match(passwordProblems('Password12345!')[0], /too common/);
    assert.match(passwordProblems('qwertyuiop1234')[0], /too common/);
    assert.match(passwordProblems('aaaaaaaaaaaaaaaa')[0], /too common/);
    assert.match(passwordProblems('ada.lovelace-rules', 'ada.lovelace@example.nhs.uk')[0], /email/);
    assert.equal(passwordProblems('x'.repeat(300)).length, 2);
  });

  it('locks after five failures, doubling up to an hour', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 12, 20].map(lockMinutes), [0, 0, 0, 0, 1, 2, 4, 8, 60, 60]);
  });
});
