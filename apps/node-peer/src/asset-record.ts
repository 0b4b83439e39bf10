import type { AssetId, BlobHash } from '@hearth/sync';

/** The user's edits to an asset: the only mutable fields (what export writes to XMP). */
export interface UserEdits {
  /** 0–5 stars; -1 = rejected */
  rating?: number;
  description?: string;
  tags?: string[];
  albums?: string[];
  favorite?: boolean;
}

/** One asset as the node's catalog holds it. Ingest fields are written once. */
export interface AssetRecord extends UserEdits {
  id: AssetId;
  /** The original's blob (equal to `id`). */
  original: BlobHash;
  type: 'photo' | 'video';
  mime: string;
  size: number;
  /** File name at import (export uses it). */
  fileName: string;
  importedAt: number;
  /** Pixel size after orientation, when known. */
  width?: number;
  height?: number;
  /** Capture time, ms since epoch (UTC), when known. */
  takenAt?: number;
  /** Capture time zone offset like "+02:00", when known. */
  takenOffset?: string;
  /** For a Live Photo still: the asset id of its motion part. */
  livePhotoVideo?: AssetId;
  /** For the motion part of a Live Photo: the still it belongs to (hidden in the timeline). */
  livePhotoOf?: AssetId;
}

/** A derived blob made for an asset by a pipeline step at a given version. */
export interface DerivedRecord {
  asset: AssetId;
  kind: string;
  version: number;
  blob: BlobHash;
  /** Set when the step cannot work on this asset (e.g. undecodable); it is not retried at this version. */
  failed?: string;
}
