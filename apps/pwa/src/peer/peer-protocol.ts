/** Messages between the page and the peer worker (which runs libp2p and the synced catalog). */
import type { HomeNodeAddresses, NodeStatus } from '@hearth/sync';
import type { LibraryChange } from '../library/library-client.ts';
import type { SearchFilters, SearchResult } from '../search/search-types.ts';

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
  /** the home node's HTTP server for blobs (from the grant; absent: the app's own origin) */
  homeHttpUrl?: string;
  /**
   * every home node's signed addresses as last read from the root document (`homeNodes`),
   * kept so a reload reaches a second home node while the first is down (see home-nodes.ts)
   */
  homeNodes?: HomeNodeAddresses[];
  rootDocUrl: string;
  /** base64url Ed25519 key of the library (absent in pairings saved before the catalog peer) */
  libraryPublicKey?: string;
  pairedAt: number;
  /** the home node said this device was revoked (ms since epoch): it must pair again, with a new key */
  revokedAt?: number;
}

/** A device of the library as the devices page shows it (from the synced root document). */
export interface PeerDevice {
  deviceId: string;
  name: string;
  role: string;
  /** when it was paired (its certificate issued), ms since epoch; 0: not known */
  issuedAt: number;
  /** when it was revoked; absent: not revoked */
  revokedAt?: number;
  thisDevice: boolean;
  /**
   * the home node this device paired with, which holds the library key (signs pairings and
   * revocations): it cannot be revoked; other home nodes are second ones and can
   */
  keyHolder?: boolean;
  /** connected to this device now (this device itself counts as online) */
  online: boolean;
}

/** What the sync status shows as pending with the home node, in documents. */
export interface SyncCounts {
  toSend: number;
  toReceive: number;
}

export type PeerRequest =
  | { id: number; t: 'pair'; link: string; name: string }
  | { id: number; t: 'connect' }
  /** every device of the library, from the synced root document */
  | { id: number; t: 'devices' }
  /** asks the home node to revoke a device (`/hearth/device-admin/1`) */
  | { id: number; t: 'revoke'; deviceId: string }
  /** a LibraryClient method (or `mediaBlob`) on the worker's synced catalog */
  | { id: number; t: 'lib'; method: string; args: unknown[] }
  /** a search over the synced catalog (the index lives in the worker) */
  | { id: number; t: 'search'; query: string; filters: SearchFilters }
  /** the page's online/offline events (not acknowledged) */
  | { t: 'network'; online: boolean };

export type PeerReply =
  | { id: number; t: 'paired'; info: PairingInfo }
  | { id: number; t: 'connected' }
  | { id: number; t: 'devices'; devices: PeerDevice[] }
  | { id: number; t: 'revoked' }
  | { id: number; t: 'lib-ok'; value: unknown }
  /** progress of a running library call (a backup: bytes sent of the whole) */
  | { id: number; t: 'lib-progress'; done: number; total: number }
  | { id: number; t: 'search-ok'; result: SearchResult }
  | { t: 'lib-change'; change: LibraryChange }
  /** the worker's search index changed (library, machine words, CLIP): the page may ask again */
  | { t: 'search-change' }
  | { id: number; t: 'error'; code: string; message: string }
  | { t: 'peers'; count: number }
  /** documents pending with the home node each way (null: not known, it has not connected) */
  | { t: 'sync'; pending: SyncCounts | null }
  /** the home node's work (`/hearth/status/1`); null: not known now (not connected) */
  | { t: 'node-status'; status: NodeStatus | null }
  /** the synced catalog is open in the worker (epoch ms, the worker's clock): e2e checks the page painted before */
  | { t: 'catalog-open'; at: number }
  /** the home node told this device it was revoked (`/hearth/revoked/1`) */
  | { t: 'removed'; revokedAt: number }
  | { t: 'ready' };
