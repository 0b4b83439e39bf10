/**
 * Joins embedding shards (vector-index.ts's `toShard` format: magic, JSON header with dims,
 * model and ids, one float32 scale per vector, then int8 vectors row by row) into one,
 * byte for byte: no dequantise/requantise, no runtime. The home node turns its per-photo
 * CLIP shards into one shard per month this way, for devices to fetch and search offline.
 */
import { InvalidInputError } from './errors.ts';

const MAGIC = 0x31585648; // 'HVX1', as vector-index.ts

interface Parsed {
  dims: number;
  model: string;
  ids: string[];
  scales: Uint8Array;
  vectors: Uint8Array;
}

/** The header of an embedding shard (throws InvalidInputError when it is not one). */
export function readVectorShardHeader(shard: Uint8Array): { dims: number; model: string; ids: string[] } {
  const { dims, model, ids } = parse(shard);
  return { dims, model, ids };
}

function parse(shard: Uint8Array): Parsed {
  const view = new DataView(shard.buffer, shard.byteOffset, shard.byteLength);
  if (shard.byteLength < 8 || view.getUint32(0, true) !== MAGIC)
    throw new InvalidInputError('not a Hearth embedding shard (bad magic)');
  const hlen = view.getUint32(4, true);
  let h: { dims?: unknown; model?: unknown; ids?: unknown };
  try {
    h = JSON.parse(new TextDecoder().decode(shard.subarray(8, 8 + hlen))) as typeof h;
  } catch {
    throw new InvalidInputError('embedding shard header is unreadable (truncated or corrupt)');
  }
  if (!Number.isInteger(h.dims) || typeof h.model !== 'string' || !Array.isArray(h.ids))
    throw new InvalidInputError('embedding shard header lacks dims/model/ids');
  const dims = h.dims as number;
  const ids = h.ids as string[];
  const n = ids.length;
  const start = 8 + hlen;
  if (shard.byteLength !== start + n * 4 + n * dims)
    throw new InvalidInputError(
      `embedding shard is ${shard.byteLength} bytes, its header needs ${start + n * (4 + dims)}`,
    );
  return {
    dims,
    model: h.model,
    ids,
    scales: shard.subarray(start, start + n * 4),
    vectors: shard.subarray(start + n * 4),
  };
}

/**
 * One shard holding every vector of `shards`, in order; an id in several keeps its last vector.
 * All shards must share dims and model (embeddings of different models do not compare).
 */
export function mergeVectorShards(shards: readonly Uint8Array[], model?: string): Uint8Array {
  const parsed = shards.map(parse);
  const dims = parsed[0]?.dims ?? 0;
  const name = model ?? parsed[0]?.model ?? '';
  const where = new Map<string, [shard: number, row: number]>();
  parsed.forEach((p, s) => {
    if (p.dims !== dims || p.model !== name)
      throw new InvalidInputError(
        `embedding shards differ (${p.model}/${p.dims} vs ${name}/${dims}); only shards of one model merge`,
      );
    p.ids.forEach((id, row) => {
      where.delete(id); // re-inserted: keeps insertion order of the last occurrence
      where.set(id, [s, row]);
    });
  });
  const ids = [...where.keys()];
  const header = new TextEncoder().encode(JSON.stringify({ dims, model: name, ids }));
  const n = ids.length;
  const out = new Uint8Array(8 + header.length + n * 4 + n * dims);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, header.length, true);
  out.set(header, 8);
  let so = 8 + header.length;
  let vo = so + n * 4;
  for (const [s, row] of where.values()) {
    const p = parsed[s] as Parsed;
    out.set(p.scales.subarray(row * 4, row * 4 + 4), so);
    out.set(p.vectors.subarray(row * dims, (row + 1) * dims), vo);
    so += 4;
    vo += dims;
  }
  return out;
}
