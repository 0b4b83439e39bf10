import { describe, expect, it, onTestFinished } from 'vitest';
import { generateDeviceKey, pairWithCode, parsePairingLink, requestRevocation } from '@hearth/sync';
import { createPeerNode } from '@hearth/sync/platform';
import { LOOPBACK_TCP } from '@hearth/sync/testing';
import { readAuditEntries, runCli } from '@hearth/node-peer/testing';
import { startHomeNode, testDir } from './support/test-cleanup.ts';

describe('revocation from a device over /hearth/device-admin/1', () => {
  it("the audit entry records which device asked, and the CLI's own revocations say so", async () => {
    const d = testDir('devadmin');
    expect((await runCli(['--data-dir', d, 'init'])).code).toBe(0);
    const daemon = startHomeNode(d);
    await daemon.waitFor(/^ready$/m);
    const pairDevice = async (name: string) => {
      const node = await createPeerNode({ ...LOOPBACK_TCP, privateKey: await generateDeviceKey() });
      onTestFinished(() => node.stop());
      const pair = await runCli(['--data-dir', d, 'pair', '--json']);
      expect(pair.code, pair.stderr).toBe(0);
      const link = parsePairingLink((JSON.parse(pair.stdout) as { link: string }).link);
      await pairWithCode(node, link, { name });
      return { node, home: link.peerId };
    };
    const phone = await pairDevice('phone');
    const tablet = await pairDevice('tablet');
    try {
      await requestRevocation(phone.node, phone.home, tablet.node.peerId.toString());
      const cli = await runCli(['--data-dir', d, 'devices', 'revoke', phone.node.peerId.toString()]);
      expect(cli.code, cli.stderr).toBe(0);
    } finally {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    }
    const revoked = (await readAuditEntries(d)).filter((e) => e.type === 'device.revoked');
    expect(revoked.map((e) => e.data)).toEqual([
      {
        deviceId: tablet.node.peerId.toString(),
        name: 'tablet',
        by: phone.node.peerId.toString(),
        via: 'device-admin',
      },
      { deviceId: phone.node.peerId.toString(), name: 'phone', by: phone.home, via: 'admin-api' },
    ]);
    const v = JSON.parse((await runCli(['--data-dir', d, 'verify', '--json'])).stdout) as { ok: boolean };
    expect(v.ok).toBe(true);
  });
});
