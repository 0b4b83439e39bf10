/**
 * The contract every TimelineIndexStore backend passes (automerge-repo's
 * runStorageAdapterTests is the model). `setup` returns a fresh, empty store; `reopen`, when
 * the backend persists, opens the same storage again (after the first store was closed).
 */
import { describe, expect, it } from 'vitest';
import type { TimelineIndexStore } from './timeline-index-store.ts';

export interface TimelineIndexStoreFixture {
  store: TimelineIndexStore;
  reopen?: () => Promise<TimelineIndexStore>;
  teardown?: () => Promise<void>;
}

const bytes = (...v: number[]) => new Uint8Array(v);

export function runTimelineIndexStoreContract(
  name: string,
  setup: () => Promise<TimelineIndexStoreFixture>,
): void {
  describe(`TimelineIndexStore contract: ${name}`, () => {
    async function withStore(fn: (f: TimelineIndexStoreFixture) => Promise<void>) {
      const f = await setup();
      try {
        await fn(f);
      } finally {
        await f.store.close();
        await f.teardown?.();
      }
    }

    it('starts empty', () =>
      withStore(async ({ store }) => {
        expect(await store.months()).toEqual([]);
        expect(await store.read('2024-07')).toBeUndefined();
      }));

    it('reads back exactly what was written, and lists months newest first', () =>
      withStore(async ({ store }) => {
        await store.write('2023-01', bytes(1, 2, 3));
        await store.write('2024-12', bytes(4));
        await store.write('2024-02', new Uint8Array(0));
        expect(await store.months()).toEqual(['2024-12', '2024-02', '2023-01']);
        expect(await store.read('2023-01')).toEqual(bytes(1, 2, 3));
        expect(await store.read('2024-02')).toEqual(new Uint8Array(0));
      }));

    it('replaces a month on write, and the caller may reuse its buffer', () =>
      withStore(async ({ store }) => {
        const buf = bytes(1, 1, 1, 1);
        await store.write('2024-07', buf);
        buf.fill(9);
        expect(await store.read('2024-07')).toEqual(bytes(1, 1, 1, 1));
        await store.write('2024-07', bytes(2));
        expect(await store.read('2024-07')).toEqual(bytes(2));
        expect(await store.months()).toEqual(['2024-07']);
      }));

    it('keeps the last of concurrent writes to one month whole', () =>
      withStore(async ({ store }) => {
        const big = (v: number) => new Uint8Array(256 * 1024).fill(v);
        await Promise.all([store.write('2024-07', big(1)), store.write('2024-07', big(2))]);
        const got = await store.read('2024-07');
        expect(got?.length).toBe(256 * 1024);
        expect(new Set(got)).toHaveLength(1);
      }));

    it('deletes a month (and deleting a missing one is fine)', () =>
      withStore(async ({ store }) => {
        await store.write('2024-07', bytes(1));
        await store.delete('2024-07');
        await store.delete('1999-01');
        expect(await store.read('2024-07')).toBeUndefined();
        expect(await store.months()).toEqual([]);
      }));

    it('refuses keys that are not months', () =>
      withStore(async ({ store }) => {
        for (const bad of ['../etc', '2024-13', '2024-07.1', '']) {
          await expect(store.write(bad, bytes(1))).rejects.toMatchObject({ code: 'CATALOG_INVALID_INPUT' });
        }
        expect(await store.months()).toEqual([]);
      }));

    it('persists across reopen when the backend persists', async () => {
      const f = await setup();
      try {
        if (!f.reopen) return;
        await f.store.write('2024-07', bytes(7, 7));
        await f.store.close();
        const again = await f.reopen();
        expect(await again.months()).toEqual(['2024-07']);
        expect(await again.read('2024-07')).toEqual(bytes(7, 7));
        await again.close();
      } finally {
        await f.teardown?.();
      }
    });
  });
}
