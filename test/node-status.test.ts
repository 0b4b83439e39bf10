import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  generateDeviceKey,
  pairWithCode,
  parsePairingLink,
  watchNodeStatus,
  type NodeStatus,
} from '@hearth/sync';
import { createPeerNode } from '@hearth/sync/platform';
import { LOOPBACK_TCP } from '@hearth/sync/testing';
import { hasFixtures, makeDistinctJpegs, runCli } from '@hearth/node-peer/testing';
import { startHomeNode, testDir } from './support/test-cleanup.ts';

describe.skipIf(!hasFixtures)('the home node status over /hearth/status/1', () => {
  it('a paired device watches an import and the thumbnails being made, to the end', async () => {
    const d = testDir('status');
    const photos = join(testDir('status-in'), 'in');
    // Enough photos that the loop is seen at work between status frames (small ones derive fast).
    const N = 80;
    await makeDistinctJpegs(photos, N, 'status');
    expect((await runCli(['--data-dir', d, 'init'])).code).toBe(0);
    const daemon = startHomeNode(d);
    await daemon.waitFor(/^ready$/m);
    const device = await createPeerNode({ ...LOOPBACK_TCP, privateKey: await generateDeviceKey() });
    onTestFinished(() => device.stop());
    const pair = await runCli(['--data-dir', d, 'pair', '--json']);
    const link = parsePairingLink((JSON.parse(pair.stdout) as { link: string }).link);
    await pairWithCode(device, link, { name: 'watcher' });

    const seen: NodeStatus[] = [];
    let resolveDone!: () => void;
    const allDone = new Promise<void>((r) => (resolveDone = r));
    let resolveFirst!: (s: NodeStatus) => void;
    const firstIdle = new Promise<NodeStatus>((r) => (resolveFirst = r));
    const ac = new AbortController();
    const watching = watchNodeStatus(
      device,
      link.peerId,
      (s) => {
        seen.push(s);
        // The loop looks at the catalog every second, so a frame may catch it busy for a moment.
        if (s.reconcile.idle) resolveFirst(s);
        const images = s.reconcile.kinds['images'];
        if (s.import?.finishedAt && s.reconcile.idle && images?.done === N) resolveDone();
      },
      { signal: ac.signal },
    );
    expect(await firstIdle).toMatchObject({ assets: 0, import: null });

    const imp = await runCli(['--data-dir', d, 'import', photos], { timeoutMs: 120_000 });
    expect(imp.code, imp.stderr).toBe(0);
    await allDone;
    ac.abort();
    await watching;
    // `hearth status` shows the same import (from the importing process's progress note).
    const st = await runCli(['--data-dir', d, 'status']);
    expect(st.stdout).toMatch(new RegExp(`last import: ${N} of ${N} files, finished`));
    daemon.child.kill('SIGTERM');
    await daemon.exited;

    const last = seen.at(-1)!;
    expect(last).toMatchObject({
      assets: N,
      devicesOnline: 1,
      import: { done: N, total: N },
      backups: { lastExportAt: null, notExported: N, auditCopies: 0 },
    });
    expect(last.import?.stopped).toBeUndefined();
    // It changed while the work ran: thumbnails being made, with the file being worked on.
    const busy = seen.filter((s) => !s.reconcile.idle);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.some((s) => /^IMG_\d{4}\.jpg$/.test(s.reconcile.kinds['images']?.current ?? ''))).toBe(true);
    const doneCounts = seen.map((s) => s.reconcile.kinds['images']?.done ?? 0);
    expect(new Set(doneCounts).size).toBeGreaterThan(2);
    expect(doneCounts).toEqual([...doneCounts].sort((a, b) => a - b)); // only ever grows
  });
});
