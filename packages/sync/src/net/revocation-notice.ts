import type { Libp2p, PeerId, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import * as lp from 'it-length-prefixed';
import { decode, encode } from 'cborg';
import { verifyRevocation } from '../identity/certificates.ts';
import type { DeviceRevocation } from '../identity/device-certificate.ts';
import { withTimeout } from './with-timeout.ts';

/**
 * libp2p protocol id of the revocation notice: the home node tells a device it has just
 * revoked, over the connection it is about to close, so the device can say "removed from the
 * library" instead of only "no peer connected" (its redials are refused from then on, and the
 * root document carrying the revocation usually never reaches it). Any other device still
 * connected to it (the WebRTC mesh) does the same once the revocation reaches it, so a device
 * that was away from the home node is told too (`tellRevokedPeer`). One frame each way: the
 * signed revocation, then an acknowledgement.
 */
export const REVOCATION_NOTICE_PROTOCOL = '/hearth/revoked/1';
/** A revocation is a few hundred bytes. */
const MAX_FRAME = 2 * 1024;

async function readFrame(stream: Stream): Promise<unknown> {
  for await (const chunk of lp.decode(stream, { maxDataLength: MAX_FRAME })) return decode(chunk.subarray());
  return undefined;
}

/**
 * Sends the signed revocation to the device (home node side). Resolves true once the device
 * acknowledged it, false when it could not be told (not connected, too slow, old app):
 * revoking goes on either way.
 */
export async function sendRevocationNotice(
  node: Pick<Libp2p, 'dialProtocol'>,
  device: PeerId | string,
  revocation: DeviceRevocation,
  options: { timeoutMs?: number } = {},
): Promise<boolean> {
  const peer = typeof device === 'string' ? peerIdFromString(device) : device;
  const run = async () => {
    const stream = await node.dialProtocol(peer, REVOCATION_NOTICE_PROTOCOL);
    try {
      stream.send(lp.encode.single(encode({ t: 'revoked', revocation })));
      const ack = (await readFrame(stream)) as { t?: unknown } | undefined;
      await stream.close().catch(() => {});
      return ack?.t === 'ok';
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
  };
  return withTimeout(run(), options.timeoutMs ?? 2000, 'revocation notice').catch(() => false);
}

/** Options of {@link handleRevocationNotices}. */
export interface RevocationNoticeOptions {
  node: Pick<Libp2p, 'handle' | 'unhandle'>;
  /** this device */
  deviceId: string;
  /**
   * The home node. It no longer limits who may bring the notice: the library key's signature
   * over this very device's revocation is the proof, whoever carries it (another paired device
   * tells a device that was revoked while it was away from the node).
   */
  homeNode?: string;
  /** base64url library public key: the revocation must be signed by it */
  libraryPublicKey: string;
  /** called once per valid notice about this device */
  onRevoked(revocation: DeviceRevocation): void;
}

/**
 * Listens for the notice that this device was revoked (device side), from the home node or
 * any other peer. Only a revocation of this very device, signed by the library key, counts:
 * without the library's own signed statement nobody can make a device believe it was removed.
 * Returns the stop function.
 */
export async function handleRevocationNotices(
  options: RevocationNoticeOptions,
): Promise<() => Promise<void>> {
  const { node } = options;
  await node.handle(
    REVOCATION_NOTICE_PROTOCOL,
    async (stream) => {
      try {
        const frame = (await readFrame(stream)) as { t?: unknown; revocation?: unknown } | undefined;
        if (frame?.t !== 'revoked') throw new Error('malformed notice');
        const rev = await verifyRevocation(frame.revocation, options.libraryPublicKey);
        if (rev.deviceId !== options.deviceId) throw new Error('a notice about another device');
        stream.send(lp.encode.single(encode({ t: 'ok' })));
        await stream.close().catch(() => {});
        options.onRevoked(rev);
      } catch (e) {
        stream.abort(e instanceof Error ? e : new Error(String(e)));
      }
    },
    { maxInboundStreams: 1 },
  );
  return () => node.unhandle(REVOCATION_NOTICE_PROTOCOL);
}

/**
 * The signed revocation of `deviceId` in a root document (from any peer, so checked against
 * the library key), or undefined when it holds none that verifies.
 */
export async function readRevocation(
  root: unknown,
  deviceId: string,
  libraryPublicKey: string,
): Promise<DeviceRevocation | undefined> {
  const revs = (root as { revocations?: Record<string, unknown> } | undefined)?.revocations;
  const rev = revs?.[deviceId];
  if (rev === undefined) return undefined;
  // A plain copy: Automerge's proxies are not what the signature covers.
  const plain = JSON.parse(JSON.stringify(rev)) as unknown;
  return verifyRevocation(plain, libraryPublicKey).then(
    (r) => (r.deviceId === deviceId ? r : undefined),
    () => undefined,
  );
}

/**
 * Tells a connected peer it was revoked (any device's side, e.g. as a node's `beforeCutOff`):
 * sends the signed revocation the root document holds for it, over a connection that is open
 * already (it never dials). Resolves whether the peer acknowledged it; false when it is not
 * connected, or the document holds no valid revocation of it.
 */
export async function tellRevokedPeer(
  node: Pick<Libp2p, 'dialProtocol' | 'getConnections'>,
  peer: string,
  root: unknown,
  libraryPublicKey: string,
  options: { timeoutMs?: number } = {},
): Promise<boolean> {
  const id = peerIdFromString(peer);
  if (!node.getConnections(id).some((c) => c.status === 'open' && c.limits === undefined)) return false;
  const rev = await readRevocation(root, peer, libraryPublicKey);
  return rev ? sendRevocationNotice(node, id, rev, options) : false;
}
