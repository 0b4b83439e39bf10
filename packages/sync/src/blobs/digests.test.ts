import { describe, expect, it } from 'vitest';
import { computeDigests } from './digests.ts';
import { nodeHashing } from './hashing.node.ts';
import { wasmHashing } from './hashing.wasm.ts';

describe.each([
  ['node:crypto', nodeHashing],
  ['hash-wasm', wasmHashing],
] as const)('computeDigests with %s', (_name, hashing) => {
  it('gives SHA-256 and SHA-1 (FIPS 180 test vector "abc") and the size', async () => {
    expect(await computeDigests(hashing, new TextEncoder().encode('abc'))).toEqual({
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d',
      size: 3,
    });
  });

  it('hashes a stream in pieces the same as in one buffer', async () => {
    const data = new Uint8Array(100_000).map((_, i) => (i * 31) & 255);
    async function* pieces() {
      for (let o = 0; o < data.length; o += 7_777) yield data.subarray(o, o + 7_777);
    }
    expect(await computeDigests(hashing, pieces())).toEqual(await computeDigests(nodeHashing, data));
  });
});
