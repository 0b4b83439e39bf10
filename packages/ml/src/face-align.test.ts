import { expect, it } from 'vitest';
import { ARCFACE_TEMPLATE, alignFace, estimateSimilarity } from './face-align.ts';

it('recovers a known similarity (rotation, scale, shift) from 5 points', () => {
  const [a, b, tx, ty] = [0.8, 0.3, 12, -7];
  const src = ARCFACE_TEMPLATE.map((p) => ({ x: p.x * 2 + 5, y: p.y * 2 - 3 }));
  const dst = src.map((p) => ({ x: a * p.x - b * p.y + tx, y: b * p.x + a * p.y + ty }));
  const m = estimateSimilarity(src, dst);
  expect([m.a, m.b, m.tx, m.ty].map((v) => Number(v.toFixed(6)))).toEqual([a, b, tx, ty]);
});

it('maps a face whose landmarks sit on the template to the same 112×112 pixels', () => {
  const size = 112;
  const data = Uint8Array.from({ length: size * size * 3 }, (_, i) => (i * 31) % 251);
  const out = alignFace({ width: size, height: size, data }, ARCFACE_TEMPLATE);
  expect(out.width).toBe(112);
  let diff = 0;
  for (let i = 0; i < data.length; i++)
    diff = Math.max(diff, Math.abs((out.data[i] as number) - (data[i] as number)));
  expect(diff).toBeLessThanOrEqual(1);
});
