import type { AssetId } from '@hearth/sync';
import type { AssetRecord, DerivedRecord, UserEdits } from './asset-record.ts';

/**
 * The node's catalog of assets and their derivatives. Several processes on one data dir
 * (the daemon and a CLI import) may add at once; an asset added twice is one asset.
 */
export interface NodeCatalog {
  /** Load what is stored. */
  start(): Promise<void>;
  /** Read what other processes added since; returns the assets new to this process. */
  refresh(): Promise<AssetRecord[]>;
  get(id: AssetId): AssetRecord | undefined;
  assets(): IterableIterator<AssetRecord>;
  readonly size: number;
  /** Grows with every record applied (adds, edits, derivatives): a cheap "anything changed?". */
  readonly version: number;
  /** Add an asset; false (and no write) when it is already there. */
  add(record: AssetRecord): Promise<boolean>;
  /** Change user edits (last write wins). */
  edit(id: AssetId, edits: UserEdits): Promise<void>;
  derived(id: AssetId): ReadonlyMap<string, DerivedRecord>;
  addDerived(record: DerivedRecord): Promise<void>;
  /**
   * Remember that the asset is in the synced catalog, with its derived refs of that step
   * version, and its motion video's of that `motion` step version.
   */
  markProjected(id: AssetId, derivedVersion?: number, motionVersion?: number): Promise<void>;
  /** Called for every asset new to this process (added here or read from another process). Returns unsubscribe. */
  onAdded(listener: (asset: AssetRecord) => void): () => void;
  /** Journal bytes written since the last snapshot: what a start replays beyond it. */
  tailBytes(): Promise<number>;
  /** Write a snapshot of the current state, so the next start reads that instead of the whole journal. */
  compact(): Promise<void>;
  /** Wait for pending writes. */
  stop(): Promise<void>;
}
