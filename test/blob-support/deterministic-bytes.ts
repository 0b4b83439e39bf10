/**
 * The same pseudo-random bytes on every peer without sending them: a 1 MiB block from a
 * seeded LCG, varied per MiB, streamed in 1 MiB pieces (a 300 MB blob never sits in memory).
 */
export async function* deterministicBytes(size: number, seed: number): AsyncIterable<Uint8Array> {
  const MiB = 1024 * 1024;
  const base = new Uint8Array(MiB);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < MiB; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    base[i] = x >>> 24;
  }
  for (let off = 0, i = 0; off < size; off += MiB, i++) {
    const n = Math.min(MiB, size - off);
    const block = base.slice(0, n);
    const view = new DataView(block.buffer);
    if (n >= 8) view.setFloat64(0, i + seed / 1e6);
    yield block;
  }
}
