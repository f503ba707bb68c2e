import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { renderDotStrip, stackedDots } from './present.ts';

describe('the dot strip', () => {
  test('dots at the same half pixel are one circle as dark as the dots laid over one another', () => {
    const dots = stackedDots([100.1, 100.2, 99.9, 200]);
    assert.deepEqual([...dots.keys()], ['100.0', '200.0']);
    assert.equal(dots.get('200.0'), '0.45');
    // three dots of opacity 0.45: 1 − 0.55 × 0.55 × 0.55
    assert.ok(Math.abs(Number(dots.get('100.0')) - (1 - 0.55 * 0.55 * 0.55)) < 0.001);
  });

  test('every dot is accounted for by the opacity of the circle it is drawn in', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 16, max: 624, noNaN: true }), { maxLength: 150 }),
        (positions) => {
          const dots = stackedDots(positions);
          assert.ok(dots.size <= positions.length);
          let count = 0;
          for (const opacity of dots.values())
            count += Math.round(Math.log(1 - Number(opacity)) / Math.log(0.55));
          assert.equal(count, positions.length);
        },
      ),
    );
  });

  test('6,300 organisations draw at most one circle per half pixel', () => {
    const values = Array.from({ length: 6300 }, (_, index) => ({
      value: 20 + ((index * 7919) % 6300) / 150,
    }));
    const svg = renderDotStrip(
      values,
      { min: 20, max: 62, lowerQuartile: 30, median: 41, upperQuartile: 52, count: 6300 },
      {
        id: 'strip',
        title: 'A strip',
        description: 'Every organisation',
        format: String,
      },
    );
    const circles = svg.match(/<circle /g)?.length ?? 0;
    assert.ok(circles <= 2 * 608 + 1, `${circles} circles`);
    assert.ok(svg.length < 100_000, `${svg.length} characters`);
  });
});
