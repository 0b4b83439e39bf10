import { cleanup, fireEvent, render, screen } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { SmartSearchSetting, SmartSearchStore } from './smart-search-setting.idb.ts';
import { smartSearchState, SmartSearchToggle } from './smart-search-toggle.tsx';

function memoryStore(init: SmartSearchSetting): SmartSearchStore & { value: SmartSearchSetting } {
  const listeners = new Set<() => void>();
  const store = {
    value: { ...init },
    read: async () => ({ ...store.value }),
    async setOn(on: boolean) {
      store.value = { ...store.value, on };
      for (const f of listeners) f();
    },
    async setModelBytes(modelBytes: number) {
      store.value = { ...store.value, modelBytes };
      for (const f of listeners) f();
    },
    onChange(fn: () => void) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close() {},
  };
  return store;
}

describe('smart search on this device', () => {
  afterEach(cleanup);

  it('is on by default for a small model, off for a large one, as the user chose otherwise', () => {
    expect(smartSearchState({ modelBytes: 1_200_000 })).toEqual({
      on: true,
      label: 'Smart search on this device — downloads 1 MB',
    });
    expect(smartSearchState({ modelBytes: 351_000_000 })).toEqual({
      on: false,
      label: 'Smart search on this device — downloads 351 MB',
    });
    expect(smartSearchState({ modelBytes: 351_000_000, on: true }).on).toBe(true);
    expect(smartSearchState({ modelBytes: 1_200_000, on: false }).on).toBe(false);
    expect(smartSearchState({}).label).toMatch(/once it publishes one/);
  });

  it('the Settings switch shows the size and saves the choice', async () => {
    const store = memoryStore({ modelBytes: 351_000_000 });
    render(() => <SmartSearchToggle store={async () => store} />);
    const box = await screen.findByRole('checkbox', {
      name: /Smart search on this device — downloads 351 MB/,
    });
    expect((box as HTMLInputElement).checked).toBe(false);
    fireEvent.click(box);
    await screen.findByRole('checkbox', { checked: true });
    expect(store.value.on).toBe(true);
    // The worker learns a new size: the label follows.
    await store.setModelBytes(88_000_000);
    await screen.findByRole('checkbox', { name: /downloads 88 MB/ });
  });

  it('a choice that cannot be saved says so and the switch goes back', async () => {
    const store = memoryStore({ modelBytes: 351_000_000 });
    store.setOn = () => Promise.reject(new Error('the device storage is full'));
    render(() => <SmartSearchToggle store={async () => store} />);
    const box = await screen.findByRole<HTMLInputElement>('checkbox');
    fireEvent.click(box);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Could not turn smart search on: the device storage is full',
    );
    expect(box.checked).toBe(false);
  });
});
