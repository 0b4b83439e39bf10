import { importPaths } from './importer.ts';
import type { Library } from './library.ts';
import { createFactsReader, type FactsReader } from './media-facts.ts';
import type { UploadImport } from './upload-http.ts';

/**
 * Imports files uploaded by paired devices into the library, one at a time, exactly as
 * `hearth import` does; the metadata tool starts with the first upload and stops with the node.
 */
export function createUploadImporter(
  lib: Pick<Library, 'blobs' | 'catalog'>,
  log: (s: string) => void,
): { importFile(path: string): Promise<UploadImport>; stop(): Promise<void> } {
  let facts: Promise<FactsReader> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  async function importOne(path: string): Promise<UploadImport> {
    facts ??= createFactsReader();
    const r = await importPaths([path], { blobs: lib.blobs, catalog: lib.catalog, facts: await facts });
    const done = r.imported[0] ?? r.duplicates[0];
    if (done) {
      if (r.imported[0]) log(`uploaded and imported ${done.id}`);
      return { id: done.id, duplicate: !r.imported[0] };
    }
    return { failed: r.failed[0]?.reason ?? r.skipped[0]?.reason ?? r.stopped?.message ?? 'not imported' };
  }
  return {
    importFile(path) {
      const p = queue.then(() => importOne(path));
      queue = p.catch(() => undefined);
      return p;
    },
    async stop() {
      await queue;
      await (await facts?.catch(() => undefined))?.stop();
    },
  };
}
