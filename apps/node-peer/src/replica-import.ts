import { randomUUID } from 'node:crypto';
import { copyFile, link, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobHash } from '@hearth/sync';
import { uploadFileName, type UploadImport } from './upload-http.ts';

/** How the replicator's imports went (for `/api/status`). */
export interface ReplicaImports {
  imported: number;
  duplicates: number;
  failed: number;
  /** The last failure's reason, with the asset's file name. */
  lastError?: string;
}

/**
 * Imports an original the replicator fetched into the node's library, exactly as an upload
 * is (`importFile`: dedupe, sniffing, metadata), under the catalog asset's file name. The
 * importer keeps the name of the file it reads, so the blob is hard-linked under that name
 * in a directory of its own: it is already in the store, so the importer copies nothing
 * (it skips blobs it holds), and removing the link never touches the blob. A failure is
 * counted and logged once; it is not retried (the bytes would not change).
 */
export function createReplicaImporter(opts: {
  /** The blob as a file of its own (`FsBlobStore.fileOf`: a packed small original is unpacked). */
  fileOf(hash: BlobHash): Promise<string>;
  /** Scratch space on the same filesystem as the store (for the hard link). */
  tmpDir: string;
  importFile(path: string): Promise<UploadImport>;
  log: (line: string) => void;
}): { importHeld(hash: BlobHash, fileName: string | undefined): Promise<void>; counts(): ReplicaImports } {
  const counts: ReplicaImports = { imported: 0, duplicates: 0, failed: 0 };
  const fail = (name: string, reason: string) => {
    counts.failed++;
    counts.lastError = `${name}: ${reason}`;
    opts.log(`replication: ${name} was fetched but not imported: ${reason}`);
  };
  return {
    async importHeld(hash, fileName) {
      const name = uploadFileName(fileName ?? null);
      const dir = join(opts.tmpDir, randomUUID());
      try {
        await mkdir(dir, { recursive: true });
        const file = join(dir, name);
        // Another filesystem (a store moved elsewhere) cannot link: a copy is still correct.
        const held = await opts.fileOf(hash);
        await link(held, file).catch(() => copyFile(held, file));
        const r = await opts.importFile(file);
        if ('failed' in r) return fail(name, r.failed);
        if (r.duplicate) counts.duplicates++;
        else {
          counts.imported++;
          opts.log(`replicated and imported ${r.id}`);
        }
      } catch (err) {
        fail(name, (err as Error).message);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    counts: () => ({ ...counts }),
  };
}
