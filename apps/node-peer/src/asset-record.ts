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
  camera?: { make?: string; model?: string };
  gps?: { lat: number; lon: number; alt?: number };
  /** Place name from `gps` ("City, Region, Country"), by the offline geocoder at import. */
  place?: string;
  /** For a Live Photo still: the asset id of its motion part. */
  livePhotoVideo?: AssetId;
  /** For the motion part of a Live Photo: the still it belongs to (hidden in the timeline). */
  livePhotoOf?: AssetId;
  /**
   * Whether the import's metadata found a motion photo (a video inside the file); absent when
   * not read (older imports): the `motion` step then looks at the bytes.
   */
  motionPhoto?: boolean;
  /** Set once the asset is in the synced (Automerge) catalog. */
  projected?: boolean;
  /** The version of the step whose derived refs (thumbnail, preview…) are in the synced catalog. */
  projectedDerived?: number;
  /** The version of the `motion` step whose video ref is in the synced catalog. */
  projectedMotion?: number;
}

/** What a pipeline step made for an asset at a given version. */
export interface DerivedRecord {
  asset: AssetId;
  /** The step (e.g. `images`). */
  kind: string;
  version: number;
  /** Output name → blob (e.g. thumbnail, preview). */
  blobs: Record<string, BlobHash>;
  /** Small results kept inline (e.g. thumbhash, perceptual hash, width/height). */
  values?: Record<string, string | number>;
  /** Set when the step cannot work on this asset (e.g. undecodable); it is not retried at this version. */
  failed?: string;
}
