/**
 * A device revoked while it was offline learns it when it comes back: a real `hearth start`
 * process, a device (a real libp2p node in this process) paired with it, then stopped; the
 * device is revoked with the CLI; started again with the same key, it dials the home node,
 * is sent the library-signed revocation over /hearth/revoked/1 and is closed.
 */
import { multiaddr } from '@multiformats/multiaddr';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  generateDeviceKey,
  handleRevocationNotices,
  pairWithCode,
  parsePairingLink,
  withTimeout,
  type DeviceRevocation,
} from '@hearth/sync';
import { createPeerNode } from '@hearth/sync/platform';
import { runCli } from '@hearth/node-peer/testing';
import { startHomeNode, testDir } from './support/test-cleanup.ts';

describe('a device revoked while offline', () => {
  it('is told by the home node when it dials in again, then closed and refused', async () => {
    const d = testDir('revoked-offline');
    expect((await runCli(['--data-dir', d, 'init'])).code).toBe(0);
    const daemon = startHomeNode(d);
    await daemon.waitFor(/^ready$/m);
    const privateKey = await generateDeviceKey();
    const pair = await runCli(['--data-dir', d, 'pair', '--json']);
    expect(pair.code, pair.stderr).toBe(0);
    const link = parsePairingLink((JSON.parse(pair.stdout) as { link: string }).link);
    const first = await createPeerNode({ privateKey, listen: [], relayServer: false });
    const grant = await pairWithCode(first, link, { name: 'phone' }).finally(() => first.stop());
    const id = first.peerId.toString();

    // Revoked while the phone is stopped: the home node cannot reach it.
    const cli = await runCli(['--data-dir', d, 'devices', 'revoke', id]);
    expect(cli.code, cli.stderr).toBe(0);

    const phone = await createPeerNode({ privateKey, listen: [], relayServer: false });
    onTestFinished(() => phone.stop());
    const heard: DeviceRevocation[] = [];
    const told = new Promise<void>((resolve) => {
      void handleRevocationNotices({
        node: phone,
        deviceId: id,
        libraryPublicKey: grant.libraryPublicKey,
        onRevoked: (r) => {
          heard.push(r);
          resolve();
        },
      });
    });
    const home = link.peerId;
    const closed = new Promise<void>((resolve) => {
      const check = () => {
        if (phone.getConnections().every((c) => c.remotePeer.toString() !== home)) resolve();
      };
      phone.addEventListener('connection:close', check);
    });
    const addrs = link.addrs.map((a) => multiaddr(a));
    await phone.dial(addrs);
    await withTimeout(told, 10_000, 'the phone hearing of its revocation');
    expect(heard.map((r) => r.deviceId)).toEqual([id]);
    await withTimeout(closed, 10_000, 'the home node closing the connection');
    // Dialling again at once is refused (one notice per peer per minute): the dial may
    // complete before the home node's gater, which runs once Noise proved who calls, closes it.
    const again = phone.dial(addrs).then(
      async () => {
        if (phone.getConnections().some((c) => c.remotePeer.toString() === home))
          await withTimeout(
            new Promise<void>((resolve) => {
              const check = () => {
                if (phone.getConnections().every((c) => c.remotePeer.toString() !== home)) resolve();
              };
              phone.addEventListener('connection:close', check);
              check();
            }),
            10_000,
            'the redial being closed',
          );
      },
      () => undefined,
    );
    await again;
    expect(heard).toHaveLength(1);
  });
});
