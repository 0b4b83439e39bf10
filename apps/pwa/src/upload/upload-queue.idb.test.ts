// @vitest-environment node
// IndexedDB (fake-indexeddb) clones Node's File/Blob, not happy-dom's, so this runs in plain Node.
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { LibraryChange } from '../library/library-client.ts';
import { createLocalLibrary } from '../library/local-library.idb.ts';
import { hashBlob } from './hash-blob.ts';
import type { FileProcessor } from './upload-queue.ts';
import { createUploadQueue } from './upload-queue.idb.ts';

/** A processor that really hashes (the worker's image probing needs a browser). */
function hashingProcessor(gate?: Promise<void>): () => FileProcessor {
  return () => ({
    async process(file, onProgress) {
      await gate;
      const hash = await hashBlob(file, onProgress);
      return { hash, type: 'image', mime: file.type, width: 4, height: 3, capturedAt: file.lastModified };
    },
    close() {},
  });
}

const file = (name: string, text: string) =>
  new File([text], name, { type: 'image/jpeg', lastModified: Date.UTC(2021, 5, 1) });

describe('hashBlob', () => {
  it('streams to the same SHA-256 as node:crypto, reporting progress up to 1', async () => {
    const bytes = new Uint8Array(3_000_000).map((_, i) => (i * 7) & 0xff);
    const seen: number[] = [];
    const h = await hashBlob(new Blob([bytes]), (f) => seen.push(f));
    expect(h).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(seen.at(-1)).toBe(1);
  });
});

describe('upload queue (IndexedDB)', () => {
  it('hashes, deduplicates by content and imports into the library', async () => {
    const library = createLocalLibrary({ dbName: 'uq-lib-1' });
    await library.start();
    const q = createUploadQueue({ dbName: 'uq-1', library, processor: hashingProcessor() });
    await q.start();
    await q.add([file('a.jpg', 'aaa'), file('b.jpg', 'bbb'), file('a-copy.jpg', 'aaa')]);
    await q.idle();
    expect(q.entries().map((e) => [e.name, e.state])).toEqual([
      ['a.jpg', 'done'],
      ['b.jpg', 'done'],
      ['a-copy.jpg', 'duplicate'],
    ]);
    const id = createHash('sha256').update('aaa').digest('hex');
    const a = await library.getAsset(id);
    expect(a?.fileName).toBe('a.jpg');
    expect(await library.months()).toEqual([{ month: '2021-06', count: 2 }]);
    expect(await (await fetch((await library.mediaUrl(id, 'original'))!)).text()).toBe('aaa');
    await q.clearFinished();
    expect(q.entries()).toEqual([]);
    await q.stop();
    await library.stop();
  });

  it('survives a reload: queued files are processed by the next queue instance', async () => {
    const library = createLocalLibrary({ dbName: 'uq-lib-2' });
    await library.start();
    const never = new Promise<void>(() => {});
    const first = createUploadQueue({ dbName: 'uq-2', library, processor: hashingProcessor(never) });
    await first.start();
    await first.add([file('x.jpg', 'xxx'), file('y.jpg', 'yyy')]);
    await new Promise<void>((resolve) => {
      if (first.entries()[0]?.state === 'hashing') return resolve();
      const off = first.onUpdate((list) => list[0]?.state === 'hashing' && (off(), resolve()));
    });
    expect(first.entries().map((e) => e.state)).toEqual(['hashing', 'queued']);
    // The page goes away mid-hash: no stop(), the instance is simply abandoned.
    const second = createUploadQueue({ dbName: 'uq-2', library, processor: hashingProcessor() });
    await second.start();
    await second.idle();
    expect(second.entries().map((e) => e.state)).toEqual(['done', 'done']);
    expect((await library.months())[0]?.count).toBe(2);
    await second.stop();
    await library.stop();
  });

  it('a failing file is marked failed with a reason, the rest go on, and retry works', async () => {
    const library = createLocalLibrary({ dbName: 'uq-lib-3' });
    await library.start();
    let fail = true;
    const q = createUploadQueue({
      dbName: 'uq-3',
      library,
      processor: () => ({
        async process(f, p) {
          if (f.name === 'bad.jpg' && fail) throw new Error('not an image');
          return hashingProcessor()().process(f, p);
        },
        close() {},
      }),
    });
    await q.start();
    await q.add([file('bad.jpg', 'zz'), file('good.jpg', 'gg')]);
    await q.idle();
    expect(q.entries().map((e) => e.state)).toEqual(['failed', 'done']);
    expect(q.entries()[0]?.error).toContain('not an image');
    fail = false;
    await q.retry(q.entries()[0]!.id);
    await q.idle();
    expect(q.entries().map((e) => e.state)).toEqual(['done', 'done']);
    await q.stop();
    await library.stop();
  });
});

describe('upload queue backing up to the home node (paired library)', () => {
  it('sends each new original to the node; a failed send goes again once online, a backed-up duplicate is not resent', async () => {
    const local = createLocalLibrary({ dbName: 'uq-lib-bk' });
    await local.start();
    const sent: string[] = [];
    let fail = true;
    const backedUp = new Set<string>();
    const library = {
      addAssets: local.addAssets.bind(local),
      async getAsset(id: string) {
        const a = await local.getAsset(id);
        return a && { ...a, backedUp: backedUp.has(id) };
      },
      async backUp(id: string) {
        if (fail) throw new Error('the home node is not connected');
        sent.push(id);
        backedUp.add(id);
      },
    };
    const online = new EventTarget();
    const q = createUploadQueue({ dbName: 'uq-bk', library, processor: hashingProcessor(), online });
    await q.start();
    await q.add([file('a.jpg', 'aaa')]);
    await q.idle();
    const [failed] = q.entries();
    expect([failed?.state, failed?.error]).toEqual(['failed', 'the home node is not connected']);
    // Back online: the send goes again by itself.
    fail = false;
    online.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    await q.idle();
    const id = createHash('sha256').update('aaa').digest('hex');
    expect(sent).toEqual([id]);
    expect(q.entries().map((e) => e.state)).toEqual(['done']);
    // The same photo again: the node has it, nothing is sent.
    await q.add([file('again.jpg', 'aaa'), file('b.jpg', 'bbb')]);
    await q.idle();
    expect(sent).toEqual([id, createHash('sha256').update('bbb').digest('hex')]);
    expect(q.entries().map((e) => e.state)).toEqual(['done', 'duplicate', 'done']);
    await q.stop();
    await local.stop();
  });

  it('a send tried before the home node was reached goes again once it is (a `media` change), without an online event', async () => {
    const local = createLocalLibrary({ dbName: 'uq-lib-reach' });
    await local.start();
    const sent: string[] = [];
    let reached = false;
    const listeners = new Set<(c: LibraryChange) => void>();
    const library = {
      addAssets: local.addAssets.bind(local),
      async getAsset(id: string) {
        const a = await local.getAsset(id);
        return a && { ...a, backedUp: sent.includes(id) };
      },
      async backUp(id: string) {
        if (!reached) throw new Error('the home node is not connected; media arrives when it is');
        sent.push(id);
      },
      onChange: (l: (c: LibraryChange) => void) => (listeners.add(l), () => void listeners.delete(l)),
    };
    const q = createUploadQueue({
      dbName: 'uq-reach',
      library,
      processor: hashingProcessor(),
      online: new EventTarget(),
    });
    await q.start();
    await q.add([file('green.jpg', 'green')]);
    await q.idle();
    expect(q.entries().map((e) => [e.state, e.sendFailed])).toEqual([['failed', true]]);
    // Another change (an edit synced) sends nothing.
    for (const l of listeners) l({ assets: ['x'], albums: [], months: [] });
    expect(q.entries().map((e) => e.state)).toEqual(['failed']);
    reached = true;
    for (const l of listeners) l({ assets: [], albums: [], months: [], media: true });
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    await q.idle();
    expect(q.entries().map((e) => [e.state, e.sendFailed])).toEqual([['done', undefined]]);
    await q.stop();
    expect(listeners.size).toBe(0);
    await local.stop();
  });

  it('a send cut off by a reload goes again when the next queue starts, without an online event', async () => {
    const local = createLocalLibrary({ dbName: 'uq-lib-reload' });
    await local.start();
    const sent: string[] = [];
    let fail = true;
    const library = {
      addAssets: local.addAssets.bind(local),
      async getAsset(id: string) {
        const a = await local.getAsset(id);
        return a && { ...a, backedUp: sent.includes(id) };
      },
      async backUp(id: string, progress?: (sent: number, total: number) => void) {
        if (fail) throw new Error('connection reset');
        progress?.(5, 10);
        sent.push(id);
      },
    };
    const first = createUploadQueue({
      dbName: 'uq-reload',
      library,
      processor: hashingProcessor(),
      online: new EventTarget(),
    });
    await first.start();
    await first.add([file('big.jpg', 'big')]);
    await first.idle();
    expect(first.entries().map((e) => e.state)).toEqual(['failed']);
    await first.stop();
    fail = false;
    const shown: [string, number][] = [];
    const next = createUploadQueue({
      dbName: 'uq-reload',
      library,
      processor: hashingProcessor(),
      online: new EventTarget(),
    });
    next.onUpdate((es) => es[0]?.state === 'uploading' && shown.push([es[0].state, es[0].progress]));
    await next.start();
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    // The entry showed the send's own progress (half of the bytes), not a bar stuck at 0.
    expect(shown).toContainEqual(['uploading', 0.5]);
    await next.idle();
    expect(next.entries().map((e) => [e.state, e.sendFailed])).toEqual([['done', undefined]]);
    await next.stop();
    await local.stop();
  });
});
