/**
 * Opens the partial write a fetch appends verified chunks to: the store's own resumable
 * partial when it has one (the filesystem store), otherwise a plain `put` fed chunk by chunk,
 * which starts from zero after a restart but keeps every other guarantee.
 */
import type { BlobHash } from '../ids.ts';
import type { BlobPutResult, BlobStore, ChunkVerifier, PartialBlob, ResumeOptions } from './blob-store.ts';

/** Without `resume`, the put hashes what it writes itself; a caller's digest is not needed. */
export function openPartial(
  store: BlobStore,
  hash: BlobHash,
  chunkSize: number,
  verify: ChunkVerifier,
  options?: ResumeOptions,
): Promise<PartialBlob> {
  return store.resume
    ? store.resume(hash, chunkSize, verify, options)
    : Promise.resolve(partialViaPut(store, hash));
}

/** Chunks waiting for the put; appends wait when the put falls this far behind. */
const BEHIND = 2;

function partialViaPut(store: BlobStore, hash: BlobHash): PartialBlob {
  const items: (Uint8Array | null)[] = [];
  let wake: (() => void) | undefined;
  // Several appends may wait at once (a fetch keeps writes in flight): wake them all.
  const waiting = new Set<() => void>();
  const drained = () => {
    for (const w of waiting) w();
    waiting.clear();
  };
  let stopped: Error | undefined;
  let failed: unknown;
  let settled = false;

  async function* body(): AsyncIterable<Uint8Array> {
    for (;;) {
      while (items.length === 0 && !stopped) await new Promise<void>((r) => (wake = r));
      if (stopped) throw stopped;
      const c = items.shift()!;
      drained();
      if (c === null) return;
      yield c;
    }
  }
  const put: Promise<BlobPutResult> = store.put(body(), { expected: hash });
  put.then(
    () => (settled = true),
    (e: unknown) => {
      settled = true;
      failed = e;
      drained();
    },
  );

  return {
    size: 0,
    async append(chunk) {
      if (failed !== undefined) throw failed;
      if (stopped) throw stopped;
      if (chunk instanceof Uint8Array) items.push(chunk);
      else items.push(...chunk);
      wake?.();
      while (items.length > BEHIND && !settled) await new Promise<void>((r) => waiting.add(r));
      if (failed !== undefined) throw failed;
    },
    commit() {
      items.push(null);
      wake?.();
      return put;
    },
    async close() {
      stopped ??= new Error('fetch stopped');
      wake?.();
      await put.catch(() => undefined);
    },
  };
}
