import type { MediaKind } from '../library/library-client.ts';

/**
 * The bytes of thumbnails, previews and originals this device holds, by asset and kind.
 * Kept apart from the catalog: the catalog syncs records, this holds verified bytes only.
 */
export interface MediaCache {
  get(asset: string, kind: MediaKind): Promise<Blob | undefined>;
  /**
   * Stores the bytes; `hash` says which blob they are (the catalog's derived ref, or `local`
   * for what this device made itself), so a re-derived thumbnail or preview is seen as stale.
   */
  put(asset: string, kind: MediaKind, bytes: Blob, hash?: string): Promise<void>;
  /** Which blob the held bytes are, when recorded (entries stored before hashes were kept: undefined). */
  hashOf(asset: string, kind: MediaKind): Promise<string | undefined>;
  /** Removes every kind of an asset. */
  delete(asset: string): Promise<void>;
  /** Removes one kind of an asset ("free up space" drops originals only). */
  remove(asset: string, kind: MediaKind): Promise<void>;
  /** The assets whose `kind` is held here, with its size in bytes. */
  held(kind: MediaKind): Promise<{ asset: string; size: number }[]>;
  close(): void;
}
