/**
 * A writer for the crash test (blob-store.fs.test.ts): puts blobs into a filesystem store
 * as fast as it can — small ones whole (packed), some big ones streamed — and
 * prints each hash once its put resolved, until the test SIGKILLs it.
 *
 *   node blob-store-crash-child.fs.ts <root>
 */
import { randomBytes } from 'node:crypto';
import { createFsBlobStore } from './blob-store.fs.ts';

const root = process.argv[2];
if (!root) throw new Error('usage: blob-store-crash-child.fs.ts <root>');
const store = createFsBlobStore({ root });
await store.start();

async function* pieces(total: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < total; at += 64 * 1024) yield randomBytes(Math.min(64 * 1024, total - at));
}

let n = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    for (;;) {
      const i = n++;
      const r = await (i % 50 === 7 ? store.put(pieces(1 << 20)) : store.put(randomBytes(30_000)));
      process.stdout.write(`${r.hash}\n`);
    }
  }),
);
