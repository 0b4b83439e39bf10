/**
 * A device revoked while it was offline learns it when it comes back: real libp2p nodes over
 * loopback, the home node running the real protocol handlers (catalog sync, snapshot, blobs,
 * blob tokens) with the courier in its connection gater.
 */
import { Repo } from '@automerge/automerge-repo';
import type { Connection, PrivateKey } from '@libp2p/interface';
import { afterEach, describe, expect, it } from 'vitest';
import { createBlobServer } from '../blobs/blob-server.ts';
import { createMemoryBlobStore } from '../blobs/blob-store.memory.ts';
import { createBlobTokenIssuer } from '../blobs/blob-token.ts';
import { BLOB_PROTOCOL } from '../blobs/blob-protocol.ts';
import { BLOB_TOKEN_PROTOCOL, serveBlobTokens } from '../blobs/blob-token-protocol.ts';
import { nodeHashing } from '../blobs/hashing.node.ts';
import { CATALOG_SNAPSHOT_PROTOCOL } from '../catalog/catalog-snapshot-frames.ts';
import { serveCatalogSnapshots } from '../catalog/catalog-snapshot.ts';
import type { RootDoc } from '../catalog/root-doc.ts';
import { issueCertificate, issueRevocation } from '../identity/certificates.ts';
import type { DeviceRevocation } from '../identity/device-certificate.ts';
import { deviceIdOf, generateDeviceKey } from '../identity/device-key.ts';
import { generateLibraryKey, type LibraryKey } from '../identity/library-key.ts';
import { AUTOMERGE_PROTOCOL } from './automerge-frames.ts';
import { createPeerNode } from './create-peer-node.node.ts';
import { LOOPBACK_TCP } from './loopback-stream.ts';
import { createPairingCodes } from './pairing-codes.ts';
import { PAIR_PROTOCOL } from './pairing-protocol.ts';
import { createPairingServer } from './pairing-server.ts';
import { createLibraryAccess } from './library-access.ts';
import { Libp2pNetworkAdapter } from './libp2p-network-adapter.ts';
import type { PeerNode } from './peer-node.ts';
import { createRevocationCourier, type RevocationCourierOptions } from './revocation-courier.ts';
import { handleRevocationNotices, readRevocation, REVOCATION_NOTICE_PROTOCOL } from './revocation-notice.ts';
import { whenEvent } from './when-event.ts';
import { withTimeout } from './with-timeout.ts';

describe('a device revoked while offline, coming back', { timeout: 60_000 }, () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  /** A home node holding `device`'s certificate, revoked (`revoked`) or not. */
  async function home(
    key: LibraryKey,
    device: PrivateKey,
    opts: { revoked: boolean; courier?: Partial<RevocationCourierOptions> },
  ) {
    const id = deviceIdOf(device);
    const devices = { [id]: await issueCertificate(key, { deviceId: id, name: 'phone', role: 'device' }) };
    const rev = await issueRevocation(key, id);
    const root = { devices, revocations: opts.revoked ? { [id]: rev } : {} };
    const access = createLibraryAccess({ libraryPublicKey: key.publicKey });
    await access.update(root);
    const courier = createRevocationCourier({
      revocationOf: (peer) => readRevocation(root, peer, key.publicKey),
      ...opts.courier,
    });
    const node = await createPeerNode({ ...LOOPBACK_TCP, access, revocationCourier: courier });
    cleanup.push(() => node.stop());
    return { node, access, rev, courier };
  }

  /** The device, listening for its notice. */
  async function device(key: LibraryKey, privateKey: PrivateKey, homeId: string) {
    const id = deviceIdOf(privateKey);
    const access = createLibraryAccess({ libraryPublicKey: key.publicKey, trusted: [homeId] });
    const node = await createPeerNode({ privateKey, listen: [], access, relayServer: false });
    cleanup.push(() => node.stop());
    const heard: DeviceRevocation[] = [];
    let revokedAt: number | undefined;
    const told = new Promise<void>((resolve) => {
      void handleRevocationNotices({
        node,
        deviceId: id,
        libraryPublicKey: key.publicKey,
        onRevoked: (r) => {
          heard.push(r);
          revokedAt = r.revokedAt; // what the PWA saves with its pairing (worker-devices.ts)
          resolve();
        },
      });
    });
    return { node, heard, told, revokedAt: () => revokedAt };
  }

  const closed = (node: PeerNode, peer: PeerNode) =>
    whenEvent(node, 'connection:close', () => node.getConnections(peer.peerId).length === 0);

  it('is told over one short connection, then refused at the handshake; it keeps its revokedAt', async () => {
    const key = await generateLibraryKey();
    const phoneKey = await generateDeviceKey();
    // Revoked while the phone was stopped: the home node never reached it.
    const h = await home(key, phoneKey, { revoked: true });
    const phone = await device(key, phoneKey, h.node.peerId.toString());
    await phone.node.dial(h.node.getMultiaddrs());
    // Created once connected: it checks at once, then on every close.
    const gone = Promise.all([closed(phone.node, h.node), closed(h.node, phone.node)]);
    await withTimeout(phone.told, 5000, 'the phone hearing of its revocation');
    expect(phone.heard).toEqual([h.rev]);
    expect(phone.revokedAt()).toBe(h.rev.revokedAt);
    await withTimeout(gone, 6000, 'the home node closing the notice connection');
    // Redialling at once is refused (rate limit): no second notice, no connection kept.
    const redial = await phone.node.dial(h.node.getMultiaddrs()).then(
      () => 'dialled',
      () => 'refused',
    );
    if (redial === 'dialled') await withTimeout(closed(phone.node, h.node), 5000, 'redial refused');
    expect(phone.heard).toHaveLength(1);
    expect(h.node.getConnections(phone.node.peerId)).toHaveLength(0);
  });

  it('every protocol stays refused on the notice connection; a paired device is served', async () => {
    const key = await generateLibraryKey();
    const [phoneKey, laptopKey] = await Promise.all([generateDeviceKey(), generateDeviceKey()]);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // The notice waits until the phone has tried everything (still within the close bound).
    const h = await home(key, phoneKey, {
      revoked: true,
      courier: { revocationOf: async () => held.then(() => undefined), closeWithinMs: 20_000 },
    });
    const laptopId = deviceIdOf(laptopKey);
    await h.access.update({
      devices: {
        [deviceIdOf(phoneKey)]: await issueCertificate(key, {
          deviceId: deviceIdOf(phoneKey),
          name: 'p',
          role: 'device',
        }),
        [laptopId]: await issueCertificate(key, { deviceId: laptopId, name: 'l', role: 'device' }),
      },
      revocations: { [deviceIdOf(phoneKey)]: h.rev },
    });
    // The home node's real handlers.
    const repo = new Repo({ network: [new Libp2pNetworkAdapter({ node: h.node, access: h.access })] });
    cleanup.push(() => repo.shutdown());
    const root = repo.create<RootDoc>({ schema: 1 } as unknown as RootDoc);
    const snapshots = serveCatalogSnapshots({ node: h.node, repo, root, access: h.access });
    await snapshots.start();
    const blobs = createBlobServer({
      node: h.node,
      store: createMemoryBlobStore({ hashing: nodeHashing }),
      access: h.access,
      hashing: nodeHashing,
    });
    await blobs.start();
    cleanup.push(() => blobs.stop());
    const issuer = createBlobTokenIssuer({ key: crypto.getRandomValues(new Uint8Array(32)) });
    cleanup.push(await serveBlobTokens(h.node, h.access, issuer));
    const codes = createPairingCodes();
    codes.issue();
    const pairing = createPairingServer({
      node: h.node,
      codes,
      isRevoked: (d) => h.access.isRevoked(d),
      admit: () => Promise.reject(new Error('not in this test')),
    });
    await pairing.start();
    cleanup.push(() => pairing.stop());

    // Bytes the home node answers on a new stream: 0 when refused (reset, or nothing within 2 s).
    const answer = async (conn: Connection, protocol: string): Promise<number> => {
      let n = 0;
      try {
        const s = await conn.newStream(protocol);
        s.send(new Uint8Array([0]));
        await withTimeout(
          (async () => {
            for await (const c of s) {
              n += c.byteLength;
              break; // served: one chunk is proof enough
            }
          })(),
          2000,
          protocol,
        ).catch((e: unknown) => {
          s.abort(e instanceof Error ? e : new Error(String(e)));
        });
      } catch {
        // refused: reset or not opened
      }
      return n;
    };
    const protocols = [
      AUTOMERGE_PROTOCOL,
      CATALOG_SNAPSHOT_PROTOCOL,
      BLOB_PROTOCOL,
      BLOB_TOKEN_PROTOCOL,
      PAIR_PROTOCOL, // a revoked key must not use up a code (a new key pairs)
    ];
    const phone = await device(key, phoneKey, h.node.peerId.toString());
    const conn = await phone.node.dial(h.node.getMultiaddrs());
    for (const p of protocols) expect(await answer(conn, p), p).toBe(0);
    const gone = Promise.all([closed(phone.node, h.node), closed(h.node, phone.node)]);
    release();
    await withTimeout(gone, 5000, 'the notice connection closing');

    // Control: the same handlers answer a paired device (so "0 bytes" above is a refusal).
    const laptop = await device(key, laptopKey, h.node.peerId.toString());
    const lconn = await laptop.node.dial(h.node.getMultiaddrs());
    expect(await answer(lconn, BLOB_TOKEN_PROTOCOL)).toBeGreaterThan(0);
    expect(await answer(lconn, PAIR_PROTOCOL)).toBeGreaterThan(0); // its challenge
  });

  it('closes within the bound when the device never reads the notice', async () => {
    const key = await generateLibraryKey();
    const phoneKey = await generateDeviceKey();
    const h = await home(key, phoneKey, { revoked: true, courier: { closeWithinMs: 3000 } });
    const node = await createPeerNode({ privateKey: phoneKey, listen: [], relayServer: false });
    cleanup.push(() => node.stop());
    let opened!: () => void;
    const streamOpened = new Promise<void>((r) => (opened = r));
    // An app that takes the stream and never reads or answers it.
    let done!: () => void;
    const never = new Promise<void>((r) => (done = r));
    cleanup.push(() => done());
    await node.handle(REVOCATION_NOTICE_PROTOCOL, async () => {
      opened();
      await never;
    });
    await node.dial(h.node.getMultiaddrs());
    const gone = Promise.all([closed(node, h.node), closed(h.node, node)]);
    await withTimeout(streamOpened, 3000, 'the notice stream');
    await withTimeout(gone, 6000, 'the home node closing a connection the device keeps open');
    expect(h.node.getConnections(node.peerId)).toHaveLength(0);
  });

  it('a forged notice (another key) is ignored by the device', async () => {
    const key = await generateLibraryKey();
    const phoneKey = await generateDeviceKey();
    const forger = await generateLibraryKey();
    const forged = await issueRevocation(forger, deviceIdOf(phoneKey));
    const h = await home(key, phoneKey, {
      revoked: true,
      courier: { revocationOf: () => ({ ...forged, libraryId: key.id }) },
    });
    const phone = await device(key, phoneKey, h.node.peerId.toString());
    await phone.node.dial(h.node.getMultiaddrs());
    const gone = Promise.all([closed(phone.node, h.node), closed(h.node, phone.node)]);
    await withTimeout(gone, 6000, 'the notice connection closing');
    expect(phone.heard).toEqual([]);
    expect(phone.revokedAt()).toBeUndefined();
  });

  it('admits a revoked peer once per interval and a bounded number at once', () => {
    let t = 0;
    const c = createRevocationCourier({
      revocationOf: () => undefined,
      perPeerIntervalMs: 60_000,
      maxConcurrent: 2,
      closeWithinMs: 5000,
      now: () => t,
    });
    expect(c.admit('a')).toBe(true);
    expect(c.admit('a')).toBe(false);
    expect(c.admit('b')).toBe(true);
    expect(c.admit('c')).toBe(false); // two in flight
    t = 7000; // the in-flight ones have expired (their connections are closed by then)
    expect(c.admit('c')).toBe(true);
    expect(c.admit('a')).toBe(false);
    t = 60_000;
    expect(c.admit('a')).toBe(true);
  });
});
