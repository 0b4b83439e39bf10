/**
 * A second home node, across processes over loopback: node A imports real photos; node B
 * joins the library with a `hearth pair --home-node` code (`hearth init --join`), pulls every
 * original and derivative the synced catalog lists and imports the originals into its own
 * journal; an import on A after that reaches B; both nodes' status show what B holds; a
 * paired phone sees both nodes as holders, and once A is stopped fetches every blob from B,
 * each verified against its hash. Joining with a used code, a device's code, a bad link or
 * into a data dir that has a library fails with a typed error and changes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fixturesDir, hasFixtures, runCli, spawnCli, type CliProcess } from '@hearth/node-peer/testing';
import { spawnPeer } from './support/spawn-peer.ts';

interface HomeNode {
  deviceId: string;
  name: string;
  self: boolean;
  originals: number;
}
interface Status {
  reconcile: { idle: boolean } | null;
  derivatives: Record<string, { done: number; missing: number }>;
  replication: {
    pinned: number;
    held: number;
    failed: number;
    filesLeft: number;
    originals: number;
    homeNodes: HomeNode[];
    imports?: { imported: number; failed: number };
  } | null;
  joined: { homeNode: string; revokedAt: number | null } | null;
  backups: { replicasHeld: string[]; auditReplicas: { peer: string }[] };
}
interface SnapAsset {
  id: string;
  holders: string[];
  derived: Record<string, { hash: string }>;
}

const photo = (p: string) => join(fixturesDir(), 'immich-test-assets', p);
const PHOTOS = [
  'albums/nature/prairie_falcon.jpg',
  'albums/nature/silver_fir.jpg',
  'formats/jpg/el_torcal_rocks.jpg',
];
const LATER = 'albums/nature/wood_anemones.jpg';

function dataDir(name: string): string {
  const d = mkdtempSync(join(tmpdir(), `hearth-${name}-`));
  onTestFinished(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function startNode(d: string): CliProcess {
  const p = spawnCli(['--data-dir', d, 'start', '--port', '0', '--p2p-port', '0', '--no-mdns']);
  onTestFinished(async () => {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    await p.exited;
  });
  return p;
}

const status = async (d: string) =>
  JSON.parse((await runCli(['--data-dir', d, 'status', '--json'])).stdout) as Status;
const lsIds = async (d: string) =>
  (await runCli(['--data-dir', d, 'ls', '--json'])).stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { id: string }).id)
    .sort();
const offer = async (d: string, homeNode = false) =>
  JSON.parse(
    (await runCli(['--data-dir', d, 'pair', '--json', ...(homeNode ? ['--home-node'] : [])])).stdout,
  ) as {
    link: string;
    role: string;
  };
/** Every blob the synced catalog lists for an asset: the original and each derivative. */
const blobsOf = (a: SnapAsset) => [a.id, ...Object.values(a.derived).map((d) => d.hash)];

describe('a second home node', () => {
  it.skipIf(!hasFixtures)(
    'joins a library, pins every original and derivative, follows new imports, and serves a device when the first node is down',
    async () => {
      const a = dataDir('node-a');
      const b = dataDir('node-b');
      expect((await runCli(['--data-dir', a, 'init'])).code).toBe(0);
      const nodeA = startNode(a);
      await nodeA.waitFor(/^ready$/m);
      const imp = await runCli(['--data-dir', a, 'import', ...PHOTOS.map(photo)]);
      expect(imp.code, imp.stderr).toBe(0);

      // Typed errors, each leaving things as they were.
      const deviceCode = await offer(a);
      const wrongRole = await runCli([
        '--data-dir',
        dataDir('wrong-role'),
        'init',
        '--join',
        deviceCode.link,
      ]);
      expect(wrongRole.code).toBe(1);
      expect(wrongRole.stderr).toMatch(/for a device, not for a second home node.*pair --home-node/);
      const join = await offer(a, true);
      expect(join.role).toBe('home-node');
      const intoA = await runCli(['--data-dir', a, 'init', '--join', join.link]);
      expect(intoA.code).toBe(3);
      expect(intoA.stderr).toMatch(/already holds a library: a node joins with a fresh data dir/);
      const badLink = await runCli([
        '--data-dir',
        dataDir('bad-link'),
        'init',
        '--join',
        'hearth://pair?x=1',
      ]);
      expect(badLink.code).toBe(1);
      expect(badLink.stderr).toMatch(/cannot read the pairing link/);

      // B joins and starts.
      const joined = await runCli([
        '--data-dir',
        b,
        'init',
        '--join',
        join.link,
        '--node-name',
        'node B',
        '--json',
      ]);
      expect(joined.code, joined.stderr).toBe(0);
      const libraryId = (
        JSON.parse((await runCli(['--data-dir', a, 'status', '--json'])).stdout) as { libraryId: string }
      ).libraryId;
      expect(JSON.parse(joined.stdout)).toMatchObject({ joined: true, libraryId });
      const used = await runCli(['--data-dir', dataDir('used-code'), 'init', '--join', join.link]);
      expect(used.code).toBe(1);
      expect(used.stderr).toMatch(/already been used.*hearth pair --home-node/);
      const nodeB = startNode(b);
      await nodeB.waitFor(/^ready$/m);
      const bAddr = (await nodeB.waitFor(/devices connect to (\S+)/))[1] as string;

      // A phone pairs with A, with the device code the joining node could not use.
      const phone = await spawnPeer('phone');
      onTestFinished(() => phone.stop());
      await phone.call('pair', { link: deviceCode.link });
      await phone.call('catalog-start');
      const homeNodes = (
        JSON.parse((await runCli(['--data-dir', a, 'devices', '--json'])).stdout) as {
          deviceId: string;
          role: string;
          name: string;
        }[]
      ).filter((r) => r.role === 'home-node');
      expect(homeNodes.map((r) => r.name).sort()).toEqual(['home node', 'node B']);
      const [idA, idB] = ['home node', 'node B'].map((n) => homeNodes.find((r) => r.name === n)!.deviceId);

      // Each asset ends with both nodes as holders ("backed up twice"), seen on the phone.
      const snapshot = async () =>
        (await phone.call<{ assets: SnapAsset[] }>('catalog-snapshot')).assets.sort((x, y) =>
          x.id.localeCompare(y.id),
        );
      const twice = async (n: number) =>
        expect
          .poll(
            async () => {
              const s = await snapshot();
              return s.length === n && s.every((x) => x.holders.includes(idA!) && x.holders.includes(idB!));
            },
            { timeout: 120_000, interval: 500 },
          )
          .toBe(true);
      await twice(3);
      // B imported the pulled originals into its own journal (`hearth ls` there lists them).
      const ids = (await snapshot()).map((x) => x.id);
      await expect.poll(() => lsIds(b), { timeout: 60_000, interval: 500 }).toEqual(ids);

      // An import on A after the join reaches B.
      expect((await runCli(['--data-dir', a, 'import', photo(LATER)])).code).toBe(0);
      await twice(4);
      const all = await snapshot();
      await expect.poll(() => lsIds(b), { timeout: 60_000, interval: 500 }).toEqual(all.map((x) => x.id));

      // Both nodes' status show what B holds; B's says it joined.
      const bOnA = async () => (await status(a)).replication?.homeNodes.find((n) => !n.self);
      await expect
        .poll(bOnA, { timeout: 60_000, interval: 500 })
        .toMatchObject({ deviceId: idB, name: 'node B', originals: 4 });
      expect((await runCli(['--data-dir', a, 'status'])).stdout).toMatch(
        /other home node "node B" \(\S{8}\): 4 of 4 originals held, up to date/,
      );
      const sb = await status(b);
      expect(sb.joined).toEqual(expect.objectContaining({ homeNode: idA }));
      const textB = (await runCli(['--data-dir', b, 'status'])).stdout;
      expect(textB).toMatch(/second home node: joined from/);
      expect(textB).toMatch(/this home node "node B" \(\S{8}\): 4 of 4 originals held/);
      // B keeps a verified replica of the library's audit log; A records B's pull.
      expect(sb.backups.replicasHeld).toEqual([libraryId]);
      expect(textB).toMatch(/this node keeps audit log replicas of: /);
      await expect
        .poll(async () => (await status(a)).backups.auditReplicas.map((r) => r.peer), { timeout: 30_000 })
        .toEqual([idB]);
      // Pairing is the first node's job; B says where to do it.
      const pairOnB = await runCli(['--data-dir', b, 'pair', '--json']);
      expect(pairOnB.code).toBe(2);
      expect(pairOnB.stderr).toMatch(/second home node: it cannot make pairing codes/);

      // B knows the phone (the root document reached it); then A stops.
      await expect
        .poll(
          async () =>
            (
              JSON.parse((await runCli(['--data-dir', b, 'devices', '--json'])).stdout) as { name: string }[]
            ).some((r) => r.name === 'phone'),
          { timeout: 30_000, interval: 500 },
        )
        .toBe(true);
      // B has settled: every pinned blob held, nothing failed.
      await expect
        .poll(async () => (await status(b)).replication, { timeout: 60_000, interval: 500 })
        .toMatchObject({ failed: 0, filesLeft: 0 });
      const wanted = [...new Set(all.flatMap(blobsOf))];
      expect(wanted.length).toBeGreaterThan(8); // 4 originals and their derivatives
      nodeA.child.kill('SIGTERM');
      await nodeA.exited;

      // The phone finds B at the addresses B announced in the root document (it was never told
      // them), and fetches every original and derivative from it, hash-verified.
      expect(
        (await phone.call<{ nodes: { deviceId: string; addrs: string[] }[] }>('home-nodes')).nodes
          .find((n) => n.deviceId === idB)
          ?.addrs.some((x) => bAddr.startsWith(x)),
      ).toBe(true);
      await expect
        .poll(async () => (await phone.call<{ reached: string[] }>('dial-home-nodes')).reached, {
          timeout: 30_000,
          interval: 500,
        })
        .toEqual([idB]);
      for (const hash of wanted) {
        const got = await phone.call<{ hash: string; from: string[] }>('blob-fetch', { hash }, 60_000);
        expect(got).toMatchObject({ hash, from: [idB] });
      }
      // B's own store verifies (every blob re-hashed, every catalog reference present).
      const verify = await runCli(['--data-dir', b, 'verify', '--json']);
      expect(verify.code, verify.stdout).toBe(0);
    },
    300_000,
  );

  it('announces its addresses in the root document: a device learns them, the latest wins, forgeries are ignored, and the device reaches it when the first node is down', async () => {
    const a = dataDir('addr-a');
    const b = dataDir('addr-b');
    expect((await runCli(['--data-dir', a, 'init'])).code).toBe(0);
    const nodeA = startNode(a);
    await nodeA.waitFor(/^ready$/m);
    const join = await offer(a, true);
    const deviceCode = await offer(a);
    expect((await runCli(['--data-dir', b, 'init', '--join', join.link, '--node-name', 'node B'])).code).toBe(
      0,
    );
    let nodeB = startNode(b);
    await nodeB.waitFor(/^ready$/m);
    const tcpPort = (out: string) => /\/tcp\/(\d+)\/p2p\//.exec(out)?.[1];
    const portB1 = tcpPort((await nodeB.waitFor(/devices connect to (.+)/))[1]!);
    const phone = await spawnPeer('phone');
    onTestFinished(() => phone.stop());
    await phone.call('pair', { link: deviceCode.link });
    type Entry = { deviceId: string; addrs: string[]; httpUrls: string[]; at: number };
    const homeNodes = () => phone.call<{ nodes: Entry[]; ignored: string[] }>('home-nodes');
    const rows = JSON.parse((await runCli(['--data-dir', a, 'devices', '--json'])).stdout) as {
      deviceId: string;
      name: string;
    }[];
    const [idA, idB] = ['home node', 'node B'].map((n) => rows.find((r) => r.name === n)!.deviceId) as [
      string,
      string,
    ];
    const entryOf = async (id: string) => (await homeNodes()).nodes.find((n) => n.deviceId === id);
    // Both nodes' signed entries reach the phone (B's through A), each with its HTTP URL.
    await expect
      .poll(async () => (await homeNodes()).nodes.length, { timeout: 60_000, interval: 300 })
      .toBe(2);
    const b1 = (await entryOf(idB))!;
    expect(b1.addrs.some((x) => x.includes(`/tcp/${portB1}/`))).toBe(true);
    expect(b1.httpUrls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await entryOf(idA))!.addrs.length).toBeGreaterThan(0);

    // A paired device forges B's entry and adds junk: readers ignore both with a reason, and B
    // puts its own entry back.
    await phone.call('forge-home-node', { deviceId: idB });
    await nodeA.waitFor(/ignored the addresses of junk-entry: not a home node/, 30_000);
    await expect
      .poll(async () => (await entryOf(idB))?.addrs.some((x) => x.includes(`/tcp/${portB1}/`)), {
        timeout: 30_000,
        interval: 300,
      })
      .toBe(true);
    expect((await homeNodes()).ignored).toEqual([expect.stringMatching(/^junk-entry: not a home node/)]);

    // B restarts on other ports: its new announcement replaces the old one everywhere.
    nodeB.child.kill('SIGTERM');
    await nodeB.exited;
    nodeB = startNode(b);
    await nodeB.waitFor(/^ready$/m);
    const portB2 = tcpPort((await nodeB.waitFor(/devices connect to (.+)/))[1]!);
    expect(portB2).not.toBe(portB1);
    await expect
      .poll(async () => (await entryOf(idB))?.addrs.some((x) => x.includes(`/tcp/${portB2}/`)), {
        timeout: 60_000,
        interval: 300,
      })
      .toBe(true);
    expect((await entryOf(idB))!.at).toBeGreaterThan(b1.at);

    // A stops: the phone finds B at the address it announced, and syncs with it.
    nodeA.child.kill('SIGTERM');
    await nodeA.exited;
    const dials = () => phone.call<{ reached: string[]; errors: string[] }>('dial-home-nodes');
    let dialled = await dials();
    for (const until = Date.now() + 30_000; dialled.reached.length === 0 && Date.now() < until;)
      dialled = await dials();
    // A is down: its dial fails, B's succeeds.
    expect(dialled.reached, `${dialled.errors.join('\n')}\nnode B:\n${nodeB.output()}`).toEqual([idB]);
    expect(dialled.errors.every((e) => e.startsWith(`${idA} at`))).toBe(true);
    await phone.call('wait-sync-peer', { peer: idB });
  }, 180_000);

  it('is revoked like a device: told by the first node, it records it and stops syncing', async () => {
    const a = dataDir('rev-a');
    const b = dataDir('rev-b');
    expect((await runCli(['--data-dir', a, 'init'])).code).toBe(0);
    const nodeA = startNode(a);
    await nodeA.waitFor(/^ready$/m);
    const join = await offer(a, true);
    expect((await runCli(['--data-dir', b, 'init', '--join', join.link, '--node-name', 'node B'])).code).toBe(
      0,
    );
    const nodeB = startNode(b);
    await nodeB.waitFor(/^ready$/m);
    type Row = { deviceId: string; name: string; online: boolean; revoked: boolean };
    const rowB = async () =>
      (JSON.parse((await runCli(['--data-dir', a, 'devices', '--json'])).stdout) as Row[]).find(
        (r) => r.name === 'node B',
      );
    await expect.poll(async () => (await rowB())?.online, { timeout: 30_000, interval: 500 }).toBe(true);
    const idB = (await rowB())!.deviceId;
    const rev = await runCli(['--data-dir', a, 'devices', 'revoke', idB]);
    expect(rev.code, rev.stderr).toBe(0);
    await nodeB.waitFor(/this node was revoked from the library/, 30_000);
    expect(await rowB()).toMatchObject({ revoked: true, online: false });
    const sb = await status(b);
    expect(sb.joined).toMatchObject({ revokedAt: expect.any(Number) });
    expect((await runCli(['--data-dir', b, 'status'])).stdout).toMatch(
      /REVOKED: the library removed this node/,
    );
  }, 120_000);
});
