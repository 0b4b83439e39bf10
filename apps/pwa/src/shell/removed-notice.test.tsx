import { MemoryRouter, Route, createMemoryHistory } from '@solidjs/router';
import { cleanup, render, screen } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { PairingInfo } from '../peer/peer-protocol.ts';
import { RemovedNotice } from './removed-notice.tsx';

function at(path: string, peer: Parameters<typeof RemovedNotice>[0]['peer']) {
  const history = createMemoryHistory();
  history.set({ value: path });
  render(() => (
    <MemoryRouter history={history}>
      <Route path="*" component={() => <RemovedNotice peer={peer} />} />
    </MemoryRouter>
  ));
  return history;
}

const pairing = (revokedAt?: number) =>
  Promise.resolve({ libraryId: 'lib', ...(revokedAt === undefined ? {} : { revokedAt }) } as PairingInfo);

describe('<RemovedNotice>', () => {
  afterEach(cleanup);

  it('appears on the timeline once the home node says this device was revoked', async () => {
    const [removed, setRemoved] = createSignal<number>();
    at('/', { removed, pairing: () => pairing() });
    await Promise.resolve();
    expect(screen.queryByTestId('removed-notice')).toBeNull();
    setRemoved(1_700_000_000_000);
    expect((await screen.findByRole('alert')).textContent).toContain(
      'This device was removed from the library',
    );
    expect(screen.getByRole('link', { name: 'Pair it again' }).getAttribute('href')).toBe('/devices');
  });

  it('after a reload, from the remembered pairing; not on the Devices page, which says it itself', async () => {
    const history = at('/albums', { removed: () => undefined, pairing: () => pairing(1_700_000_000_000) });
    await screen.findByTestId('removed-notice');
    history.set({ value: '/devices' });
    await Promise.resolve();
    expect(screen.queryByTestId('removed-notice')).toBeNull();
  });
});
