/**
 * The one door between the UI and the library. The UI renders whatever a LibraryClient
 * gives it; today that is the in-browser replica (local-library.idb.ts), later the synced
 * Automerge catalog from @hearth/sync running in a worker. Method names follow the sync
 * package's `Catalog` so that adapter stays thin.
 */
import type { MonthSummary, TimelineItem } from './timeline-item.ts';

export type AssetType = 'image' | 'video';

/** An asset as the viewer and info panel read it. */
export interface AssetDetails {
  id: string;
  type: AssetType;
  mime: string;
  size: number;
  /** UTC ms */
  capturedAt: number;
  width: number;
  height: number;
  ratio: number;
  durationMs?: number;
  thumbhash?: string;
  fileName?: string;
  camera?: { make?: string; model?: string };
  /** the camera's UTC offset in minutes, when known */
  tzOffsetMin?: number;
  gps?: { lat: number; lon: number; alt?: number };
  place?: string;
  /** dHash (16 hex chars) of an image imported on this device, as the node records it */
  phash?: string;
  favorite: boolean;
  archived: boolean;
  trashedAt?: number;
  rating: number;
  description: string;
  tags: string[];
  /** true once a home node confirmed it holds the original */
  backedUp: boolean;
  /** names of the home nodes holding the original, sorted (absent: none known by name) */
  backedUpOn?: string[];
  /** a Live Photo still: the asset id of its paired video (played from the viewer) */
  livePhotoVideo?: string;
  /** a motion photo: its embedded video plays from the viewer (`mediaUrl(id, 'motion')`) */
  motion?: boolean;
}

/** Which originals "free up space" may remove. */
export interface FreeUpSpaceOptions {
  /** home nodes the catalog must list as holders (default 1: any other holder, as before) */
  minCopies?: number;
}

/** How well the library is backed up (see `backupSummary`). */
export interface BackupSummary {
  total: number;
  onNoHomeNode: number;
  onOneHomeNode: number;
  /** the library's home nodes (not revoked) */
  homeNodes: number;
  /**
   * Present while the count is not complete (a first count reads every month, `budgetMs`):
   * the figures cover only `months` of the library's `of` months, each exactly.
   */
  counting?: { months: number; of: number };
}

/** How long one `backupSummary` call may count (see `BackupSummary.counting`). */
export interface BackupSummaryOptions {
  /**
   * Stop reading months once this many ms have passed (at least one month is read per call);
   * the next call goes on from there. Absent: every month that needs it is read first.
   */
  budgetMs?: number;
}

/** What an import supplies: ingest fields and the bytes this device has. */
export interface NewLocalAsset {
  id: string;
  type: AssetType;
  mime: string;
  size: number;
  capturedAt: number;
  width: number;
  height: number;
  durationMs?: number;
  thumbhash?: string;
  fileName?: string;
  camera?: { make?: string; model?: string };
  /** the camera's UTC offset in minutes, when known */
  tzOffsetMin?: number;
  gps?: { lat: number; lon: number; alt?: number };
  /** "City, Region, Country" from the offline reverse geocoder */
  place?: string;
  /** dHash, 16 hex chars */
  phash?: string;
  original?: Blob;
  thumbnail?: Blob;
  preview?: Blob;
  /** a motion photo's video, split and made playable on this device (MP4) */
  motion?: Blob;
}

/** An album as the UI reads it. */
export interface AlbumView {
  id: string;
  title: string;
  description: string;
  cover?: string;
  /** in album order, no duplicates */
  assets: string[];
  createdAt: number;
}

/** What changed, so views refresh only what they show. */
export interface LibraryChange {
  assets: string[];
  albums: string[];
  months: string[];
  /**
   * true: the library's set of home nodes changed (one joined or was revoked), which changes
   * backup counts and "backed up on" names though no asset changed
   */
  homeNodes?: boolean;
  /**
   * true: media this device could not have may be had now (a home node connected): a view still
   * showing a placeholder asks again. A thumbnail asked for before the node was reached failed,
   * and nothing else would name that asset again.
   */
  media?: boolean;
}

/**
 * `playback` is what a `<video>` plays: a URL it can stream and seek with Range requests (the
 * home node's transcode or original, tokened), or this device's own original; never cached as bytes.
 * `motion` is a motion photo's video (a few MB, cached like a preview so it plays offline).
 */
export type MediaKind = 'thumbnail' | 'preview' | 'original' | 'playback' | 'motion';

/** See the file comment. Long-lived: `start()` before use, `stop()` when done. */
export interface LibraryClient {
  start(): Promise<void>;
  stop(): Promise<void>;

  /** Months that have assets, newest first, with counts: enough to size the whole timeline. */
  months(): Promise<MonthSummary[]>;
  /** The timeline rows of one month, newest first. */
  monthItems(month: string): Promise<TimelineItem[]>;
  getAsset(id: string): Promise<AssetDetails | undefined>;
  /** Adds assets; idempotent by id (content hash). */
  addAssets(assets: readonly NewLocalAsset[]): Promise<{ added: string[]; existing: string[] }>;

  setFavorite(ids: readonly string[], favorite: boolean): Promise<void>;
  setArchived(ids: readonly string[], archived: boolean): Promise<void>;
  trash(ids: readonly string[]): Promise<void>;
  restore(ids: readonly string[]): Promise<void>;
  /** Removes records, timeline rows, album entries and this device's bytes of the given assets. */
  deletePermanently(ids: readonly string[]): Promise<void>;
  /** Deletes what has been in the trash longer than `olderThanMs` (30 days); returns the ids. */
  purgeTrash(olderThanMs?: number, now?: number): Promise<string[]>;
  setDescription(id: string, description: string): Promise<void>;
  setRating(id: string, rating: number): Promise<void>;

  listAlbums(): Promise<AlbumView[]>;
  /**
   * How many albums the library lists whose document is not on this device yet (it was on no
   * connected device): `listAlbums` cannot show them, so the albums page says they exist. Each
   * arrives as an album change. 0 where every album is local.
   */
  albumsNotHere(): Promise<number>;
  getAlbum(id: string): Promise<AlbumView | undefined>;
  createAlbum(title: string): Promise<string>;
  renameAlbum(id: string, title: string): Promise<void>;
  describeAlbum(id: string, description: string): Promise<void>;
  addToAlbum(id: string, assets: readonly string[]): Promise<void>;
  removeFromAlbum(id: string, assets: readonly string[]): Promise<void>;
  reorderAlbum(id: string, asset: string, toIndex: number): Promise<void>;
  setAlbumCover(id: string, asset: string | undefined): Promise<void>;

  /**
   * Sends this device's original of an asset to the home node ("backed up"); only a paired
   * library has it. Rejects when the node is unreachable or refuses; the queue shows that.
   */
  backUp?(id: string, progress?: (sent: number, total: number) => void): Promise<void>;

  /**
   * "Free up space" (paired only): originals held here that the home node holds too;
   * `minCopies` > 1: only those the catalog lists on that many home nodes.
   */
  spaceToFree?(opts?: FreeUpSpaceOptions): Promise<{ count: number; bytes: number }>;
  /**
   * Removes those originals from this device, each only after the home node confirms right
   * then that it holds it (`kept`: not confirmed, left here). Opening one fetches it again.
   */
  freeUpSpace?(opts?: FreeUpSpaceOptions): Promise<{ freed: number; bytes: number; kept: number }>;
  /**
   * How many assets are on no home node / on only one (paired only). Reads only months changed
   * since the last count; the first count on a device reads every month (`budgetMs` splits it).
   */
  backupSummary?(opts?: BackupSummaryOptions): Promise<BackupSummary>;

  /**
   * A URL the page can put in `src` (object URL or a tokened HTTP URL); undefined when not here
   * yet. `hash`: the blob expected (a timeline row's `thumb`), so bytes of an older derivative
   * held here are fetched again (ignored where media are not cached by hash).
   */
  mediaUrl(id: string, kind: MediaKind, hash?: string): Promise<string | undefined>;

  /** Subscribes to changes (this tab's and other tabs'); returns the unsubscribe function. */
  onChange(listener: (change: LibraryChange) => void): () => void;
}
