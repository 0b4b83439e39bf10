import { HearthError } from '../errors.ts';

/** A document or record failed schema validation. It is skipped and reported, never fatal. */
export class InvalidCatalogDataError extends HearthError {
  readonly where: string;
  constructor(where: string, reason: string) {
    super('CATALOG_INVALID_DATA', `${where}: ${reason} (skipped; the rest of the catalog is unaffected)`);
    this.where = where;
  }
}

/** An operation named an asset the catalog does not hold. */
export class AssetNotFoundError extends HearthError {
  constructor(id: string) {
    super(
      'CATALOG_ASSET_NOT_FOUND',
      `asset ${id} is not in this catalog (import it first, or wait for sync)`,
    );
  }
}

/** An operation named an album the catalog does not hold. */
export class AlbumNotFoundError extends HearthError {
  constructor(id: string) {
    super('CATALOG_ALBUM_NOT_FOUND', `album ${id} is not in this catalog (it may not have synced yet)`);
  }
}

/** Bad arguments to a catalog operation (e.g. a rating outside 0..5). */
export class InvalidCatalogInputError extends HearthError {
  constructor(reason: string) {
    super('CATALOG_INVALID_INPUT', reason);
  }
}

/** The catalog was used before `start()` or after `stop()`. */
export class CatalogNotStartedError extends HearthError {
  constructor() {
    super('CATALOG_NOT_STARTED', 'catalog is not started: call start() first');
  }
}

/** A timeline index file/record could not be decoded. */
export class TimelineIndexCorruptError extends HearthError {
  constructor(where: string, reason: string) {
    super(
      'TIMELINE_INDEX_CORRUPT',
      `timeline index ${where} is unreadable (${reason}); it is rebuilt from the catalog`,
    );
  }
}
