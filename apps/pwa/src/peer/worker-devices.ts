/**
 * The devices page's side in the peer worker: every device of the library from the synced
 * root document (with who is connected now), and revocation, which only the home node can
 * sign (it holds the library key): asked for over `/hearth/device-admin/1`.
 */
import { handleRevocationNotices, requestRevocation, type PeerNode } from '@hearth/sync';
import { loadPairing, savePairing } from './device-store.idb.ts';
import type { CatalogPeer } from '../catalog/open-catalog-peer.ts';
import { PwaError } from '../errors.ts';
import type { PairingInfo, PeerDevice } from './peer-protocol.ts';

/** The library's devices, this one and the home node first, then by pairing time. */
export async function listDevices(
  node: PeerNode,
  peer: CatalogPeer,
  info: PairingInfo,
): Promise<PeerDevice[]> {
  const online = new Set(node.getPeers().map((p) => p.toString()));
  const rank = (d: PeerDevice) => (d.thisDevice ? 0 : d.keyHolder ? 1 : d.role === 'home-node' ? 2 : 3);
  return (await peer.devices())
    .map((d) => ({
      ...d,
      thisDevice: d.deviceId === info.deviceId,
      keyHolder: d.deviceId === info.homeNode,
      online: d.revokedAt === undefined && (d.deviceId === info.deviceId || online.has(d.deviceId)),
    }))
    .sort((a, b) => rank(a) - rank(b) || a.issuedAt - b.issuedAt);
}

/**
 * Asks the home node to revoke `deviceId`, dialling it first when it is not connected. The
 * typed errors of `@hearth/sync` (DEVICE_ADMIN_NOT_PAIRED, UNKNOWN_DEVICE,
 * CANNOT_REVOKE_HOME_NODE, DEVICE_ADMIN_FAILED) reach the page by their code.
 */
export async function revokeDevice(
  node: PeerNode,
  info: PairingInfo,
  deviceId: string,
  dialHome: () => Promise<void>,
): Promise<void> {
  // A second home node can be revoked (the key holder signs it); the key holder itself cannot.
  if (deviceId === info.homeNode)
    throw new PwaError(
      'CANNOT_REVOKE_HOME_NODE',
      'the home node that holds the library key cannot be revoked from a device',
    );
  const keyHolder = () => node.getPeers().some((p) => p.toString() === info.homeNode);
  if (!keyHolder()) {
    let cause: unknown;
    // The dial may reach only a second home node, which cannot sign: revoking needs the first.
    await dialHome().catch((e: unknown) => (cause = e));
    if (!keyHolder())
      throw new PwaError('HOME_OFFLINE', 'the home node is not reachable now: revoking needs it online', {
        cause,
      });
  }
  await requestRevocation(node, info.homeNode, deviceId);
}

/**
 * Listens for the home node's notice that this device was revoked (`/hearth/revoked/1`: it
 * comes just before the node cuts the connection, signed by the library key). The pairing
 * remembers it, so the app still says so after a reload, and pairing again makes a new key
 * (the revoked one is refused for good). Safe to call more than once.
 */
export async function watchRevocation(
  node: PeerNode,
  info: PairingInfo,
  onRemoved: (revokedAt: number) => void,
): Promise<void> {
  if (!info.libraryPublicKey) return;
  await handleRevocationNotices({
    node,
    deviceId: info.deviceId,
    homeNode: info.homeNode,
    libraryPublicKey: info.libraryPublicKey,
    onRevoked(rev) {
      void (async () => {
        const now = await loadPairing();
        if (now?.deviceId === rev.deviceId) await savePairing({ ...now, revokedAt: rev.revokedAt });
        onRemoved(rev.revokedAt);
      })();
    },
  }).catch(() => undefined); // already listening
}
