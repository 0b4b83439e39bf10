import type { DeviceId } from '../ids.ts';

/**
 * The access check every protocol handler runs first. An unpaired (or revoked) peer gets
 * nothing: handlers close the stream without an answer that could reveal what exists.
 */
export interface PeerAccess {
  /** True when the peer holds a valid, unrevoked device certificate for this library. */
  isPaired(peer: DeviceId | string): boolean;
  /** Called when a device is revoked; returns an unsubscribe function. */
  onRevoked(listener: (peer: DeviceId) => void): () => void;
  /**
   * True when the peer's certificate has been revoked. Such a peer is refused at the
   * connection level (an unpaired one may still connect, to pair). Optional: without it
   * only the per-protocol checks apply.
   */
  isRevoked?(peer: DeviceId | string): boolean;
}
