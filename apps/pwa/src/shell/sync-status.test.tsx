import { cleanup, render, screen } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncStatus } from './sync-status.tsx';

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
