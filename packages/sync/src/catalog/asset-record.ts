import type { ImmutableString } from '@automerge/automerge';
import type { AssetId, BlobHash, DeviceId } from '../ids.ts';
import type { ShardKey } from './shard-key.ts';

export type AssetType = 'image' | 'video';

/**
 * The set-once ingest fields of an asset, as stored in its shard document. Written once by
 * the importing device and never edited, so strings are `ImmutableString` (cheap, no text CRDT).
 * The original's blob hash is the asset id itself.
 */
export interface AssetIngestRecord {
  id: ImmutableString;
  type: ImmutableString;
  mime: ImmutableString;
  size: number;
  /** UTC ms since epoch */
  capturedAt: number;
  /** the camera's UTC offset in minutes (local time = capturedAt + offset) */
  tzOffsetMin: number;
  width: number;
  height: number;
  durationMs?: number;
  /** base64 thumbhash */
  thumbhash?: ImmutableString;
  lat?: number;
  lon?: number;
  alt?: number;
  place?: ImmutableString;
  cameraMake?: ImmutableString;
  cameraModel?: ImmutableString;
  fileName?: ImmutableString;
  livePhotoPair?: ImmutableString;
  stack?: ImmutableString;
  addedAt: number;
  addedBy: ImmutableString;
}

/** A derived blob (thumbnail, preview, transcode…) and the pipeline version that made it. */
export interface DerivedBlobRef {
  hash: ImmutableString;
  pipeline: number;
}

/** What an importer supplies for a new asset (plain strings; the catalog stores them immutably). */
export interface NewAsset {
  id: AssetId;
  type: AssetType;
  mime: string;
  size: number;
  capturedAt: number;
  tzOffsetMin?: number;
  width: number;
  height: number;
  durationMs?: number;
  thumbhash?: string;
  gps?: { lat: number; lon: number; alt?: number };
  place?: string;
  camera?: { make?: string; model?: string };
  fileName?: string;
  livePhotoPair?: AssetId;
  stack?: string;
}

/** An asset as the apps read it: ingest fields merged with the user's edits. */
export interface Asset {
  id: AssetId;
  shard: ShardKey;
  type: AssetType;
  mime: string;
  size: number;
  capturedAt: number;
  tzOffsetMin: number;
  width: number;
  height: number;
  /** width / height, 1 when unknown */
  ratio: number;
  durationMs?: number;
  thumbhash?: string;
  gps?: { lat: number; lon: number; alt?: number };
  place?: string;
  camera?: { make?: string; model?: string };
  fileName?: string;
  livePhotoPair?: AssetId;
  stack?: string;
  addedAt: number;
  addedBy: DeviceId;
  favorite: boolean;
  archived: boolean;
  /** set when in the trash */
  trashedAt?: number;
  rating: number;
  description: string;
  tags: string[];
  /** devices that hold the original */
  holders: DeviceId[];
  derived: Record<string, { hash: BlobHash; pipeline: number }>;
}
