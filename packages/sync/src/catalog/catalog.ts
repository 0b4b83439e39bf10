import type { AlbumId, AssetId, BlobHash } from '../ids.ts';
import type { Album } from './album-doc.ts';
import type { Asset, NewAsset } from './asset-record.ts';
import type { InvalidCatalogDataError } from './catalog-errors.ts';
import type { MonthKey } from './shard-key.ts';

/** What changed in the catalog (locally or from a peer). */
export interface CatalogChange {
  assets: AssetId[];
  albums: AlbumId[];
  /** months whose shards changed: the timeline index patches exactly these */
  months: MonthKey[];
}

/**
 * The typed operations the apps use on a library's catalog. Every write is one Automerge
 * change on one small document (a shard or an album), so it syncs in milliseconds.
 */
export interface Catalog {
  /** Opens the root, shard and album documents and starts emitting changes. */
  start(): Promise<void>;
  stop(): Promise<void>;

  /** Adds assets; idempotent by content hash (the id). Returns which were new. */
  addAssets(assets: readonly NewAsset[]): Promise<{ added: AssetId[]; existing: AssetId[] }>;
  /** An asset, if its shard is open (lazy catalogs: `openAssets` first). */
  getAsset(id: AssetId): Asset | undefined;
  /** Whether the catalog holds this asset (open shard or not). */
  hasAsset(id: AssetId): boolean;
  /** Every valid asset of a month (all its splits), newest first (lazy catalogs: `openMonths` first). */
  monthAssets(month: MonthKey): Asset[];
  /** How many assets the catalog holds (every known shard, open or not). */
  assetCount(): number;
  /** Months that have shards, newest first. */
  months(): MonthKey[];
  /** Automerge heads of a month's shards: a cheap version stamp for derived views. */
  monthVersion(month: MonthKey): string;
  /**
   * Makes these months' shards readable (a no-op for those open; every shard is open in an
   * eager catalog). A lazy catalog holds at most its budget of shards (`maxOpen`) and drops
   * the least recently read first: read what you opened before opening more than that.
   */
  openMonths(months: readonly MonthKey[]): Promise<void>;
  /** Makes the shards holding these assets readable (the budget of `openMonths` applies). */
  openAssets(ids: readonly AssetId[]): Promise<void>;
  /** Persists the shard summaries changed so far (also done by `stop` and shortly after changes). */
  flush(): Promise<void>;

  setFavorite(id: AssetId, favorite: boolean): void;
  setArchived(id: AssetId, archived: boolean): void;
  setRating(id: AssetId, rating: number): void;
  setDescription(id: AssetId, description: string): void;
  setTags(id: AssetId, tags: readonly string[]): void;
  /**
   * Records derived blobs (thumbnail, preview, playback…) made for an asset, so every device
   * can fetch them by hash. A ref is replaced only by one from the same or a newer pipeline
   * version, so a slow old derivation never overwrites a newer one.
   */
  setDerived(id: AssetId, refs: Readonly<Record<string, { hash: BlobHash; pipeline: number }>>): void;
  trash(ids: readonly AssetId[]): void;
  restore(ids: readonly AssetId[]): void;
  /** Removes the records (and album entries); blobs are the blob layer's business. */
  deletePermanently(ids: readonly AssetId[]): void;

  createAlbum(title: string): Promise<AlbumId>;
  renameAlbum(id: AlbumId, title: string): void;
  describeAlbum(id: AlbumId, description: string): void;
  addToAlbum(id: AlbumId, assets: readonly AssetId[]): void;
  removeFromAlbum(id: AlbumId, assets: readonly AssetId[]): void;
  reorderAlbum(id: AlbumId, asset: AssetId, toIndex: number): void;
  setAlbumCover(id: AlbumId, asset: AssetId | undefined): void;
  /** An album, if open (lazy catalogs open albums on demand: `openAlbums` first). */
  getAlbum(id: AlbumId): Album | undefined;
  /** The open albums (every album in an eager catalog). */
  listAlbums(): Album[];
  /** Every album the library lists, open or not. */
  albumIds(): AlbumId[];
  /** Opens these albums (default: all); edits of a closed album also open it. */
  openAlbums(ids?: readonly AlbumId[]): Promise<void>;

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: (change: CatalogChange) => void): () => void;
  /**
   * Malformed documents/records that were skipped (from a peer or a file), documents not here
   * yet, and album edits that will not be applied (`AlbumEditsNotAppliedError`).
   */
  onInvalid(listener: (error: InvalidCatalogDataError) => void): () => void;
}
