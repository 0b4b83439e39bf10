import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { nodeHashing } from './hashing.node.ts';
import { wasmHashing } from './hashing.wasm.ts';

const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const data = new Uint8Array(300_000).map((_, i) => (i * 131) & 255);

describe.each([
  ['node:crypto', nodeHashing],
  ['hash-wasm', wasmHashing],
] as const)('incremental SHA-256 with %s', (_name, hashing) => {
  it('peeks at the digest of each prefix and keeps going', async () => {
    const h = await hashing.sha256();
    const peeks: Uint8Array[] = [];
    for (const end of [100_000, 200_000, 300_000]) {
      h.update(data.subarray(end - 100_000, end));
      peeks.push(h.peek());
    }
    expect(peeks).toEqual([100_000, 200_000, 300_000].map((end) => sha(data.subarray(0, end))));
    expect(h.digest()).toEqual(sha(data));
  });

  it('forks: updating the copy leaves the original where it was', async () => {
    const h = await hashing.sha256();
    h.update(data.subarray(0, 1000));
    const f = await h.fork();
    f.update(new Uint8Array([1, 2, 3]));
    h.update(data.subarray(1000, 2000));
    expect(f.digest()).toEqual(sha(new Uint8Array([...data.subarray(0, 1000), 1, 2, 3])));
    expect(h.digest()).toEqual(sha(data.subarray(0, 2000)));
  });

  it('copies the state at the call, not when the copy resolves', async () => {
    const h = await hashing.sha256();
    h.update(data.subarray(0, 1000));
    const pending = h.fork();
    h.update(data.subarray(1000, 2000)); // before the copy has resolved
    const f = await pending;
    expect(f.digest()).toEqual(sha(data.subarray(0, 1000)));
    expect(h.digest()).toEqual(sha(data.subarray(0, 2000)));
  });
});
