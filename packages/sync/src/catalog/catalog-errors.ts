import { HearthError } from '../errors.ts';

/** A document or record failed schema validation. It is skipped and reported, never fatal. */
export class InvalidCatalogDataError extends HearthError {
  readonly where: string;
  constructor(where: string, reason: string) {
    super('CATALOG_INVALID_DATA', `${where}: ${reason} (skipped; the rest of the catalog is unaffected)`);
    this.where = where;
  }
}

/**
 * Edits of a listed album that were kept because its document was on no connected peer yet, and
 * that will never be applied: the catalog stopped before the document arrived, or the document
 * arrived unreadable. Reported on `catalog.onInvalid` (like a skipped document), with the album
 * and a description of each edit lost, in the order they were made, so an app can tell the user.
 */
export class AlbumEditsNotAppliedError extends InvalidCatalogDataError {
  override readonly code = 'CATALOG_ALBUM_EDITS_NOT_APPLIED';
  readonly albumId: string;
  /** what each edit would have done, oldest first (e.g. `add 3 assets`, `rename to "Alps"`) */
  readonly edits: readonly string[];
  constructor(albumId: string, edits: readonly string[], why: string) {
    super(`album ${albumId}`, why);
    this.albumId = albumId;
    this.edits = edits;
    const n = edits.length === 1 ? '1 edit' : `${edits.length} edits`;
    this.message = `album ${albumId}: ${n} not applied, ${why}: ${edits.join('; ')}`;
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
