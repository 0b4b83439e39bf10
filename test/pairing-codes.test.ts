/**
 * Scenario 4: pairing codes between real processes over TCP. Wrong code ×5 voids a code;
 * a used or expired code fails with a clear, typed error; a correct code yields a
 * certificate that verifies against the library key.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifyCertificate } from '@hearth/sync';
import {
  PeerCommandError,
  pairedPeers,
  spawnPeer,
  stopAllPeers,
  type PeerProcess,
} from './support/spawn-peer.ts';

async function failure(p: Promise<unknown>): Promise<PeerCommandError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PeerCommandError) return e;
    throw e;
  }
  throw new Error('expected the command to fail');
}

describe('pairing between processes', () => {
  let home: PeerProcess;
  let device: PeerProcess;
  let libraryPublicKey: string;

  afterEach(stopAllPeers);

  async function start(): Promise<void> {
    [home, device] = await Promise.all([spawnPeer('home'), spawnPeer('phone')]);
    ({ libraryPublicKey } = await home.call<{ libraryPublicKey: string }>('init-library'));
  }
  const issue = () => home.call<{ code: string; link: string }>('issue-code');

  it('a correct code yields a valid certificate; reusing the code fails with PAIRING_CODE_USED', async () => {
    await start();
    const { link } = await issue();
    const res = await device.call<{ certificate: unknown; libraryPublicKey: string }>('pair', { link });
    expect(res.libraryPublicKey).toBe(libraryPublicKey);
    const cert = await verifyCertificate(res.certificate, libraryPublicKey);
    expect(cert.deviceId).toBe(device.peerId);
    expect(cert.name).toBe('phone');

    const other = await spawnPeer('tablet');
    const err = await failure(other.call('pair', { link }));
    expect(err.code).toBe('PAIRING_CODE_USED');
    expect(err.message).toMatch(/already been used/);
  });

  it('five wrong tries void the code: the right code then fails with PAIRING_CODE_VOID', async () => {
    await start();
    const { link, code } = await issue();
    const wrong = code.startsWith('0') ? '1111-1111' : '0000-0000';
    for (let i = 0; i < 5; i++) {
      const err = await failure(device.call('pair', { link, code: wrong }));
      expect(err.code).toBe('PAIRING_CODE_INVALID');
    }
    const err = await failure(device.call('pair', { link }));
    expect(err.code).toBe('PAIRING_CODE_VOID');
    const attempts = home.events.filter((e) => e.event === 'pair-attempt');
    expect(attempts.map((a) => a['ok'])).toEqual([false, false, false, false, false, false]);
  });

  it('an expired code fails with PAIRING_CODE_EXPIRED (home clock moved past 10 minutes)', async () => {
    await start();
    const { link } = await issue();
    await home.call('advance-clock', { ms: 10 * 60_000 + 1 });
    const err = await failure(device.call('pair', { link }));
    expect(err.code).toBe('PAIRING_CODE_EXPIRED');
    expect(err.message).toMatch(/expired/);
  });

  it('pairs over WebSockets too, and the paired device then syncs the root document', async () => {
    const { home, devices, rootUrl } = await pairedPeers(2, 'ws');
    const phone = devices[0]!;
    const root = await phone.call<{ found: boolean; doc: { devices: Record<string, unknown> } }>('read-doc', {
      url: rootUrl,
      wait: true,
      timeoutMs: 15_000,
    });
    expect(Object.keys(root.doc.devices).sort()).toEqual([home.peerId, phone.peerId].sort());
  });
});
