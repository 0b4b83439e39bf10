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
  /** Add an asset; false (and no write) when it is already there. */
  add(record: AssetRecord): Promise<boolean>;
  /** Change user edits (last write wins). */
  edit(id: AssetId, edits: UserEdits): Promise<void>;
  derived(id: AssetId): ReadonlyMap<string, DerivedRecord>;
  addDerived(record: DerivedRecord): Promise<void>;
  /** Wait for pending writes. */
  stop(): Promise<void>;
}
