/** The frames of `/hearth/catalog-snapshot` (catalog-snapshot.ts), shared by server and client. */

/** The snapshot protocol: document frames, then an end frame. */
export const CATALOG_SNAPSHOT_PROTOCOL = '/hearth/catalog-snapshot/2';
/** The first version, still served for older peers: the same document frames and no end frame. */
export const CATALOG_SNAPSHOT_PROTOCOL_V1 = '/hearth/catalog-snapshot/1';
/** Largest document frame accepted (a full 2,000-record shard saves to well under 1 MiB). */
export const MAX_SNAPSHOT_FRAME = 32 * 1024 * 1024;

export type SnapshotDocKind = 'root' | 'shard' | 'album' | 'people';
export interface DocFrame {
  k: SnapshotDocKind;
  /** shard key / album id / '' */
  key: string;
  id: string;
  b: Uint8Array;
  /** a shard's summary (shard-summary.ts), when the server has one */
  s?: Uint8Array;
}

/** The last frame of a version-2 snapshot: how many document frames came before it. */
export interface EndFrame {
  k: 'end';
  n: number;
}
