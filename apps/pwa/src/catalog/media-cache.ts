import type { MediaKind } from '../library/library-client.ts';

/**
 * The bytes of thumbnails, previews and originals this device holds, by asset and kind.
 * Kept apart from the catalog: the catalog syncs records, this holds verified bytes only.
 */
export interface MediaCache {
  get(asset: string, kind: MediaKind): Promise<Blob | undefined>;
  put(asset: string, kind: MediaKind, bytes: Blob): Promise<void>;
  delete(asset: string): Promise<void>;
  close(): void;
}
