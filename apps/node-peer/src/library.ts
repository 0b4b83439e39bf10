import { mkdir, readFile } from 'node:fs/promises';
import type { AuditLog } from './audit-log.ts';
import { createHypercoreAuditLog } from './audit-log.hypercore.ts';
import { createFsBlobStore, type FsBlobStore } from '@hearth/sync/platform';
import { dataDirLayout, type DataDirLayout } from './data-dir.ts';
import { join } from 'node:path';
import { loadOrCreateDeviceKey } from './device-key-file.ts';
import { loadLibraryKey, loadOrCreateLibraryKey, nodeSigningKey, type LibraryKey } from './library-key.ts';
import { readMembership, type Membership } from './membership.ts';
import type { NodeCatalog } from './node-catalog.ts';
import { createJsonlCatalog } from './node-catalog.jsonl.ts';
import { DataDirError } from './errors.ts';
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
  /**
   * The library private key: only on the home node that created the library. A second home
   * node (`membership`) has none; it cannot pair devices or revoke them.
   */
  key: LibraryKey | null;
  /** How this node joined the library, when it is a second home node. */
  membership: Membership | null;
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
  // A joined node has no library key: making one here would found a second, different library.
  if (await readMembership(layout.membershipJson))
    return { info: JSON.parse(await readFile(layout.libraryJson, 'utf8')) as LibraryInfo, created: false };
  await mkdir(root, { recursive: true, mode: 0o700 });
  // library.json without a key is a `hearth init --join` cut short: never found a new library there.
  const keyExists = await readFile(layout.libraryKey).then(
    () => true,
    () => false,
  );
  if (!keyExists && (await readFile(layout.libraryJson).catch(() => undefined)))
    throw new DataDirError(
      'CORRUPT',
      `${root} holds a join that did not finish: run \`hearth init --join <link>\` again (with a new code)`,
    );
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
  const membership = (await readMembership(layout.membershipJson)) ?? null;
  const key = membership ? null : await loadLibraryKey(layout.libraryKey);
  // A joined node signs its own audit log with its node key (it has no library key).
  const auditKey = key ?? (await nodeSigningKey(await loadOrCreateDeviceKey(join(root, 'node.key'))));
  const info = JSON.parse(await readFile(layout.libraryJson, 'utf8')) as LibraryInfo;
  const openTemp = faultyOpenTempFromEnv(env);
  const blobs = createFsBlobStore({ root: layout.blobs, ...(openTemp ? { openTemp } : {}) });
  const catalog = createJsonlCatalog(layout.catalog);
  await catalog.start();
  const audit = createHypercoreAuditLog(layout.audit, auditKey);
  return { layout, info, key, membership, blobs, catalog, audit, stop: () => catalog.stop() };
}
