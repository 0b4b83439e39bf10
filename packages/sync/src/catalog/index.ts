export type { RootDoc } from './root-doc.ts';
export type { Catalog, CatalogChange } from './catalog.ts';
export { createCatalog, type CatalogOptions } from './create-catalog.ts';
export { shutdownRepo } from './shutdown-repo.ts';
export type { LazyShardOptions } from './shard-set.ts';
export {
  encodeShardSummary,
  decodeShardSummary,
  type ShardSummary,
  type ShardSummaryStore,
} from './shard-summary.ts';
export type { Asset, AssetType, NewAsset, AssetIngestRecord, DerivedBlobRef } from './asset-record.ts';
export { validateShardDoc, type AssetShardDoc } from './asset-shard-doc.ts';
export { readAsset, readShard } from './asset-view.ts';
export { readAlbum, type Album, type AlbumDoc, type AlbumRole } from './album-doc.ts';
export { readPeople, emptyPeople, type PeopleDoc, type Person, type PersonRecord } from './people-doc.ts';
export {
  openPeopleCatalog,
  peopleUrl,
  type PeopleCatalog,
  type PeopleCatalogOptions,
} from './people-catalog.ts';
export {
  openMlCatalog,
  findMlCatalog,
  mlDocUrl,
  type MlCatalog,
  type MlCatalogOptions,
} from './ml-catalog.ts';
export {
  readMlState,
  ML_BLOB_KINDS,
  ML_DEVICE_KINDS,
  type MlBlobKind,
  type MlDeviceKind,
  type MlDeviceResult,
  type MlDoc,
  type MlModelRef,
  type MlMonthRef,
  type MlState,
} from './ml-doc.ts';
export { resolvePerson } from './people-edits.ts';
export {
  readPeopleState,
  facePeople,
  listPeople,
  type PeopleState,
  type PersonSummary,
} from './people-view.ts';
export { readRootIndex, emptyCatalogRootFields, type RootIndex } from './root-doc-validation.ts';
export {
  monthOf,
  parseShardKey,
  shardKey,
  SHARD_SPLIT_AT,
  type MonthKey,
  type ShardKey,
} from './shard-key.ts';
export { shardUrl, shardDocumentId } from './shard-doc-id.ts';
export * from './catalog-errors.ts';
export type { TimelineIndexStore } from './timeline-index-store.ts';
export { createMemoryTimelineIndexStore } from './timeline-index-store.memory.ts';
export { createTimelineIndexer, type TimelineIndexer } from './timeline-indexer.ts';
export { readTimelineMonth, readNewestTimelineMonth } from './timeline-reader.ts';
export { encodeTimelineMonth, decodeTimelineMonth } from './timeline-codec.ts';
export {
  buildTimelineMonth,
  timelineIdAt,
  timelineThumbhashAt,
  timelineThumbAt,
  FLAG_ARCHIVED,
  FLAG_FAVORITE,
  FLAG_TRASHED,
  FLAG_VIDEO,
  type TimelineMonth,
} from './timeline-month.ts';
export {
  serveCatalogSnapshots,
  fetchCatalogSnapshot,
  SnapshotTruncatedError,
  CATALOG_SNAPSHOT_PROTOCOL,
  CATALOG_SNAPSHOT_PROTOCOL_V1,
  MAX_SNAPSHOT_FRAME,
  type SnapshotResult,
  type SnapshotDocKind,
} from './catalog-snapshot.ts';
