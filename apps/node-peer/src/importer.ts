import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileTypeFromFile } from 'file-type';
import { asAssetId, type BlobStore } from '@hearth/sync';
import type { AssetRecord } from './asset-record.ts';
import { DiskFullError } from './errors.ts';
import { hashFile } from './hash-file.ts';
import { pairLivePhotos, walkImport, type Candidate, type Skipped } from './import-walker.ts';
import { createLivePairing, type Ingested } from './live-pairing.ts';
import { mediaKindOfMime } from './media-kind.ts';
import type { NodeCatalog } from './node-catalog.ts';
import type { FactsReader, MediaFacts } from './media-facts.ts';
import { parseXmp, type SidecarData } from './xmp-sidecar.ts';

/** What an import did, file by file. */
export interface ImportReport {
  imported: { path: string; id: string }[];
  duplicates: { path: string; id: string }[];
  skipped: Skipped[];
  failed: { path: string; reason: string }[];
  /** Imported, but something in the file was off (bad GPS, unreadable tags, …). */
  warnings: { path: string; warning: string }[];
  /** Set when the import stopped early (disk full); running it again resumes. */
  stopped?: { code: string; message: string };
}

export interface ImportOptions {
  blobs: BlobStore;
  catalog: NodeCatalog;
  /** Albums every imported asset joins (`--album`). */
  albums?: string[];
  /** Metadata of a file (capture time, size, camera, GPS, rating, tags); without it only sidecar/file times are used. */
  facts?: FactsReader;
  onProgress?: (done: number, total: number, path: string) => void;
  signal?: AbortSignal;
  /** Files in flight at once (default IMPORT_CONCURRENCY). */
  concurrency?: number;
}

function parseXmpDate(s: string): { takenAt: number; offset?: string } | undefined {
  const m =
    /^(\d{4})[-:](\d{2})[-:](\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(
      s.trim(),
    );
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? 'Z'}`;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return undefined;
  return m[7] && m[7] !== 'Z' ? { takenAt: t, offset: m[7] } : { takenAt: t };
}

/** Files read at once by an import (hash, sniff, metadata, copy): I/O and exiftool overlap. */
export const IMPORT_CONCURRENCY = 4;

/**
 * Import files and folders: hash each file and skip it when the library has it (before
 * copying anything), check the bytes really are a photo or video, copy the original
 * byte for byte into the blob store, then add the record. The record is written last, so
 * a crash at any point leaves either nothing or a blob that the next run adopts. Several
 * files are in flight at once (`concurrency`); their records share journal writes.
 */
export async function importPaths(paths: string[], opts: ImportOptions): Promise<ImportReport> {
  const { blobs, catalog } = opts;
  const walk = await walkImport(paths);
  const report: ImportReport = {
    imported: [],
    duplicates: [],
    skipped: walk.skipped,
    failed: [],
    warnings: [],
  };
  await catalog.refresh();
  const pairing = createLivePairing(pairLivePhotos(walk.candidates));
  const seen = new Set<string>();
  let done = 0;

  async function write(items: Ingested[]): Promise<void> {
    await Promise.all(
      items.map(async ({ path, rec }) => {
        // Another process may have added it meanwhile: then this is a duplicate, not a second asset.
        if (await catalog.add(rec)) report.imported.push({ path, id: rec.id });
        else report.duplicates.push({ path, id: rec.id });
      }),
    );
  }

  async function one(c: Candidate): Promise<void> {
    const hash = await hashFile(c.path);
    const id = asAssetId(hash);
    if (catalog.get(id) || seen.has(id)) return void report.duplicates.push({ path: c.path, id });
    seen.add(id);
    const sniffed = await fileTypeFromFile(c.path).catch(() => undefined);
    const kind = sniffed ? mediaKindOfMime(sniffed.mime) : undefined;
    if (!sniffed || !kind) {
      report.failed.push({
        path: c.path,
        reason: `not a readable photo or video (content is ${sniffed ? sniffed.mime : 'unrecognised'}); the file was left as it is`,
      });
      return;
    }
    let side: SidecarData = {};
    if (c.sidecar) side = parseXmp(await readFile(c.sidecar, 'utf8'));
    const st = await stat(c.path);
    let facts: MediaFacts = {};
    if (opts.facts) {
      try {
        const r = await opts.facts.read(c.path, c.sidecar, st.mtimeMs);
        facts = r.facts;
        for (const w of r.warnings) report.warnings.push({ path: c.path, warning: w });
      } catch (err) {
        // Unreadable tags do not stop an import: the original is what matters.
        report.warnings.push({ path: c.path, warning: `metadata unreadable: ${(err as Error).message}` });
      }
    }
    const when =
      facts.takenAt !== undefined
        ? { takenAt: facts.takenAt, offset: facts.takenOffset }
        : side.date
          ? parseXmpDate(side.date)
          : undefined;
    // Bytes are hashed again while copied: a file changed since the first hash is refused.
    if (!(await blobs.has(hash)))
      await blobs.put(createReadStream(c.path, { highWaterMark: 1 << 20 }), { expected: hash });
    const rec: AssetRecord = {
      id,
      original: hash,
      type: kind,
      mime: sniffed.mime,
      size: st.size,
      fileName: basename(c.path),
      importedAt: Date.now(),
      takenAt: when?.takenAt ?? st.mtimeMs,
    };
    if (when?.offset) rec.takenOffset = when.offset;
    if (facts.width !== undefined && facts.height !== undefined) {
      rec.width = facts.width;
      rec.height = facts.height;
    }
    if (facts.camera) rec.camera = facts.camera;
    if (facts.gps) rec.gps = facts.gps;
    if (facts.place) rec.place = facts.place;
    if (kind === 'photo' && facts.motionPhoto !== undefined) rec.motionPhoto = facts.motionPhoto;
    const rating = facts.rating ?? side.rating;
    if (rating !== undefined) rec.rating = rating;
    const description = facts.description ?? side.description;
    if (description) rec.description = description;
    const tags = facts.tags ?? side.tags;
    if (tags) rec.tags = tags;
    const albums = [...(side.albums ?? []), ...(opts.albums ?? [])];
    if (albums.length) rec.albums = [...new Set(albums)];
    await write(pairing.offer({ path: c.path, rec, ...(facts.liveId ? { liveId: facts.liveId } : {}) }));
  }

  let next = 0;
  const worker = async () => {
    while (next < walk.candidates.length && !report.stopped && !opts.signal?.aborted) {
      const c = walk.candidates[next++] as Candidate;
      try {
        await one(c);
      } catch (err) {
        fail(c.path, err);
      }
      opts.onProgress?.(++done, walk.candidates.length, c.path);
    }
  };
  function fail(path: string, err: unknown): void {
    if ((err as { code?: string }).code === 'BLOB_STORE_FULL' || err instanceof DiskFullError) {
      const e = err as Error & { code: string };
      report.failed.push({ path, reason: e.message });
      report.stopped ??= {
        code: 'DISK_FULL',
        message: `${e.message}. The import stopped here; run it again once there is space and it resumes.`,
      };
      return;
    }
    report.failed.push({ path, reason: (err as Error).message });
  }
  await Promise.all(Array.from({ length: opts.concurrency ?? IMPORT_CONCURRENCY }, worker));
  // Live Photo parts still waiting for a partner: written now, paired where they can be.
  for (const item of pairing.rest()) {
    if (report.stopped || opts.signal?.aborted) break;
    await write([item]).catch((err: unknown) => fail(item.path, err));
  }
  return report;
}
