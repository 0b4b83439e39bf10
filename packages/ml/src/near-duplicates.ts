/**
 * Near-duplicate groups for review: photos whose perceptual hashes (dHash, 64 bits) are
 * within a few bits, or whose embeddings (CLIP) are nearly identical. Hash candidates come
 * from banding (with ≤ 3 differing bits, one of four 16-bit bands matches exactly), so the
 * pass is near-linear rather than all pairs.
 */
import type { RgbImage } from './rgb-image.ts';
import type { VectorIndex } from './vector-index.ts';

/** Grey thumbnail by block averaging (a box filter: bilinear sampling would alias at 9 px). */
function greyArea(img: RgbImage, w: number, h: number): Float32Array {
  const sum = new Float32Array(w * h);
  const cnt = new Float32Array(w * h);
  for (let y = 0; y < img.height; y++) {
    const ty = Math.min(h - 1, Math.floor((y * h) / img.height));
    for (let x = 0; x < img.width; x++) {
      const tx = Math.min(w - 1, Math.floor((x * w) / img.width));
      const i = (y * img.width + x) * 3;
      sum[ty * w + tx] =
        (sum[ty * w + tx] as number) +
        0.299 * (img.data[i] as number) +
        0.587 * (img.data[i + 1] as number) +
        0.114 * (img.data[i + 2] as number);
      cnt[ty * w + tx] = (cnt[ty * w + tx] as number) + 1;
    }
  }
  return sum.map((v, i) => v / ((cnt[i] as number) || 1));
}

/** 64-bit difference hash as 16 hex chars: grey 9×8, each bit = left cell brighter than right. */
export function dHash(img: RgbImage): string {
  const g = greyArea(img, 9, 8);
  let bits = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++)
      bits = (bits << 1n) | ((g[y * 9 + x] as number) > (g[y * 9 + x + 1] as number) ? 1n : 0n);
  }
  return bits.toString(16).padStart(16, '0');
}

export function hammingHex(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}

export interface DuplicateCandidate {
  readonly id: string;
  /** dHash hex (16 chars), from `dHash` or the media package. */
  readonly hash?: string;
}

export interface NearDuplicateOptions {
  /** Max differing hash bits (≤ 3 keeps banding exact). */
  readonly maxHamming?: number;
  /** Embedding similarity at or above which two photos are duplicates. */
  readonly minSimilarity?: number;
  /** Index of embeddings by the same ids (optional). */
  readonly index?: VectorIndex;
}

/** Groups (≥ 2 ids each) of near-duplicate photos, largest first. */
export async function findNearDuplicates(
  items: readonly DuplicateCandidate[],
  options: NearDuplicateOptions = {},
): Promise<string[][]> {
  const maxHamming = options.maxHamming ?? 3;
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string) => parent.set(find(a), find(b));
  for (const it of items) parent.set(it.id, it.id);

  const bands = new Map<string, DuplicateCandidate[]>();
  for (const it of items) {
    if (!it.hash) continue;
    for (let b = 0; b < 4; b++) {
      const key = `${b}:${it.hash.slice(b * 4, b * 4 + 4)}`;
      const bucket = bands.get(key) ?? [];
      for (const other of bucket)
        if (find(other.id) !== find(it.id) && hammingHex(other.hash as string, it.hash) <= maxHamming)
          union(other.id, it.id);
      bucket.push(it);
      bands.set(key, bucket);
    }
  }
  if (options.index) {
    const min = options.minSimilarity ?? 0.95;
    const ids = new Set(items.map((i) => i.id));
    for (const it of items) {
      if (!options.index.has(it.id)) continue;
      const v = options.index.vector(it.id);
      if (!v) continue;
      for (const h of await options.index.search(v, 8, (id) => ids.has(id) && id !== it.id))
        if (h.score >= min) union(h.id, it.id);
    }
  }
  const groups = new Map<string, string[]>();
  for (const it of items) groups.set(find(it.id), [...(groups.get(find(it.id)) ?? []), it.id]);
  return [...groups.values()].filter((g) => g.length > 1).sort((a, b) => b.length - a.length);
}
