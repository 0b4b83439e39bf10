import {
  asDeviceId,
  createDeviceAdminServer,
  createPairingCodes,
  createPairingServer,
  encodePairingLink,
  issueCertificate,
  issueRevocation,
  readPairedDevices,
  sendRevocationNotice,
  type DeviceId,
  type DeviceRole,
} from '@hearth/sync';
import type { AuditLog } from './audit-log.ts';
import { serveAuditLog } from './audit-server.ts';
import { NodePeerError, NotKeyHolderError } from './errors.ts';
import type { LibraryKey } from './library-key.ts';
import type { PeerServices } from './peer-services.ts';

/** A pairing code as `hearth pair` shows it. */
export interface PairingOffer {
  code: string;
  expiresAt: number;
  /** `hearth://pair?…` — what the QR code holds */
  link: string;
  /** What the code admits: a device, or a second home node (`hearth init --join`). */
  role: DeviceRole;
}

/** A device as `hearth devices` lists it. */
export interface DeviceRow {
  deviceId: string;
  name: string;
  role: string;
  issuedAt: number;
  online: boolean;
  revoked: boolean;
}

/**
 * Pairing and revocation on the home node (it holds the library key). On a second home node
 * (no key) only `list` works; `offer` and `revoke` throw NotKeyHolderError.
 */
export interface DeviceAdmin {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A one-time code for a device, or (`home-node`) for a second home node to join with. */
  offer(role?: DeviceRole): PairingOffer;
  list(): Promise<DeviceRow[]>;
  /**
   * Revoke a device. `by` is the paired device that asked over `/hearth/device-admin/1`;
   * without it the request came from this node's own admin API (`hearth devices revoke`).
   * The audit entry records which.
   */
  revoke(deviceId: string, by?: string): Promise<DeviceRow>;
}

export class UnknownDeviceError extends NodePeerError {
  constructor(id: string) {
    super('UNKNOWN_DEVICE', `no paired device ${id}; see \`hearth devices\` for the ids`, 2);
  }
}

/**
 * Serves `/hearth/pair/1`: a device proving a fresh one-time code gets a certificate
 * signed by the library key, written into the root document; revocation writes a signed
 * revocation there. Both go to the audit log.
 */
export function createDeviceAdmin(opts: {
  peers: PeerServices;
  /** The library key; null on a second home node. */
  key: LibraryKey | null;
  /** The library's public key (base64url). */
  libraryPublicKey: string;
  /** The home node that admitted this one (for errors on a second home node). */
  keyHolder?: string;
  audit: AuditLog;
  log: (s: string) => void;
  /** Where devices reach the node's HTTP server (blobs), for the pairing grant. */
  httpUrls?: () => string[];
  /** A paired node finished pulling the audit log (the daemon remembers it for `hearth status`). */
  onAuditServed?: (peer: string, length: number) => Promise<void>;
}): DeviceAdmin {
  const { peers, key, audit, libraryPublicKey } = opts;
  const codes = createPairingCodes();
  const needKey = (what: string) => {
    if (!key) throw new NotKeyHolderError(what, opts.keyHolder ?? 'the first home node');
    return key;
  };
  const server = createPairingServer({
    node: peers.node,
    codes,
    isRevoked: (d) => peers.access.isRevoked(d),
    async admit({ deviceId, name, role }) {
      // The role is the one the redeemed code was issued for (checked by the pairing server).
      const certificate = await issueCertificate(needKey('pair devices').identity, {
        deviceId: asDeviceId(deviceId),
        name,
        role,
      });
      peers.root.change((d) => {
        d.devices[deviceId] = certificate;
      });
      await peers.access.update(peers.root.doc());
      const httpUrls = opts.httpUrls?.() ?? [];
      return {
        certificate,
        rootDocUrl: peers.root.url,
        libraryPublicKey,
        ...(httpUrls.length > 0 ? { httpUrls } : {}),
      };
    },
    onAttempt(e) {
      if (e.ok) {
        opts.log(`paired device "${e.name ?? ''}" (${e.deviceId})`);
        audit
          .append('device.paired', { deviceId: e.deviceId, name: e.name ?? '' })
          .catch((err: unknown) => opts.log(`audit log: ${(err as Error).message}`));
      } else {
        opts.log(`pairing attempt from ${e.deviceId} refused: ${e.code ?? 'unknown'}`);
      }
    },
  });

  async function list(): Promise<DeviceRow[]> {
    const doc = peers.root.doc();
    const pd = await readPairedDevices(doc, libraryPublicKey);
    const online = new Set(peers.node.getPeers().map((p) => p.toString()));
    const rows: DeviceRow[] = [];
    for (const [id, cert] of Object.entries(doc.devices ?? {})) {
      const revoked = pd.revoked.has(id as DeviceId);
      if (!revoked && !pd.paired.has(id as DeviceId)) continue; // forged or malformed: not a device
      rows.push({
        deviceId: id,
        name: cert.name,
        role: cert.role,
        issuedAt: cert.issuedAt,
        online: !revoked && (online.has(id) || id === peers.deviceId),
        revoked,
      });
    }
    return rows.sort((a, b) => a.issuedAt - b.issuedAt);
  }

  let unserveAudit: (() => Promise<void>) | undefined;
  const admin: DeviceAdmin = {
    async start() {
      // A second home node cannot sign certificates, and its own log is signed by its node
      // key, not the library's (what a replica checks): it serves neither.
      if (!key) return;
      await server.start();
      await remoteAdmin.start();
      unserveAudit = await serveAuditLog(
        peers.node,
        audit,
        (p) => peers.access.isPaired(p) && p !== peers.deviceId,
        opts.log,
        opts.onAuditServed,
      );
    },
    async stop() {
      if (!key) return;
      await unserveAudit?.();
      await remoteAdmin.stop();
      await server.stop();
    },
    offer(role = 'device') {
      needKey('make pairing codes');
      const { code, expiresAt } = codes.issue({ role });
      return {
        code,
        expiresAt,
        link: encodePairingLink({ code, peerId: peers.deviceId, addrs: peers.addresses() }),
        role,
      };
    },
    list,
    async revoke(deviceId, by) {
      const row = (await list()).find((r) => r.deviceId === deviceId);
      if (!row || (row.role === 'home-node' && deviceId === peers.deviceId))
        throw new UnknownDeviceError(deviceId);
      if (row.revoked) return row;
      const rev = await issueRevocation(needKey('revoke devices').identity, asDeviceId(deviceId));
      // Tell a connected device first: writing the revocation cuts it off at once, and the root
      // document carrying it rarely reaches it, so it would see only refused redials (2 s bound).
      if (peers.node.getConnections().some((c) => c.remotePeer.toString() === deviceId))
        if (!(await sendRevocationNotice(peers.node, deviceId, rev)))
          opts.log(`device ${deviceId} could not be told it was revoked`);
      peers.root.change((d) => {
        d.revocations[deviceId] = rev;
      });
      await peers.access.update(peers.root.doc());
      // Cut live connections now; the gater refuses new ones.
      await Promise.all(
        peers.node
          .getConnections()
          .filter((c) => c.remotePeer.toString() === deviceId)
          .map((c) => c.close().catch(() => undefined)),
      );
      // Who asked: a device revoking another from the app, or the node's own CLI.
      await audit.append('device.revoked', {
        deviceId,
        name: row.name,
        by: by ?? peers.deviceId,
        via: by === undefined ? 'admin-api' : 'device-admin',
      });
      return { ...row, revoked: true, online: false };
    },
  };
  // `/hearth/device-admin/1`: a paired device revokes another from the app, by the same
  // revoke as `hearth devices revoke`.
  const remoteAdmin = createDeviceAdminServer({
    node: peers.node,
    access: peers.access,
    async revoke(deviceId, by) {
      await admin.revoke(deviceId, by);
      opts.log(`revoked device ${deviceId} at the request of ${by}`);
    },
  });
  return admin;
}
