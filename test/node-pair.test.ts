import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { peerIdFromString } from '@libp2p/peer-id';
import {
  exportDeviceKey,
  generateDeviceKey,
  pairWithCode,
  parsePairingLink,
  requestBlobToken,
} from '@hearth/sync';
import { createPeerNode } from '@hearth/sync/platform';
import { LOOPBACK_TCP } from '@hearth/sync/testing';
import { fixturesDir, runCli } from '@hearth/node-peer/testing';
import { startHomeNode, testDir } from './support/test-cleanup.ts';

describe('pairing and revocation through the CLI', () => {
  it('a device pairs with a code from `hearth pair`, is listed, is revoked, and both land in the audit log', async () => {
    const d = testDir('pair');
    const noDaemon = await runCli(['--data-dir', d, 'pair']);
    expect(noDaemon.code).toBe(3);
    expect(noDaemon.stderr).toMatch(/start it with `hearth start`/);

    const photo = join(fixturesDir(), 'immich-test-assets/formats/jpg/el_torcal_rocks.jpg');
    expect((await runCli(['--data-dir', d, 'init'])).code).toBe(0);
    expect((await runCli(['--data-dir', d, 'import', '--no-derive', photo])).code).toBe(0);
    const daemon = startHomeNode(d);
    await daemon.waitFor(/Pairing code: [0-9A-Z]{4}-[0-9A-Z]{4}/);
    await daemon.waitFor(/Pairing link: hearth:\/\/pair\?/);
    await daemon.waitFor(/^ready$/m);
    const phoneKey = await generateDeviceKey();
    const phone = await createPeerNode({ ...LOOPBACK_TCP, privateKey: phoneKey });
    try {
      const pair = await runCli(['--data-dir', d, 'pair', '--json']);
      expect(pair.code, pair.stderr).toBe(0);
      const offer = JSON.parse(pair.stdout) as { code: string; link: string };
      const link = parsePairingLink(offer.link);
      const grant = await pairWithCode(phone, link, { name: 'Test phone' });
      expect(grant.certificate.deviceId).toBe(phone.peerId.toString());
      expect(grant.rootDocUrl).toMatch(/^automerge:/);
      // Blobs over HTTP: a token minted over libp2p, then plain Range requests.
      const [, httpUrl] = (await daemon.waitFor(/Serving the app at (\S+)/)) as unknown as [string, string];
      const bytes = readFileSync(photo);
      const hash = createHash('sha256').update(bytes).digest('hex');
      expect((await fetch(new URL(`/blobs/${hash}`, httpUrl))).status).toBe(401);
      // The grant says where the blobs are, for an app served from another origin (CORS).
      expect(grant.httpUrls).toEqual([httpUrl]);
      const pre = await fetch(new URL(`/blobs/${hash}`, httpUrl), {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-headers': 'authorization' },
      });
      expect([pre.status, pre.headers.get('access-control-allow-origin')]).toEqual([204, '*']);
      expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/);
      const { token } = await requestBlobToken(phone, peerIdFromString(link.peerId));
      const part = await fetch(new URL(`/blobs/${hash}`, httpUrl), {
        headers: { authorization: `Bearer ${token}`, range: 'bytes=0-99' },
      });
      expect(part.status).toBe(206);
      expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(0, 100))).toBe(true);
      // A code works once.
      await expect(pairWithCode(phone, link, { name: 'again' })).rejects.toMatchObject({
        code: expect.stringMatching(/USED|INVALID/),
      });

      const list = JSON.parse((await runCli(['--data-dir', d, 'devices', '--json'])).stdout) as {
        deviceId: string;
        name: string;
        revoked: boolean;
        role: string;
      }[];
      expect(list.map((r) => [r.name, r.role, r.revoked])).toEqual([
        ['home node', 'home-node', false],
        ['Test phone', 'device', false],
      ]);
      // A paired second node replicates the audit log over libp2p and verifies it.
      const replica = testDir('replica');
      writeFileSync(join(replica, 'node.key'), exportDeviceKey(phoneKey), { mode: 0o600 });
      await phone.stop();
      const libraryKey = (JSON.parse(readFileSync(join(d, 'library.json'), 'utf8')) as { publicKey: string })
        .publicKey;
      const tcp = link.addrs.find((a) => !a.includes('/ws'))!;
      const pull = await runCli([
        '--data-dir',
        replica,
        'audit',
        'pull',
        '--from',
        tcp,
        '--library-key',
        libraryKey,
        '--json',
      ]);
      expect(pull.code, pull.stderr + pull.stdout).toBe(0);
      expect(JSON.parse(pull.stdout)).toMatchObject({ ok: true, length: 3 }); // library.created, import, device.paired
      // The serving node's status counts that replica among its backups.
      await expect
        .poll(
          async () =>
            (
              JSON.parse((await runCli(['--data-dir', d, 'status', '--json'])).stdout) as {
                backups: { auditReplicas: { peer: string; length: number }[] };
              }
            ).backups.auditReplicas,
          { timeout: 20_000 },
        )
        .toEqual([expect.objectContaining({ peer: phone.peerId.toString(), length: 3, behind: 0 })]);
      // An unpaired node gets nothing.
      const stranger = await runCli(
        ['--data-dir', testDir('stranger'), 'audit', 'pull', '--from', tcp, '--library-key', libraryKey],
        { timeoutMs: 60_000 },
      );
      expect(stranger.code).not.toBe(0);

      const rev = await runCli(['--data-dir', d, 'devices', 'revoke', phone.peerId.toString()]);
      expect(rev.code, rev.stderr).toBe(0);
      expect(rev.stdout).toMatch(/revoked Test phone/);
      const after = JSON.parse((await runCli(['--data-dir', d, 'devices', '--json'])).stdout) as {
        name: string;
        revoked: boolean;
      }[];
      expect(after.find((r) => r.name === 'Test phone')?.revoked).toBe(true);
      const bad = await runCli([
        '--data-dir',
        d,
        'devices',
        'revoke',
        '12D3KooWNoSuchDeviceNoSuchDeviceNoSuchDeviceNoSuch',
      ]);
      expect(bad.code).toBe(2);
    } finally {
      await phone.stop();
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    }
    const v = JSON.parse((await runCli(['--data-dir', d, 'verify', '--json'])).stdout) as {
      ok: boolean;
      audit: { length: number };
    };
    expect(v.ok).toBe(true);
    expect(v.audit.length).toBe(4); // library.created, import, device.paired, device.revoked
  });
});
