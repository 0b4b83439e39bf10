/**
 * The upload queue on IndexedDB: `entries` (state per file) and `files` (the File itself,
 * kept until the library holds the bytes). One file is processed at a time: hashing is
 * CPU-bound in the worker, and order is what people expect from a backup list.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { randomId } from '../errors.ts';
import type { LibraryClient } from '../library/library-client.ts';
import { LibraryStorageError } from '../library/library-errors.ts';
import { isPending, type FileProcessor, type UploadEntry, type UploadQueue } from './upload-queue.ts';

interface QueueSchema extends DBSchema {
  entries: { key: string; value: UploadEntry };
  files: { key: string; value: File };
}

/** What the queue needs. */
export interface UploadQueueOptions {
  dbName: string;
  /** `onChange`'s `media` (a home node connected) sends again what could not be sent */
  library: Pick<LibraryClient, 'getAsset' | 'addAssets' | 'backUp'> &
    Partial<Pick<LibraryClient, 'onChange'>>;
  /** made lazily on first use (a worker in the browser) */
  processor?: () => FileProcessor;
  /** what says the browser is back online (default: the global scope) */
  online?: EventTarget;
}

export function createUploadQueue(opts: UploadQueueOptions): UploadQueue {
  let db: IDBPDatabase<QueueSchema> | undefined;
  let list: UploadEntry[] = [];
  let processor: FileProcessor | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const listeners = new Set<(e: readonly UploadEntry[]) => void>();
  const idleWaiters: (() => void)[] = [];
  let offLibrary: (() => void) | undefined;

  const notify = () => {
    const snapshot = [...list];
    for (const l of listeners) l(snapshot);
  };
  function open(): IDBPDatabase<QueueSchema> {
    if (!db) throw new LibraryStorageError('use the upload queue before start()', undefined);
    return db;
  }
  async function save(e: UploadEntry, persist = true): Promise<void> {
    list = list.map((x) => (x.id === e.id ? e : x));
    notify();
    if (persist) await open().put('entries', e);
  }
  async function getProcessor(): Promise<FileProcessor> {
    if (processor) return processor;
    if (opts.processor) processor = opts.processor();
    else processor = (await import('./worker-file-processor.ts')).createWorkerFileProcessor();
    return processor;
  }

  async function processOne(entry: UploadEntry): Promise<void> {
    const file = await open().get('files', entry.id);
    if (!file) {
      await save({
        ...entry,
        state: 'failed',
        error: `${entry.name} is no longer stored in this browser; add it again`,
      });
      return;
    }
    let e: UploadEntry = { ...entry, state: 'hashing', progress: 0 };
    await save(e);
    try {
      const p = await (await getProcessor()).process(file, (f) => void save({ ...e, progress: f }, false));
      e = { ...e, hash: p.hash, state: 'importing', progress: 1 };
      await save(e);
      const had = await opts.library.getAsset(p.hash);
      if (had) {
        // Added by this very entry before its send failed: still "added", not a duplicate.
        e = { ...e, state: entry.sendFailed ? 'done' : 'duplicate' };
      } else {
        const asset = {
          id: p.hash,
          type: p.type,
          mime: p.mime,
          size: file.size,
          capturedAt: p.capturedAt,
          width: p.width,
          height: p.height,
          fileName: entry.name,
          original: file,
          ...(p.thumbhash !== undefined ? { thumbhash: p.thumbhash } : {}),
          ...(p.thumbnail !== undefined ? { thumbnail: p.thumbnail } : {}),
          ...(p.preview !== undefined ? { preview: p.preview } : {}),
          ...(p.motion !== undefined ? { motion: p.motion } : {}),
          ...(p.camera !== undefined ? { camera: p.camera } : {}),
          ...(p.tzOffsetMin !== undefined ? { tzOffsetMin: p.tzOffsetMin } : {}),
          ...(p.gps !== undefined ? { gps: p.gps } : {}),
          ...(p.place !== undefined ? { place: p.place } : {}),
          ...(p.phash !== undefined ? { phash: p.phash } : {}),
          ...(p.durationMs !== undefined ? { durationMs: p.durationMs } : {}),
        };
        const r = await opts.library.addAssets([asset]);
        e = { ...e, state: r.added.length ? 'done' : 'duplicate' };
      }
      // Paired: the home node gets the original (also one added earlier but never backed up).
      if (opts.library.backUp && !had?.backedUp) {
        const done = e.state;
        await save({ ...e, state: 'uploading', progress: 0 });
        try {
          // Per piece: what the node holds of the whole (a resumed send starts part-way).
          const sending = { ...e, state: 'uploading' as const };
          await opts.library.backUp(
            p.hash,
            (sent, total) => void save({ ...sending, progress: total > 0 ? sent / total : 1 }, false),
          );
        } catch (err) {
          // Kept in the library here; only the send failed: tried again once back online.
          e = { ...e, sendFailed: true };
          throw err;
        }
        const { sendFailed: _sent, ...rest } = e;
        e = { ...rest, state: done };
      }
      // The library holds the bytes now: the queue's copy would double the space used.
      await open().delete('files', entry.id);
      await save(e);
    } catch (err) {
      await save({ ...e, state: 'failed', error: err instanceof Error ? err.message : String(err) });
    }
  }

  async function run(): Promise<void> {
    for (;;) {
      if (stopped) return;
      const next = list.find((e) => e.state === 'queued');
      if (!next) break;
      await processOne(next);
    }
  }
  function kick(): void {
    if (running || stopped) return;
    running = run().finally(() => {
      running = undefined;
      // A file added while the loop was finishing still gets its turn.
      if (!stopped && list.some((e) => e.state === 'queued')) kick();
      else if (!list.some(isPending)) for (const w of idleWaiters.splice(0)) w();
    });
  }

  const online: EventTarget | undefined =
    opts.online ?? ('addEventListener' in globalThis ? (globalThis as unknown as EventTarget) : undefined);

  /** Back online: sends that failed (not files that did) go again. */
  function onOnline(): void {
    for (const e of list) if (e.state === 'failed' && e.sendFailed) void api.retry(e.id);
  }

  const api: UploadQueue = {
    async start() {
      stopped = false;
      db = await openDB<QueueSchema>(opts.dbName, 1, {
        upgrade(d) {
          d.createObjectStore('entries', { keyPath: 'id' });
          d.createObjectStore('files');
        },
      });
      // Whatever was mid-way when the page went away starts over (hashing is idempotent).
      list = (await db.getAll('entries'))
        .sort((a, b) => a.addedAt - b.addedAt)
        .map((e) => (isPending(e) ? { ...e, state: 'queued', progress: 0 } : e));
      notify();
      kick();
      online?.addEventListener('online', onOnline);
      // A send tried before the home node was reached (the page dials it after its first paint,
      // and a file picked at once is sent before that) goes again once it is: the browser was
      // online all along, so no `online` event would come.
      offLibrary = opts.library.onChange?.((c) => c.media && onOnline());
      // A send cut off by a reload or by going offline goes again now (it resumes where the
      // node's copy stops), not only on the next `online` event, which may never come.
      if ((globalThis.navigator as Navigator | undefined)?.onLine !== false) onOnline();
    },
    async stop() {
      online?.removeEventListener('online', onOnline);
      offLibrary?.();
      offLibrary = undefined;
      stopped = true;
      await running;
      processor?.close();
      processor = undefined;
      db?.close();
      db = undefined;
    },
    async add(files) {
      const now = Date.now();
      const added: UploadEntry[] = files.map((f, i) => ({
        id: randomId(),
        name: f.name,
        size: f.size,
        type: f.type,
        lastModified: f.lastModified,
        state: 'queued',
        progress: 0,
        addedAt: now + i / 1000,
      }));
      try {
        const tx = open().transaction(['entries', 'files'], 'readwrite');
        for (const [i, e] of added.entries()) {
          await tx.objectStore('files').put(files[i]!, e.id);
          await tx.objectStore('entries').put(e);
        }
        await tx.done;
      } catch (err) {
        throw new LibraryStorageError(`queue ${files.length} files for backup`, err);
      }
      list = [...list, ...added];
      notify();
      kick();
    },
    entries: () => list,
    onUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async retry(id) {
      const e = list.find((x) => x.id === id);
      if (!e || e.state !== 'failed') return;
      // `sendFailed` stays until the send succeeds: the entry's own photo is not a duplicate.
      const { error: _error, ...rest } = e;
      await save({ ...rest, state: 'queued', progress: 0 });
      kick();
    },
    async clearFinished() {
      const gone = list.filter((e) => e.state === 'done' || e.state === 'duplicate');
      const tx = open().transaction('entries', 'readwrite');
      for (const e of gone) await tx.store.delete(e.id);
      await tx.done;
      list = list.filter((e) => !gone.includes(e));
      notify();
    },
    idle() {
      if (!list.some(isPending)) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
  return api;
}
