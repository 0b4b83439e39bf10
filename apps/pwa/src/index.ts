/** What other workspaces (benchmarks, e2e helpers) may use from the PWA. */
export type {
  LibraryClient,
  AssetDetails,
  AlbumView,
  LibraryChange,
  NewLocalAsset,
  MediaKind,
} from './library/library-client.ts';
export type { MonthSummary, TimelineItem } from './library/timeline-item.ts';
export { justifiedLayout, targetRowHeight } from './timeline/justified-layout.ts';
export { layoutTimeline, visibleWindow } from './timeline/timeline-layout.ts';
export { syntheticLibrary } from './library/synthetic-library.ts';
export { createCatalogLibrary } from './catalog/catalog-library.ts';
export type { MediaCache } from './catalog/media-cache.ts';
export { createBackupCounter, noteMonthReads, type BackupCountStore } from './catalog/backup-counter.ts';
