import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  asDeviceId,
  createPairingCodes,
  createPairingServer,
  encodePairingLink,
  generateLibraryKey,
  issueCertificate,
  type PeerNode,
} from '@hearth/sync';
import { createPeerNode } from '@hearth/sync/platform';
import { LOOPBACK_TCP } from '@hearth/sync/testing';
import { joinLibrary } from './join-library.ts';
import { initLibrary } from './library.ts';

/**
 * The refusals of `hearth init --join` against a real pairing server on loopback (the whole
 * join is the process test test/second-home-node.test.ts): each is a typed error that says
 * what to run, and leaves the data dir without a membership (a later join still works).
 */
describe('joinLibrary refusals', () => {
  const stops: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const s of stops.splice(0).reverse()) await s();
  });
  const tmp = (name: string) => {
    const d = mkdtempSync(join(tmpdir(), `hearth-join-${name}-`));
    stops.push(() => rmSync(d, { recursive: true, force: true }));
    return d;
  };

  async function home(now: () => number) {
    const key = await generateLibraryKey();
    const node: PeerNode = await createPeerNode(LOOPBACK_TCP);
    stops.push(() => node.stop());
    const codes = createPairingCodes({ now });
    const server = createPairingServer({
      node,
      codes,
      admit: async ({ deviceId, name, role }) => ({
        certificate: await issueCertificate(key, { deviceId: asDeviceId(deviceId), name, role }),
        rootDocUrl: 'automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ',
        libraryPublicKey: key.publicKey,
      }),
    });
    await server.start();
    const link = (code: string) =>
      encodePairingLink({ code, peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) });
    return { codes, link };
  }

  it('an expired code: PAIRING_CODE_EXPIRED, pointing at `hearth pair --home-node`; nothing joined', async () => {
    let t = 1_000_000;
    const { codes, link } = await home(() => t);
    const { code } = codes.issue({ role: 'home-node' });
    t += 11 * 60_000;
    const d = tmp('expired');
    const err = await joinLibrary(d, link(code), { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PAIRING_CODE_EXPIRED', exitCode: 1 });
    expect((err as Error).message).toMatch(/expired: run `hearth pair --home-node`/);
    expect(existsSync(join(d, 'membership.json'))).toBe(false);
    expect(existsSync(join(d, 'library.json'))).toBe(false);
  });

  it('a wrong code: PAIRING_CODE_INVALID; a data dir with a library: ALREADY_INITIALISED (exit 3), untouched', async () => {
    const { codes, link } = await home(Date.now);
    codes.issue({ role: 'home-node' });
    const d = tmp('wrong');
    await expect(joinLibrary(d, link('ZZZZ-ZZZZ'), { timeoutMs: 10_000 })).rejects.toMatchObject({
      code: 'PAIRING_CODE_INVALID',
    });
    const lib = tmp('has-library');
    await initLibrary(lib);
    const before = readdirSync(lib).sort();
    await expect(joinLibrary(lib, link(codes.issue({ role: 'home-node' }).code))).rejects.toMatchObject({
      code: 'ALREADY_INITIALISED',
      exitCode: 3,
    });
    expect(readdirSync(lib).sort()).toEqual(before);
  });
});
