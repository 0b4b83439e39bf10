import { mkdir, readFile } from 'node:fs/promises';
import type { AuditLog } from './audit-log.ts';
import { createHypercoreAuditLog } from './audit-log.hypercore.ts';
import { createFsBlobStore, type FsBlobStore } from '@hearth/sync/platform';
import { dataDirLayout, type DataDirLayout } from './data-dir.ts';
import { loadLibraryKey, loadOrCreateLibraryKey, type LibraryKey } from './library-key.ts';
import type { NodeCatalog } from './node-catalog.ts';
import { createJsonlCatalog } from './node-catalog.jsonl.ts';
import { faultyOpenTempFromEnv } from './write-fault.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

/** Public facts about a library, in `library.json`. */
export interface LibraryInfo {
  id: string;
  publicKey: string;
  name: string;
  createdAt: number;
}

/** An opened library: the parts every command works with. */
export interface Library {
  layout: DataDirLayout;
  info: LibraryInfo;
  key: LibraryKey;
  blobs: FsBlobStore;
  catalog: NodeCatalog;
  audit: AuditLog;
  stop(): Promise<void>;
}

/**
 * Create the library in `root` if it is not there (idempotent: a second run changes
 * nothing and reports `created: false`).
 */
export async function initLibrary(
  root: string,
  name = 'My library',
): Promise<{ info: LibraryInfo; created: boolean }> {
  const layout = dataDirLayout(root);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const { key, created } = await loadOrCreateLibraryKey(layout.libraryKey);
  for (const d of [layout.blobs, layout.catalog]) await mkdir(d, { recursive: true });
  let info: LibraryInfo;
  try {
    info = JSON.parse(await readFile(layout.libraryJson, 'utf8')) as LibraryInfo;
  } catch {
    info = { id: key.id, publicKey: key.publicKey, name, createdAt: Date.now() };
    await writeFileAtomic(layout.libraryJson, JSON.stringify(info, null, 2) + '\n');
  }
  if (created) await createHypercoreAuditLog(layout.audit, key).append('library.created', { id: key.id });
  return { info, created };
}

/** Open an initialised library for a command or the daemon. */
export async function openLibrary(root: string, env: NodeJS.ProcessEnv = process.env): Promise<Library> {
  const layout = dataDirLayout(root);
  const key = await loadLibraryKey(layout.libraryKey);
  const info = JSON.parse(await readFile(layout.libraryJson, 'utf8')) as LibraryInfo;
  const openTemp = faultyOpenTempFromEnv(env);
  const blobs = createFsBlobStore({ root: layout.blobs, ...(openTemp ? { openTemp } : {}) });
  const catalog = createJsonlCatalog(layout.catalog);
  await catalog.start();
  const audit = createHypercoreAuditLog(layout.audit, key);
  return { layout, info, key, blobs, catalog, audit, stop: () => catalog.stop() };
}
