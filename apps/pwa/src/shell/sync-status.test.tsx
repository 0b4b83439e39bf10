import { cleanup, render, screen } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncStatus } from './sync-status.tsx';
import { agoText, lastSyncText, loadSyncMemory, rememberSync } from './sync-memory.ts';

describe('<SyncStatus>', () => {
  afterEach(cleanup);

  it('shows what is pending with the home node in each direction', () => {
    render(() => <SyncStatus pendingUploads={3} peers={1} sync={{ toSend: 2, toReceive: 1 }} />);
    expect(screen.getByTestId('sync-pending').textContent).toBe(' · 2 to send, 1 to receive');
    expect(screen.getByRole('status').textContent).toContain('3 to back up');
  });

  it('says all synced when nothing is pending, and nothing when it is not known', () => {
    const { unmount } = render(() => (
      <SyncStatus pendingUploads={0} peers={1} sync={{ toSend: 0, toReceive: 0 }} />
    ));
    expect(screen.getByTestId('sync-pending').textContent).toBe(' · all synced');
    unmount();
    render(() => <SyncStatus pendingUploads={0} peers={0} />);
    expect(screen.queryByTestId('sync-pending')).toBeNull();
    expect(screen.getByRole('status').textContent).toContain('no peer connected');
  });
});

describe('the sync status after an offline reload', () => {
  afterEach(cleanup);
  const MIN = 60_000;

  function memoryStore(): Pick<Storage, 'getItem' | 'setItem'> & { data: Map<string, string> } {
    const data = new Map<string, string>();
    return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
  }

  it('remembers the counts and the last time all was synced, across a reload', () => {
    const store = memoryStore();
    expect(loadSyncMemory(store)).toBeUndefined();
    rememberSync({ toSend: 0, toReceive: 0 }, 1_000 * MIN, store);
    rememberSync({ toSend: 3, toReceive: 0 }, 1_004 * MIN, store);
    // A reload: only the storage is left.
    const m = loadSyncMemory(store)!;
    expect(m).toEqual({ pending: { toSend: 3, toReceive: 0 }, at: 1_004 * MIN, syncedAt: 1_000 * MIN });
    expect(lastSyncText(m, 1_005 * MIN)).toBe('last synced 5 min ago, 3 changes to send');
    store.data.set('hearth-sync-status', '{"pending":{"toSend":-1}}');
    expect(loadSyncMemory(store)).toBeUndefined();
    store.data.set('hearth-sync-status', 'not json');
    expect(loadSyncMemory(store)).toBeUndefined();
  });

  it('shows what was last known while the live counts are not known, and only then', () => {
    const last = { pending: { toSend: 1, toReceive: 2 }, at: 0, syncedAt: 0 };
    const { unmount } = render(() => (
      <SyncStatus pendingUploads={0} peers={0} last={last} now={3 * 3_600_000} />
    ));
    expect(screen.getByTestId('sync-last').textContent).toBe(
      ' · last synced 3 h ago, 1 change to send, 2 to receive',
    );
    unmount();
    render(() => (
      <SyncStatus pendingUploads={0} peers={1} sync={{ toSend: 0, toReceive: 0 }} last={last} now={0} />
    ));
    expect(screen.queryByTestId('sync-last')).toBeNull();
    expect(screen.getByTestId('sync-pending').textContent).toBe(' · all synced');
    expect(lastSyncText({ pending: { toSend: 0, toReceive: 0 }, at: 0 }, 0)).toBe('not synced yet');
    expect(agoText(30 * 86_400_000)).toBe('30 days ago');
  });
});
