/**
 * Errors of the PWA's library layer, each with a stable `code` the UI switches on to tell
 * people what to do.
 */
import { PwaError } from '../errors.ts';

export class AlbumNotFoundError extends PwaError {
  constructor(id: string) {
    super(
      'ALBUM_NOT_FOUND',
      `album ${id} is not in this library (it may have been deleted on another device); go back to Albums`,
    );
  }
}

export class AssetNotFoundError extends PwaError {
  constructor(id: string) {
    super('ASSET_NOT_FOUND', `asset ${id.slice(0, 12)}… is not in this library; it may still be syncing`);
  }
}

export class LibraryStorageError extends PwaError {
  constructor(what: string, cause: unknown) {
    super(
      'LIBRARY_STORAGE',
      `the browser refused to ${what} (storage full or private mode?); free some space and retry`,
      { cause },
    );
  }
}
