/**
 * The stored form of a photo's face, tag, OCR and CLIP results, the same wherever they are
 * made: the home node writes faces as a blob, tags and OCR text as values, a CLIP embedding as
 * a one-vector shard blob; a device that analysed its own import writes the same content as
 * JSON into the ML document (the shard base64-encoded: ~0.9 KB for 512 dims, against ~3 KB
 * as a list of numbers), and the node adopts it instead of running the model again. Numbers
 * are rounded to 3 decimals (the node's stored precision). Reading checks the shape, so a
 * malformed result from a peer is refused (undefined), never adopted.
 */
import type { FacesOfPhoto } from './face-pipeline.ts';
import type { TagsOfPhoto } from './object-tagger.ts';
import { readVectorShardHeader } from './vector-shard-merge.ts';

const round = (n: number) => Math.round(n * 1000) / 1000;

/** One stored face: box, score, 5 landmarks and the embedding. */
export interface StoredFace {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  landmarks: { x: number; y: number }[];
  embedding: number[];
}

/** A photo's stored faces and the models that found them. */
export interface StoredFaces {
  models: { detector: string; embedder: string };
  faces: StoredFace[];
}

/** A stored tag. */
export interface StoredTag {
  label: string;
  confidence: number;
}

export function storedFaces(r: FacesOfPhoto): StoredFaces {
  return {
    models: { detector: r.models.detector, embedder: r.models.embedder },
    faces: r.faces.map((f) => ({
      box: f.box,
      score: round(f.score),
      landmarks: f.landmarks.map((p) => ({ x: round(p.x), y: round(p.y) })),
      embedding: Array.from(f.embedding, round),
    })),
  };
}

export function storedTags(r: TagsOfPhoto): StoredTag[] {
  return r.tags.map((g) => ({ label: g.label, confidence: round(g.confidence) }));
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function parse(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads stored faces; undefined when the JSON is not that shape. */
export function readStoredFaces(json: string): StoredFaces | undefined {
  const v = parse(json);
  if (!obj(v) || !obj(v['models']) || !Array.isArray(v['faces'])) return undefined;
  const m = v['models'];
  if (typeof m['detector'] !== 'string' || typeof m['embedder'] !== 'string') return undefined;
  for (const f of v['faces'] as unknown[]) {
    if (!obj(f) || !num(f['score']) || !obj(f['box'])) return undefined;
    const b = f['box'];
    if (![b['x'], b['y'], b['width'], b['height']].every(num)) return undefined;
    const l = f['landmarks'];
    if (!Array.isArray(l) || !l.every((p) => obj(p) && num(p['x']) && num(p['y']))) return undefined;
    const e = f['embedding'];
    if (!Array.isArray(e) || e.length === 0 || !e.every(num)) return undefined;
  }
  return v as unknown as StoredFaces;
}

/** Reads stored tags; undefined when the JSON is not that shape. */
export function readStoredTags(json: string): StoredTag[] | undefined {
  const v = parse(json);
  if (!Array.isArray(v)) return undefined;
  for (const t of v) if (!obj(t) || typeof t['label'] !== 'string' || !num(t['confidence'])) return undefined;
  return v as StoredTag[];
}

/** A photo's stored OCR text (lines joined by newlines, as the node's `text` value). */
export interface StoredOcr {
  text: string;
}

export function storedOcr(r: { text: string }): StoredOcr {
  return { text: r.text };
}

/** Reads stored OCR text; undefined when the JSON is not that shape. */
export function readStoredOcr(json: string): StoredOcr | undefined {
  const v = parse(json);
  return obj(v) && typeof v['text'] === 'string' ? { text: v['text'] } : undefined;
}

/** A photo's CLIP image embedding as stored by a device: the node's one-vector shard, base64. */
export interface StoredClip {
  shard: string;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function storedClip(shard: Uint8Array): StoredClip {
  return { shard: toBase64(shard) };
}

/**
 * The shard bytes of a stored CLIP result for `asset`; undefined unless it is a well-formed
 * shard holding exactly one vector, of that asset.
 */
export function readStoredClip(json: string, asset: string): Uint8Array | undefined {
  const v = parse(json);
  if (!obj(v) || typeof v['shard'] !== 'string') return undefined;
  try {
    const bin = atob(v['shard']);
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    const h = readVectorShardHeader(bytes);
    return h.ids.length === 1 && h.ids[0] === asset && h.dims > 0 ? bytes : undefined;
  } catch {
    return undefined;
  }
}
