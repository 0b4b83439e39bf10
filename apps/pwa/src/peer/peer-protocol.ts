/** Messages between the page and the peer worker (which runs libp2p and, later, the catalog). */

/** What this device knows about its pairing. */
export interface PairingInfo {
  libraryId: string;
  deviceId: string;
  deviceName: string;
  role: string;
  /** the home node's PeerId */
  homeNode: string;
  /** the home node's addresses from the pairing link */
  homeAddrs: string[];
  rootDocUrl: string;
  pairedAt: number;
}

export type PeerRequest =
  { id: number; t: 'pair'; link: string; name: string } | { id: number; t: 'connect' };

export type PeerReply =
  | { id: number; t: 'paired'; info: PairingInfo }
  | { id: number; t: 'connected' }
  | { id: number; t: 'error'; code: string; message: string }
  | { t: 'peers'; count: number }
  | { t: 'ready' };
