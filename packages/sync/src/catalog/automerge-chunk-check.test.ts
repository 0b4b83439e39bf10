import { change, from, save, saveIncremental } from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import { automergeChunkProblem } from './automerge-chunk-check.ts';

function saved() {
  let d = from<{ a: number; s?: string; b?: number }>({ a: 1, s: 'x'.repeat(300) });
  d = change(d, (x) => void (x.b = 2));
  const doc = save(d);
  const inc = saveIncremental(change(d, (x) => void (x.a = 3)));
  return { doc, inc };
}

describe('automergeChunkProblem', () => {
  it('accepts a saved document, and a document followed by incremental chunks', () => {
    const { doc, inc } = saved();
    expect(automergeChunkProblem(doc)).toBeUndefined();
    const both = new Uint8Array(doc.length + inc.length);
    both.set(doc);
    both.set(inc, doc.length);
    expect(automergeChunkProblem(both)).toBeUndefined();
  });
  it('catches a flipped byte anywhere, garbage, a cut and trailing junk', () => {
    const { doc } = saved();
    for (const i of [0, 5, 8, 9, 20, doc.length - 1]) {
      const bad = doc.slice();
      bad[i]! ^= 0x01;
      expect(automergeChunkProblem(bad), `byte ${i}`).toMatch(/magic|checksum|type|length|truncated/);
    }
    const garbage = new Uint8Array(500).map((_, i) => (i * 7919 + 13) & 0xff);
    expect(automergeChunkProblem(garbage)).toMatch(/magic/);
    expect(automergeChunkProblem(doc.subarray(0, doc.length - 3))).toMatch(/truncated/);
    expect(automergeChunkProblem(doc.subarray(0, 6))).toMatch(/truncated/);
    const junk = new Uint8Array(doc.length + 2);
    junk.set(doc);
    expect(automergeChunkProblem(junk)).toMatch(/truncated|magic/);
    expect(automergeChunkProblem(new Uint8Array(0))).toMatch(/empty/);
  });
});
