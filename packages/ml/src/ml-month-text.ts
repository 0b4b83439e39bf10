/**
 * The month blob of machine text results: every photo's object tags (label + confidence) and
 * OCR text for one month, with the models that made them. The home node writes one per month
 * (referenced from the synced ML document); devices fetch it and index it for offline search.
 * JSON, with assets in id order so the same results always make the same bytes (same hash),
 * gzip-compressed: 100,000 photos' results are 13.6 MB as JSON, 5.2 MB gzipped, about what
 * Automerge would store them in (5.3 MB; see docs/benchmarks.md, ml-sync-size).
 */
import { InvalidInputError } from './errors.ts';

const FORMAT = 'hearth-ml-text/1';

/** One photo's machine text results. */
export interface MlAssetText {
  /** best first */
  tags?: { label: string; confidence: number }[];
  ocr?: string;
}

/** A month's machine text results. */
export interface MlMonthText {
  month: string;
  /** models key per kind (`tags`, `ocr`) of the results inside */
  models: Record<string, string>;
  assets: Record<string, MlAssetText>;
}

async function pipe(bytes: Uint8Array, t: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(t));
  return new Uint8Array(await out.arrayBuffer());
}

export async function encodeMlMonthText(m: MlMonthText): Promise<Uint8Array> {
  const assets: Record<string, unknown> = {};
  for (const id of Object.keys(m.assets).sort()) {
    const a = m.assets[id] as MlAssetText;
    const out: { tags?: [string, number][]; ocr?: string } = {};
    if (a.tags?.length) out.tags = a.tags.map((t) => [t.label, t.confidence]);
    if (a.ocr) out.ocr = a.ocr;
    if (out.tags || out.ocr) assets[id] = out;
  }
  const models = Object.fromEntries(Object.entries(m.models).sort(([a], [b]) => (a < b ? -1 : 1)));
  const json = new TextEncoder().encode(JSON.stringify({ format: FORMAT, month: m.month, models, assets }));
  return pipe(json, new CompressionStream('gzip'));
}

const bad = (why: string) =>
  new InvalidInputError(`ML text blob: ${why}; it was not used, re-sync it from the home node`);

/** Reads a month blob from a peer; a malformed photo entry is skipped, a malformed blob throws. */
export async function decodeMlMonthText(bytes: Uint8Array): Promise<MlMonthText> {
  let raw: unknown;
  try {
    const json =
      bytes[0] === 0x1f && bytes[1] === 0x8b ? await pipe(bytes, new DecompressionStream('gzip')) : bytes;
    raw = JSON.parse(new TextDecoder().decode(json));
  } catch {
    throw bad('not gzipped JSON (truncated or corrupt)');
  }
  const o = raw as { format?: unknown; month?: unknown; models?: unknown; assets?: unknown };
  if (typeof raw !== 'object' || raw === null || o.format !== FORMAT) throw bad(`not ${FORMAT}`);
  if (typeof o.month !== 'string' || typeof o.assets !== 'object' || o.assets === null)
    throw bad('month or assets missing');
  const models: Record<string, string> = {};
  if (typeof o.models === 'object' && o.models !== null)
    for (const [k, v] of Object.entries(o.models)) if (typeof v === 'string') models[k] = v;
  const assets: Record<string, MlAssetText> = {};
  for (const [id, v] of Object.entries(o.assets as Record<string, unknown>)) {
    if (typeof v !== 'object' || v === null) continue;
    const e = v as { tags?: unknown; ocr?: unknown };
    const a: MlAssetText = {};
    if (Array.isArray(e.tags)) {
      const tags = e.tags
        .filter(
          (t): t is [string, number] =>
            Array.isArray(t) && typeof t[0] === 'string' && typeof t[1] === 'number',
        )
        .map(([label, confidence]) => ({ label, confidence }));
      if (tags.length) a.tags = tags;
    }
    if (typeof e.ocr === 'string' && e.ocr) a.ocr = e.ocr;
    if (a.tags || a.ocr) assets[id] = a;
  }
  return { month: o.month, models, assets };
}
