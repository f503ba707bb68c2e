import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { organisationAliases } from '../domain/organisation-aliases.ts';
import { findMatches, matchScore, normaliseForSearch, type SearchCandidate } from './search-match.ts';
import { boundedEditDistance, editDistance } from './suggest.ts';

/** Registered names as the ODS register spells them (after Tend's casing), with their codes. */
const registered: [string, string][] = [
  ['RJ1', "Guy's and St Thomas' NHS Foundation Trust"],
  ['RGT', 'Cambridge University Hospitals NHS Foundation Trust'],
  ['RNK', 'Tavistock and Portman NHS Foundation Trust'],
  ['RYY', 'Kent Community Health NHS Foundation Trust'],
  ['RVV', 'East Kent Hospitals University NHS Foundation Trust'],
  ['QKS', 'NHS Kent and Medway Integrated Care Board'],
  ['R0A', 'Manchester University NHS Foundation Trust'],
  ['RBV', 'The Christie NHS Foundation Trust'],
];
const candidates: SearchCandidate<string>[] = registered.map(([code, name]) => ({
  key: code,
  names: [name, ...organisationAliases.filter(([, aliasCode]) => aliasCode === code).map(([alias]) => alias)],
  item: code,
}));

describe('search matching', () => {
  it('bounded edit distance agrees with the full Levenshtein distance up to its bound', () => {
    const words = [
      '',
      'a',
      'kent',
      'knet',
      'addenbrookes',
      'adenbrooks',
      'manchester',
      'manchster',
      'guys',
      'gsst',
      'christie',
    ];
    for (const a of words)
      for (const b of words)
        for (const max of [0, 1, 2, 3]) {
          const full = editDistance(a, b);
          assert.equal(boundedEditDistance(a, b, max), full <= max ? full : max + 1, `${a} ${b} ${max}`);
        }
  });

  it('normalises case, accents, apostrophes and punctuation', () => {
    assert.equal(normaliseForSearch("  Guy’s and St Thomas' "), 'guys and st thomas');
    assert.equal(normaliseForSearch('A&E 4-hour'), 'a e 4 hour');
    assert.equal(normaliseForSearch('Créche'), 'creche');
  });

  it('finds organisations by the names people use, with or without the apostrophe', () => {
    assert.deepEqual(findMatches('GSTT', candidates, 5), ['RJ1']);
    assert.deepEqual(findMatches('Guys', candidates, 5), ['RJ1']);
    assert.deepEqual(findMatches("Addenbrooke's", candidates, 5), ['RGT']);
    assert.deepEqual(findMatches('addenbrookes', candidates, 5), ['RGT']);
    assert.deepEqual(findMatches('the christie', candidates, 5), ['RBV']);
  });

  it('forgives a typo or two a word, but only when nothing matches as typed', () => {
    assert.deepEqual(findMatches('Adenbrookes', candidates, 5), ['RGT']);
    assert.deepEqual(findMatches('Tavistok and Portmann', candidates, 5), ['RNK']);
    assert.deepEqual(findMatches('Manchster', candidates, 5), ['R0A']);
    // "Kent" matches three names as typed, so "Rent"-like near misses are not offered beside them.
    // The name starting with "Kent" first, then those containing it by name.
    assert.deepEqual(findMatches('kent', candidates, 5), ['RYY', 'RVV', 'QKS']);
    // Three letters allow no typo: "knt" is not "kent".
    assert.deepEqual(findMatches('xqz', candidates, 5), []);
    assert.equal(matchScore('Kentt Comunity', candidates[3]) !== null, true);
    assert.equal(matchScore('Kentt Comunity', candidates[0]), null);
  });

  it('puts the exact code first, then exact names, prefixes and substrings', () => {
    assert.equal(matchScore('qks', candidates[5]), 0);
    assert.equal(matchScore('GSTT', candidates[0]), 1);
    assert.equal(matchScore('Kent Comm', candidates[3]), 2);
    assert.equal(matchScore('Medway', candidates[5]), 3);
    assert.equal(matchScore('Kent Comunity', candidates[3]), 5);
    assert.equal(findMatches('kent and medway', candidates, 5)[0], 'QKS');
  });

  it('every alias names a code in the ODS code shape', () => {
    for (const [alias, code] of organisationAliases) {
      assert.match(code, /^[A-Z0-9]{3,5}$/, alias);
      assert.ok(normaliseForSearch(alias).length > 0, alias);
    }
  });
});
