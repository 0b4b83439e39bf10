import { copyFile, link, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FsBlobStore } from '@hearth/sync/platform';
import type { AssetRecord } from './asset-record.ts';
import { DiskFullError, isDiskFull } from './errors.ts';
import { renderTemplate } from './storage-template.ts';
import { writeFileAtomic } from './write-file-atomic.ts';
import { writeXmp } from './xmp-sidecar.ts';

export interface ExportReport {
  exported: number;
  linked: number;
  copied: number;
  /** Already there from an earlier export (same file). */
  unchanged: number;
  sidecars: number;
  failed: { id: string; reason: string }[];
}

function hasEdits(a: AssetRecord): boolean {
  return a.rating !== undefined || !!a.description || !!a.tags?.length || !!a.albums?.length;
}

/**
 * Write originals into a plain folder tree under `dir`, hard-linked where the file
 * system allows (no extra space, and the originals stay read-only in the store), copied
 * otherwise; an XMP sidecar `<file>.xmp` beside each file carries the user's edits.
 * Running it again only adds what is new.
 */
export async function exportLibrary(
  assets: Iterable<AssetRecord>,
  blobs: Pick<FsBlobStore, 'fileOf'>,
  dir: string,
  opts: { template: string; copy?: boolean; onProgress?: () => void },
): Promise<ExportReport> {
  const r: ExportReport = { exported: 0, linked: 0, copied: 0, unchanged: 0, sidecars: 0, failed: [] };
  const taken = new Set<string>();
  for (const a of assets) {
    try {
      const src = await blobs.fileOf(a.original);
      const srcSt = await stat(src);
      let rel = renderTemplate(opts.template, a);
      // Two different photos with one name: the later gets its id appended.
      if (taken.has(rel.toLowerCase())) {
        const dot = rel.lastIndexOf('.');
        rel =
          dot > rel.lastIndexOf('/')
            ? `${rel.slice(0, dot)}-${a.id.slice(0, 8)}${rel.slice(dot)}`
            : `${rel}-${a.id.slice(0, 8)}`;
      }
      taken.add(rel.toLowerCase());
      const dest = join(dir, rel);
      await mkdir(dirname(dest), { recursive: true });
      const destSt = await stat(dest).catch(() => undefined);
      if (destSt && (destSt.ino === srcSt.ino || destSt.size === srcSt.size)) {
        r.unchanged++;
      } else {
        let linked = false;
        if (!opts.copy && !destSt) {
          try {
            await link(src, dest);
            linked = true;
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw err;
          }
        }
        if (!linked) await copyFile(src, dest);
        if (linked) r.linked++;
        else r.copied++;
      }
      r.exported++;
      if (hasEdits(a)) {
        const edits: Parameters<typeof writeXmp>[0] = {};
        if (a.rating !== undefined) edits.rating = a.rating;
        if (a.description) edits.description = a.description;
        if (a.tags) edits.tags = a.tags;
        if (a.albums) edits.albums = a.albums;
        await writeFileAtomic(`${dest}.xmp`, writeXmp(edits));
        r.sidecars++;
      }
    } catch (err) {
      if (isDiskFull(err)) throw new DiskFullError(dir, { cause: err });
      r.failed.push({ id: a.id, reason: (err as Error).message });
    }
    opts.onProgress?.();
  }
  return r;
}
