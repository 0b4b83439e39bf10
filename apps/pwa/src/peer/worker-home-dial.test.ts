// @vitest-environment node
/**
 * The home dialer's stop: once this device knows it was removed, nothing dials a home node
 * again (not the backoff timer, not a dropped connection, not the browser coming back online),
 * and `dial` says why. Logic only: a stand-in node whose every dial is refused, as a revoked
 * key is at every handshake.
 */
import type { PeerNode } from '@hearth/sync';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PairingInfo } from './peer-protocol.ts';
import { createHomeDialer } from './worker-home-dial.ts';
import type { WorkerNode } from './worker-node.ts';

const HOME = '12D3KooWHomeNodeA';
const info: PairingInfo = {
  libraryId: 'lib',
  deviceId: 'me',
  deviceName: 'Laptop',
  role: 'device',
  homeNode: HOME,
  homeAddrs: ['/ip4/127.0.0.1/tcp/4001/ws'],
  rootDocUrl: 'automerge:x',
  pairedAt: 0,
};

function setup() {
  const listeners = new Map<string, ((ev: { detail: unknown }) => void)[]>();
  const on = (type: string, f: (ev: { detail: unknown }) => void) =>
    listeners.set(type, [...(listeners.get(type) ?? []), f]);
  const emit = (type: string, detail: unknown) => listeners.get(type)?.forEach((f) => f({ detail }));
  const dial = vi.fn(() => Promise.reject(new Error('connection refused at the handshake')));
  const hangUp = vi.fn((_peer: unknown) => Promise.resolve());
  const node = {
    getPeers: () => [],
    dial,
    hangUp,
    addEventListener: on,
  } as unknown as PeerNode;
  const workerNode: WorkerNode = {
    ensure: () => Promise.resolve(node),
    allow: () => undefined,
    renewKey: () => Promise.resolve(),
    deviceKey: () => Promise.reject(new Error('not used')),
  };
  const scope = {
    location: { origin: 'https://app.example' },
    addEventListener: on,
  } as unknown as WorkerGlobalScope;
  const dialer = createHomeDialer(scope, workerNode);
  return { dialer, node, dial, hangUp, emit };
}

/** Runs the timers and the promise callbacks they start, for `ms` of fake time. */
async function pass(ms: number) {
  await vi.advanceTimersByTimeAsync(ms);
}

describe('home dialer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps redialling a home node that refuses, with backoff', async () => {
    const { dialer, node, dial } = setup();
    const kept = dialer.keep(node, info);
    kept.redial();
    await pass(60_000);
    // 1 s, 2 s, 4 s, ... up to 30 s between tries: several tries in a minute.
    expect(dial.mock.calls.length).toBeGreaterThanOrEqual(5);
  });

  // Chromium's offline mode leaves WebRTC up: a second connection to a device, opening as the
  // page went offline, emits no peer:connect (the device was still connected) and lived on.
  it('offline, hangs up a device whose connection opens meanwhile, even a second one to it', async () => {
    const { dialer, node, hangUp, emit } = setup();
    const kept = dialer.keep(node, info);
    const peer = { toString: () => '12D3KooWOtherDevice' };
    emit('connection:open', { remotePeer: peer });
    expect(hangUp).not.toHaveBeenCalled();
    kept.network(false);
    emit('connection:open', { remotePeer: peer });
    expect(hangUp).toHaveBeenCalledWith(peer);
    kept.network(true);
    hangUp.mockClear();
    emit('connection:open', { remotePeer: peer });
    expect(hangUp).not.toHaveBeenCalled();
  });

  it('dials nothing more once stopped: not on its timer, a drop, or back online; dial says why', async () => {
    const { dialer, node, dial, emit } = setup();
    const kept = dialer.keep(node, info);
    kept.redial();
    await pass(3_500);
    expect(dial).toHaveBeenCalled();
    dialer.stop();
    expect(dialer.stopped()).toBe(true);
    const before = dial.mock.calls.length;
    emit('peer:disconnect', HOME);
    kept.network(true);
    kept.redial();
    await pass(10 * 60_000);
    expect(dial.mock.calls.length).toBe(before);
    await expect(dialer.dial(info)).rejects.toMatchObject({ code: 'DEVICE_REMOVED' });
    expect(dial.mock.calls.length).toBe(before);
  });
});
