// @vitest-environment node
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it, vi } from 'vitest';
import { createGroupWriter, type StoreWrite } from './idb-group-writer.ts';

let n = 0;
async function open() {
  const db = await openDB(`group-writer-${n++}`, 1, {
    upgrade(d) {
      d.createObjectStore('s');
    },
  });
  return { db, writer: createGroupWriter(db, 's'), txs: vi.spyOn(db, 'transaction') };
}
const put =
  (k: string, v: unknown): StoreWrite =>
  (s) => {
    s.put(v, k);
  };

describe('IndexedDB group commit', () => {
  it('writes asked for together share one transaction, and each resolves once committed', async () => {
    const { db, writer, txs } = await open();
    await Promise.all(Array.from({ length: 50 }, (_, i) => writer.write(put(`k${i}`, i))));
    expect(txs).toHaveBeenCalledTimes(1);
    expect(await db.count('s')).toBe(50);
  });

  it('keeps the order asked, even behind a write whose value is still being prepared', async () => {
    const { db, writer } = await open();
    let ready!: (w: StoreWrite) => void;
    const slow = writer.write(new Promise<StoreWrite>((r) => (ready = r)));
    const del = writer.write((s) => void s.delete('a'));
    setTimeout(() => ready(put('a', 1)), 1);
    await Promise.all([slow, del]);
    expect(await db.get('s', 'a')).toBeUndefined();
  });

  it('a failed batch lands nothing half-way; retried one by one, only the bad write fails', async () => {
    const { db, writer, txs } = await open();
    // A function cannot be stored: its put throws inside the batch's transaction.
    const results = await Promise.allSettled([
      writer.write(put('a', 1)),
      writer.write((s) => {
        s.put('half', 'b');
        s.put(() => 0, 'c');
      }),
      writer.write(put('d', 2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // the batch, then each write alone
    expect(txs).toHaveBeenCalledTimes(4);
    expect(await db.getAllKeys('s')).toEqual(['a', 'd']);
  });

  it('a write whose value could not be prepared fails alone', async () => {
    const { db, writer } = await open();
    const results = await Promise.allSettled([
      writer.write(Promise.reject(new Error('unreadable'))),
      writer.write(put('a', 1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(await db.getAllKeys('s')).toEqual(['a']);
  });
});
