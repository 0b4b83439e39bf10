import type { MediaKind } from '../library/library-client.ts';

/**
 * The bytes of thumbnails, previews and originals this device holds, by asset and kind.
 * Kept apart from the catalog: the catalog syncs records, this holds verified bytes only.
 */
export interface MediaCache {
  get(asset: string, kind: MediaKind): Promise<Blob | undefined>;
  put(asset: string, kind: MediaKind, bytes: Blob): Promise<void>;
  /** Removes every kind of an asset. */
  delete(asset: string): Promise<void>;
  /** Removes one kind of an asset ("free up space" drops originals only). */
  remove(asset: string, kind: MediaKind): Promise<void>;
  /** The assets whose `kind` is held here, with its size in bytes. */
  held(kind: MediaKind): Promise<{ asset: string; size: number }[]>;
  close(): void;
}
