// @vitest-environment node
import 'fake-indexeddb/auto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openSmartSearchStore } from './smart-search-setting.idb.ts';

let n = 0;

describe('the smart search setting (IndexedDB)', () => {
  it('starts unset, keeps the choice and the published size, and writes the size only when it changed', async () => {
    const name = `settings-${n++}`;
    const s = await openSmartSearchStore(name);
    onTestFinished(() => s.close());
    let changes = 0;
    s.onChange(() => changes++);
    expect(await s.read()).toEqual({});
    await s.setModelBytes(350_000_000);
    await s.setModelBytes(350_000_000);
    expect(changes).toBe(1);
    await s.setOn(true);
    expect(await s.read()).toEqual({ on: true, modelBytes: 350_000_000 });
    s.close();
    const again = await openSmartSearchStore(name);
    onTestFinished(() => again.close());
    expect(await again.read()).toEqual({ on: true, modelBytes: 350_000_000 });
  });

  it('a change in one context (the page) reaches another (the worker)', async () => {
    const name = `settings-${n++}`;
    const page = await openSmartSearchStore(name);
    const worker = await openSmartSearchStore(name);
    onTestFinished(() => (page.close(), worker.close()));
    const heard = new Promise<void>((resolve) => worker.onChange(resolve));
    await page.setOn(false);
    await heard;
    expect((await worker.read()).on).toBe(false);
  });
});
