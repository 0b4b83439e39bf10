import fc from 'fast-check';
import { expect, it } from 'vitest';
import { topK } from './top-k.ts';

it('equals sort-and-slice over the accepted items', () => {
  fc.assert(
    fc.property(
      fc.array(fc.float({ noNaN: true }), { maxLength: 200 }),
      fc.integer({ min: 1, max: 20 }),
      (xs, k) => {
        const accept = (i: number) => i % 3 !== 0;
        const expected = xs
          .map((s, i) => ({ s, i }))
          .filter((x) => accept(x.i))
          .sort((a, b) => b.s - a.s)
          .slice(0, k)
          .map((x) => x.s);
        expect(topK(xs, xs.length, k, accept).map((i) => xs[i])).toEqual(expected);
      },
    ),
  );
});
