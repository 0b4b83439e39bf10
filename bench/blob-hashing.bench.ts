/**
 * blob-hashing: the measurements behind the addressing choice (SHA-256 + chunk manifest
 * rather than BLAKE3/Bao): hashing speed of 64 MiB with node:crypto SHA-256, WebCrypto
 * SHA-256 (one-shot), hash-wasm SHA-256 and BLAKE3 (incremental, what a browser can use),
 * and node:crypto SHA-1 (the Immich duplicate check).
 *
 *   npm run bench -- blob-hashing [--runs 5]
 *
 * Metrics: `<impl>_mb_s`, each with node:crypto SHA-256 as the anchor.
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createBLAKE3, createSHA256 } from 'hash-wasm';
import { median, report } from './report.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const data = new Uint8Array(64 * 1024 * 1024);
for (let i = 0; i < data.length; i += 4) data[i] = (i * 2654435761) >>> 24;
const MiB = 1024 * 1024;
const piece = MiB;

async function speed(fn: () => Promise<void> | void): Promise<number> {
  const out: number[] = [];
  for (let r = 0; r < Number(values.runs); r++) {
    const t = performance.now();
    await fn();
    out.push(data.length / 1e6 / ((performance.now() - t) / 1000));
  }
  return median(out);
}
const chunks = (update: (c: Uint8Array) => void) => {
  for (let o = 0; o < data.length; o += piece) update(data.subarray(o, o + piece));
};

const nodeSha256 = await speed(() => {
  const h = createHash('sha256');
  chunks((c) => h.update(c));
  h.digest();
});
const anchor = { name: 'node:crypto sha256', value: nodeSha256 };
const figures: [string, number][] = [
  ['node_sha256', nodeSha256],
  ['node_sha1', await speed(() => void chunks((c) => createHash('sha1').update(c)))],
  [
    'webcrypto_sha256_1mib_chunks',
    await speed(async () => {
      for (let o = 0; o < data.length; o += piece)
        await crypto.subtle.digest('SHA-256', data.subarray(o, o + piece));
    }),
  ],
  [
    'wasm_sha256',
    await speed(async () => {
      const h = await createSHA256();
      chunks((c) => h.update(c));
      h.digest();
    }),
  ],
  [
    'wasm_blake3',
    await speed(async () => {
      const h = await createBLAKE3();
      chunks((c) => h.update(c));
      h.digest();
    }),
  ],
];
for (const [metric, value] of figures)
  report({
    bench: 'blob-hashing',
    metric: `${metric}_mb_s`,
    value,
    unit: 'MB/s',
    anchor,
    ratio: value / anchor.value,
  });
