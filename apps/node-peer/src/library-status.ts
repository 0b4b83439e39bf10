import type { Library } from './library.ts';

/** Totals for `hearth status` and /api/status. */
export interface LibraryStatus {
  libraryId: string;
  name: string;
  dataDir: string;
  assets: number;
  photos: number;
  videos: number;
  /** Bytes of originals. */
  originalBytes: number;
}

export async function libraryStatus(lib: Library): Promise<LibraryStatus> {
  await lib.catalog.refresh();
  let photos = 0;
  let videos = 0;
  let originalBytes = 0;
  for (const a of lib.catalog.assets()) {
    if (a.type === 'photo') photos++;
    else videos++;
    originalBytes += a.size;
  }
  return {
    libraryId: lib.info.id,
    name: lib.info.name,
    dataDir: lib.layout.root,
    assets: lib.catalog.size,
    photos,
    videos,
    originalBytes,
  };
}
