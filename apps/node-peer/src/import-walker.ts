import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { junkDirReason, junkFileReason } from './junk-filter.ts';
import { extensionOf, mediaKindOfName } from './media-kind.ts';

/** A media file found by the walk, with the XMP sidecar beside it, if any. */
export interface Candidate {
  path: string;
  size: number;
  kind: 'photo' | 'video';
  sidecar?: string;
}

/** A file the walk passed over, and why. */
export interface Skipped {
  path: string;
  reason: string;
}

export interface WalkResult {
  candidates: Candidate[];
  skipped: Skipped[];
}

/**
 * Walk folders and single files. Junk and non-media are skipped with a reason; `.xmp`
 * files are attached to their media (`IMG_1.jpg.xmp` or `IMG_1.xmp`) rather than listed.
 */
export async function walkImport(paths: string[]): Promise<WalkResult> {
  const files: { path: string; size: number }[] = [];
  const skipped: Skipped[] = [];

  async function visit(path: string, top: boolean): Promise<void> {
    let st;
    try {
      st = await stat(path);
    } catch (err) {
      skipped.push({
        path,
        reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      });
      return;
    }
    if (st.isDirectory()) {
      const why = top ? undefined : junkDirReason(basename(path));
      if (why) return void skipped.push({ path, reason: why });
      const names = (await readdir(path)).sort();
      for (const n of names) await visit(join(path, n), false);
    } else if (st.isFile()) {
      files.push({ path, size: st.size });
    }
  }
  for (const p of paths) await visit(p, true);

  const sidecars = new Map<string, string>();
  for (const f of files) if (extensionOf(f.path) === 'xmp') sidecars.set(f.path.toLowerCase(), f.path);

  const candidates: Candidate[] = [];
  const usedSidecars = new Set<string>();
  for (const f of files) {
    const name = basename(f.path);
    if (extensionOf(name) === 'xmp') continue;
    const junk = junkFileReason(name);
    if (junk) {
      skipped.push({ path: f.path, reason: junk });
      continue;
    }
    const kind = mediaKindOfName(name);
    if (!kind) {
      skipped.push({ path: f.path, reason: 'not a photo or video' });
      continue;
    }
    if (f.size === 0) {
      skipped.push({ path: f.path, reason: 'empty file' });
      continue;
    }
    const stem = name.slice(0, name.length - extensionOf(name).length - 1);
    const sidecar =
      sidecars.get(`${f.path}.xmp`.toLowerCase()) ??
      sidecars.get(join(dirname(f.path), `${stem}.xmp`).toLowerCase());
    const c: Candidate = { path: f.path, size: f.size, kind };
    if (sidecar) {
      c.sidecar = sidecar;
      usedSidecars.add(sidecar);
    }
    candidates.push(c);
  }
  for (const s of sidecars.values())
    if (!usedSidecars.has(s)) skipped.push({ path: s, reason: 'XMP sidecar without its photo' });
  return { candidates, skipped };
}

/**
 * Live Photos: a still and a short video with the same name stem in the same folder
 * (Apple exports IMG_0001.HEIC + IMG_0001.MOV). Returns still path → video path.
 */
export function pairLivePhotos(candidates: Candidate[]): Map<string, string> {
  const byStem = new Map<string, { still?: Candidate; video?: Candidate }>();
  for (const c of candidates) {
    const name = basename(c.path);
    const stem = join(
      dirname(c.path),
      name.slice(0, name.length - extensionOf(name).length - 1),
    ).toLowerCase();
    const slot = byStem.get(stem) ?? {};
    if (c.kind === 'photo') slot.still = c;
    else slot.video = c;
    byStem.set(stem, slot);
  }
  const pairs = new Map<string, string>();
  for (const { still, video } of byStem.values()) {
    if (still && video && /^(mov|mp4)$/.test(extensionOf(video.path))) pairs.set(still.path, video.path);
  }
  return pairs;
}
