import { createSHA1, createSHA256, type IHasher } from 'hash-wasm';
import type { Hashing, IncrementalHash } from './hashing.ts';

function wrap(h: IHasher, create: () => Promise<IHasher>): IncrementalHash {
  return {
    update: (data) => void h.update(data),
    digest: () => h.digest('binary'),
    peek() {
      const state = h.save();
      const d = h.digest('binary');
      h.load(state);
      return d;
    },
    fork() {
      // The state is taken now: updates made while the copy is being created are not in it.
      const state = h.save();
      return create().then((copy) => {
        copy.load(state);
        return wrap(copy, create);
      });
    },
  };
}

const start = (create: () => Promise<IHasher>) => async () => wrap((await create()).init(), create);

/** Portable hashing (browsers, workers): hash-wasm, because WebCrypto cannot hash incrementally. */
export const wasmHashing: Hashing = {
  sha256: start(createSHA256),
  sha1: start(createSHA1),
  async sha256Of(data) {
    // WebCrypto exists only in secure contexts (a PWA served over plain http on a LAN has none).
    const subtle = globalThis.crypto?.subtle;
    if (subtle) return new Uint8Array(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
    const h = await createSHA256();
    h.init();
    h.update(data);
    return h.digest('binary');
  },
};
