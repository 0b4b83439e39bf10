import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { PeerClient } from '../peer/peer-client.ts';
import type { PeerDevice } from '../peer/peer-protocol.ts';
import { DeviceList, revokeFailure } from './device-list.tsx';

const dev = (id: string, name: string, extra: Partial<PeerDevice> = {}): PeerDevice => ({
  deviceId: id,
  name,
  role: 'device',
  issuedAt: 1_700_000_000_000,
  thisDevice: false,
  online: false,
  ...extra,
});

/** A PeerClient whose devices and revoke answer from a list (the worker is tested by e2e). */
function fakePeer(devices: PeerDevice[], fail?: { code: string; message: string }) {
  const asked: string[] = [];
  const peer = {
    devices: async () => devices.map((d) => ({ ...d })),
    async revokeDevice(id: string) {
      asked.push(id);
      if (fail) throw Object.assign(new Error(fail.message), fail);
      const d = devices.find((x) => x.deviceId === id)!;
      d.revokedAt = 1_700_000_100_000;
    },
  } as unknown as PeerClient;
  return { peer, asked };
}

const library = () => [
  dev('me', 'Laptop', { thisDevice: true, online: true }),
  dev('home', 'home', { role: 'home-node', online: true, keyHolder: true }),
  dev('b', 'Phone B'),
];

describe('<DeviceList>', () => {
  afterEach(cleanup);

  it('lists every device; only other devices get a revoke button, which asks after a confirmation', async () => {
    const { peer, asked } = fakePeer(library());
    render(() => <DeviceList peer={peer} fallback={[]} />);
    await screen.findByText('Phone B');
    expect(screen.getByText('(this device)')).toBeTruthy();
    expect(screen.getAllByRole('button', { name: /^Revoke/ })).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Revoke Phone B' }));
    expect(screen.getByRole('alertdialog').textContent).toContain('Revoke “Phone B”?');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(asked).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Revoke Phone B' }));
    fireEvent.click(screen.getByRole('button', { name: 'Revoke device' }));
    await screen.findByText(/Revoked Phone B/);
    expect(asked).toEqual(['b']);
    await waitFor(() =>
      expect(document.querySelector('li[data-device-id="b"]')?.getAttribute('data-revoked')).toBe('true'),
    );
    expect(screen.queryAllByRole('button', { name: /^Revoke/ })).toHaveLength(0);
  });

  it('marks home nodes; a second home node is revoked after its own warning, the key holder never', async () => {
    const devices = [...library(), dev('n2', 'Node B', { role: 'home-node', online: false })];
    const { peer, asked } = fakePeer(devices);
    render(() => <DeviceList peer={peer} fallback={[]} />);
    await screen.findByText('Node B');
    const row = (id: string) => document.querySelector(`li[data-device-id="${id}"]`)!;
    expect(row('home').classList.contains('home-node')).toBe(true);
    expect(row('home').textContent).toContain('home node · holds the library key');
    expect(row('n2').classList.contains('home-node')).toBe(true);
    expect(row('n2').textContent).toContain('second home node');
    expect(row('b').classList.contains('home-node')).toBe(false);
    expect(screen.queryByRole('button', { name: 'Revoke home' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Revoke Node B' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog.textContent).toContain('Revoke home node “Node B”?');
    expect(dialog.textContent).toContain('no longer keeps a second copy');
    fireEvent.click(screen.getByRole('button', { name: 'Revoke home node' }));
    await screen.findByText(/Revoked Node B/);
    expect(asked).toEqual(['n2']);
    await waitFor(() => expect(row('n2').getAttribute('data-revoked')).toBe('true'));
  });

  it('shows the typed error the home node answered', async () => {
    const { peer } = fakePeer(library(), { code: 'DEVICE_ADMIN_NOT_PAIRED', message: 'no' });
    render(() => <DeviceList peer={peer} fallback={[]} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Revoke Phone B' }));
    fireEvent.click(screen.getByRole('button', { name: 'Revoke device' }));
    expect((await screen.findByText(/Revoking failed/)).textContent).toMatch(
      /does not count this device as paired/,
    );
  });

  it('says so when this device itself was revoked; shows the fallback until the list is read', async () => {
    const devices = library();
    devices[0]!.revokedAt = 1;
    const { peer } = fakePeer(devices);
    render(() => <DeviceList peer={peer} fallback={[dev('me', 'Recorded name', { thisDevice: true })]} />);
    expect(screen.getByText('Recorded name')).toBeTruthy();
    expect((await screen.findByRole('alert')).textContent).toContain(
      'This device was removed from the library',
    );
  });

  it('says so when the home node told this device it was removed, before the root document did', async () => {
    const { peer } = fakePeer(library());
    render(() => <DeviceList peer={peer} fallback={[]} removed />);
    expect((await screen.findByRole('alert')).textContent).toContain('pair it again');
  });

  it('names each failure by its code', () => {
    expect(revokeFailure({ code: 'CANNOT_REVOKE_HOME_NODE' })).toBe(
      'The home node that holds the library key cannot be revoked.',
    );
    expect(revokeFailure({ code: 'UNKNOWN_DEVICE' })).toMatch(/does not know that device/);
    expect(revokeFailure({ code: 'HOME_OFFLINE' })).toMatch(/not reachable now/);
    expect(revokeFailure({ code: 'DEVICE_ADMIN_FAILED', message: 'broke off' })).toBe(
      'Revoking failed (DEVICE_ADMIN_FAILED): broke off',
    );
  });
});
