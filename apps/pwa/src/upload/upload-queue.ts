/**
 * The backup queue: files picked, dropped or shared into the app wait here (persisted, so a
 * reload or going offline loses nothing), are hashed and probed off the main thread,
 * deduplicated by content hash, and handed to the library.
 */

/** `uploading`: a paired device sends the original to the home node (the "backed up" step). */
export type UploadState = 'queued' | 'hashing' | 'importing' | 'uploading' | 'done' | 'duplicate' | 'failed';

/** One file in the queue. */
export interface UploadEntry {
  id: string;
  name: string;
  size: number;
  type: string;
  lastModified: number;
  state: UploadState;
  /** 0..1 of the current step */
  progress: number;
  /** SHA-256 once hashed: the asset id */
  hash?: string;
  error?: string;
  /** failed only in sending to the home node (offline?): retried when the browser is back online */
  sendFailed?: boolean;
  addedAt: number;
}

/** What hashing + probing a file yields. */
export interface ProcessedFile {
  hash: string;
  type: 'image' | 'video';
  mime: string;
  width: number;
  height: number;
  /** UTC ms: the capture time by Immich's tag priority, else the file's modification time */
  capturedAt: number;
  /** the camera's UTC offset in minutes, when the tags (or the GPS position) give it */
  tzOffsetMin?: number;
  thumbhash?: string;
  /** WebP, 250 px short side */
  thumbnail?: Blob;
  /** JPEG, 1440 px short side (never enlarged) */
  preview?: Blob;
  camera?: { make?: string; model?: string };
  /** none when the tags are empty (0,0) or out of range */
  gps?: { lat: number; lon: number; alt?: number };
  /** "City, Region, Country" of `gps` (library/local-library-place.ts) */
  place?: string;
  /** dHash of an image (16 hex chars), for near-duplicate review */
  phash?: string;
  /** videos probed on this device (process-video.ts) */
  durationMs?: number;
  /** a motion photo's video, split from the file and made playable here (MP4) */
  motion?: Blob;
}

/** Hashes and probes one file; the browser's runs in a worker. */
export interface FileProcessor {
  process(file: File, onProgress: (fraction: number) => void): Promise<ProcessedFile>;
  /** frees the worker */
  close(): void;
}

/** See the file comment. */
export interface UploadQueue {
  start(): Promise<void>;
  stop(): Promise<void>;
  add(files: readonly File[]): Promise<void>;
  entries(): readonly UploadEntry[];
  onUpdate(listener: (entries: readonly UploadEntry[]) => void): () => void;
  retry(id: string): Promise<void>;
  /** forgets done/duplicate entries */
  clearFinished(): Promise<void>;
  /** resolves when nothing is queued or in progress */
  idle(): Promise<void>;
}

export const isPending = (e: UploadEntry): boolean =>
  e.state === 'queued' || e.state === 'hashing' || e.state === 'importing' || e.state === 'uploading';
