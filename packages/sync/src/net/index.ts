export type { PeerAccess } from './peer-access.ts';
export { ProtocolViolationError } from './errors.ts';
export { TimeoutError, withTimeout } from './with-timeout.ts';
export { createLibraryAccess, type LibraryAccess, type LibraryAccessOptions } from './library-access.ts';
export { enforceRevocations } from './revocation-enforcer.ts';
export {
  relayGater,
  revocationGater,
  type IceServerList,
  type PeerNode,
  type PeerNodeInit,
} from './peer-node.ts';
export {
  checkIceServers,
  parseIceServers,
  readIceServers,
  signIceServers,
  IceServerConfigError,
  ICE_LIMITS,
  type IceServer,
  type SignedIceServers,
} from './webrtc-ice.ts';
export { rtcConfigurationOf } from './webrtc-config.ts';
export {
  MERGED_ICE_LIMIT,
  mergeIceServers,
  readAllIceServers,
  signHomeNodeIce,
  verifyHomeNodeIce,
  type HomeNodeIce,
  type IceServersRead,
} from './home-node-ice.ts';
export {
  isDirectWebRtc,
  startDeviceMesh,
  type DeviceMesh,
  type DeviceMeshOptions,
  type MeshNode,
  type MeshRelay,
} from './device-mesh.ts';
export { AUTOMERGE_PROTOCOL } from './automerge-frames.ts';
export {
  Libp2pNetworkAdapter,
  DEFAULT_MAX_FRAME,
  type AdapterNode,
  type Libp2pNetworkAdapterOptions,
} from './libp2p-network-adapter.ts';
export { connectPeers, whenConnected } from './connect-peers.ts';
export { drained } from './stream-drain.ts';
export { followRootDoc } from './follow-root-doc.ts';
export * from './pairing-errors.ts';
export {
  createPairingCodes,
  normalizeCode,
  type IssuedCode,
  type PairingCodes,
  type PairingCodesOptions,
} from './pairing-codes.ts';
export { encodePairingLink, parsePairingLink, type PairingLink } from './pairing-link.ts';
export { PAIR_PROTOCOL, type PairingGrant } from './pairing-protocol.ts';
export { createPairingServer, type PairingServer, type PairingServerOptions } from './pairing-server.ts';
export { pairWithCode, type PairingResult } from './pairing-client.ts';
export { findDoc } from './find-doc.ts';
export { followPeerHeads, syncPendingWith, type PeerHeadsLog, type SyncPending } from './sync-pending.ts';
export { createSwitchableAccess, type SwitchableAccess } from './switchable-access.ts';
export * from './device-admin-errors.ts';
export { DEVICE_ADMIN_PROTOCOL } from './device-admin-protocol.ts';
export {
  createDeviceAdminServer,
  type DeviceAdminServer,
  type DeviceAdminServerOptions,
} from './device-admin-server.ts';
export { requestRevocation } from './device-admin-client.ts';
export {
  REVOCATION_NOTICE_PROTOCOL,
  handleRevocationNotices,
  sendRevocationNotice,
  readRevocation,
  tellRevokedPeer,
  type RevocationNoticeOptions,
} from './revocation-notice.ts';
export {
  createRevocationCourier,
  type RevocationCourier,
  type RevocationCourierOptions,
} from './revocation-courier.ts';
export { listLibraryDevices, type LibraryDevice } from './library-devices.ts';
export {
  HOME_ADDRS_LIMITS,
  dialAddrsOf,
  mergeHomeNodeAddresses,
  readHomeNodeAddresses,
  signHomeNodeAddresses,
  verifyHomeNodeAddresses,
  type HomeNodeAddresses,
} from './home-node-addresses.ts';
