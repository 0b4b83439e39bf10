import type { ConnectionGater, Libp2p, PeerId, PrivateKey } from '@libp2p/interface';
import { enforceRevocations } from './revocation-enforcer.ts';
import type { PeerAccess } from './peer-access.ts';
import type { RevocationCourier } from './revocation-courier.ts';

/** STUN/TURN servers as `RTCConfiguration.iceServers` takes them. */
export type IceServerList = readonly { urls: string | string[]; username?: string; credential?: string }[];

/** What a device needs to start its libp2p node. */
export interface PeerNodeInit {
  /** The device key, so the device keeps its PeerId (and certificate) across restarts. */
  privateKey?: PrivateKey;
  /** Listen addresses (Node: default all interfaces, TCP and WebSockets on random ports). */
  listen?: string[];
  /**
   * When given, revoked peers are refused at the connection level, and every connection to
   * a device is closed the moment its revocation is applied (until the node stops).
   */
  access?: PeerAccess;
  /** Node: discover peers on the LAN with mDNS (default off). */
  mdns?: boolean;
  /** Node: act as a circuit relay v2 server for browsers (default on). */
  relayServer?: boolean;
  /**
   * Browser: addresses (multiaddr prefixes, e.g. the home node's `/ip4/192.168.1.2/tcp/8080/ws`)
   * that may be dialled although libp2p's browser default refuses private and plain `/ws`.
   */
  allowDial?: string[];
  /**
   * Browser: STUN/TURN servers for WebRTC between devices (default none: host candidates
   * only, which is enough on one LAN and contacts no third party). A function is read at each
   * new peer connection, so servers learnt later (the root document's list) take effect
   * without restarting the node.
   */
  iceServers?: IceServerList | (() => IceServerList);
  /**
   * With `access`: runs when a connected device is revoked, before its connections are closed,
   * e.g. to send it the signed revocation (`tellRevokedPeer`) so a device that was away from
   * the home node learns it was removed from any other device it is connected to.
   */
  beforeCutOff?: (peer: string) => Promise<unknown>;
  /**
   * Node, with `access`: a revoked device that dials in is let through (rate limited) only to
   * be sent its signed revocation, then closed (see revocation-courier.ts); without it the
   * gater refuses it silently and a device revoked while offline never learns why.
   */
  revocationCourier?: RevocationCourier;
}

/** The libp2p node of a device, with the services Hearth relies on. */
export type PeerNode = Libp2p;

/**
 * The connection gater part that enforces revocations: a revoked peer's connections are
 * refused after the Noise handshake proves who it is, in both directions — except an inbound
 * one the `courier` admits to tell the peer it was revoked.
 */
export function revocationGater(
  access: PeerAccess | undefined,
  courier?: RevocationCourier,
): Pick<
  ConnectionGater,
  'denyInboundEncryptedConnection' | 'denyOutboundEncryptedConnection' | 'denyDialPeer'
> {
  const revoked = (p: PeerId): boolean => access?.isRevoked?.(p.toString()) ?? false;
  return {
    denyDialPeer: revoked,
    denyInboundEncryptedConnection: (p) => revoked(p) && !(courier?.admit(p.toString()) ?? false),
    denyOutboundEncryptedConnection: revoked,
  };
}

/**
 * The connection gater part that keeps the circuit relay to the library: the home node
 * grants relay reservations only to paired devices and relays only between two of them,
 * and a browser accepts relayed connections only from paired devices. Without `access`
 * everyone is allowed (tests).
 */
export function relayGater(
  access: PeerAccess | undefined,
): Pick<
  ConnectionGater,
  'denyInboundRelayReservation' | 'denyOutboundRelayedConnection' | 'denyInboundRelayedConnection'
> {
  const stranger = (p: PeerId): boolean => (access ? !access.isPaired(p.toString()) : false);
  return {
    denyInboundRelayReservation: stranger,
    denyOutboundRelayedConnection: (source, destination) => stranger(source) || stranger(destination),
    denyInboundRelayedConnection: (_relay, remote) => stranger(remote),
  };
}

/**
 * Hangs up revoked devices for as long as the node runs (`beforeCutOff` first: see
 * PeerNodeInit), and has the `courier` tell those it admits.
 */
export function cutOffRevoked(
  node: Libp2p,
  access: PeerAccess,
  beforeCutOff?: (peer: string) => Promise<unknown>,
  courier?: RevocationCourier,
): void {
  const stop = enforceRevocations(node, access, undefined, beforeCutOff);
  node.addEventListener('stop', stop, { once: true });
  courier?.start(node, access);
}
