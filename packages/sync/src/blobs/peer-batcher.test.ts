import { describe, expect, it } from 'vitest';
import type { PeerId } from '@libp2p/interface';
import type { BlobHash } from '../ids.ts';
import { createPeerBatcher } from './peer-batcher.ts';

const peer = { toString: () => 'peer-a' } as unknown as PeerId;
const h = (i: number) => i.toString(16).padStart(64, '0') as BlobHash;

describe('peer batcher', () => {
  it('sends what is asked in one tick together, and holds new questions while `inflight` requests are out', async () => {
    const sent: string[][] = [];
    const release: ((ok: boolean) => void)[] = [];
    const ask = createPeerBatcher<number>(
      (_p, hashes) =>
        new Promise((resolve, reject) => {
          sent.push(hashes);
          release.push((ok) =>
            ok ? resolve(hashes.map((x) => parseInt(x, 16))) : reject(new Error('gone')),
          );
        }),
      64,
      2,
    );
    const first = Array.from({ length: 100 }, (_, i) => ask(peer, h(i)));
    await Promise.resolve();
    expect(sent.map((s) => s.length)).toEqual([64, 36]);
    // Both requests are out: later questions wait, then go out as one.
    const later: Promise<number | undefined>[] = [];
    for (let i = 100; i < 110; i++) {
      later.push(ask(peer, h(i)));
      await Promise.resolve();
    }
    expect(sent).toHaveLength(2);
    release[0]!(true);
    expect(await Promise.all(first.slice(0, 64))).toEqual(Array.from({ length: 64 }, (_, i) => i));
    await new Promise((r) => setTimeout(r, 0));
    expect(sent.map((s) => s.length)).toEqual([64, 36, 10]);
    // A failed request answers its waiters with undefined.
    release[1]!(false);
    expect(await first[99]).toBeUndefined();
    release[2]!(true);
    expect(await Promise.all(later)).toEqual(Array.from({ length: 10 }, (_, i) => 100 + i));
  });
});
