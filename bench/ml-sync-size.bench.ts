/**
 * ml-sync-size: what syncing machine results costs devices at library scale, for the two
 * designs issue 7 allows (the choice in docs/architecture.md rests on it). A synthetic library
 * of N photos (default 100,000) in months of 2,000, each photo with 3 YOLOX tags and, for 1 in
 * 10, a line of OCR text:
 * - in Automerge (the asset shards or a derived document per month): per month, the results
 *   as one ImmutableString per photo (the cheapest Automerge form: one op each), and as flat
 *   keys (`assetId/label` → confidence, `assetId` → OCR text: the catalog's convention, so
 *   concurrent writers merge): saved bytes and `Automerge.load` time, times the months; and
 *   the string form's bytes after one model change re-derived every photo (history stays);
 * - as month blobs (what Hearth does): the blob bytes (gzipped JSON) and decode time, plus the
 *   small synced ML document pointing at them (2 refs a month): its saved bytes and load time.
 * - clip_blob_bytes: the month CLIP shards (512-d int8) devices fetch for semantic search.
 * Medians of 5 loads/decodes of one month, times the months. `npm run bench -- ml-sync-size [photos]`
 */
import { createHash } from 'node:crypto';
import * as A from '@automerge/automerge';
import { decodeMlMonthText, encodeMlMonthText, COCO_LABELS } from '@hearth/ml';
import { openMlCatalog, type BlobHash } from '@hearth/sync';
import { createTestRoot, memoryRepo } from '@hearth/sync/testing';
import { median, report } from './report.ts';

const N = Number(process.argv[2] ?? 100_000);
const PER_MONTH = 2000;
const MONTHS = Math.ceil(N / PER_MONTH);
/** asset ids are SHA-256 hex: as incompressible as real ones */
const hex = (n: number) => createHash('sha256').update(String(n)).digest('hex');
let seed = 7;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

function month(m: number) {
  const assets: Record<string, { tags: { label: string; confidence: number }[]; ocr?: string }> = {};
  for (let i = 0; i < PER_MONTH; i++) {
    const tags = [0, 1, 2].map(() => ({
      label: COCO_LABELS[Math.floor(rnd() * COCO_LABELS.length)] as string,
      confidence: Math.round(rnd() * 1000) / 1000,
    }));
    assets[hex(m * PER_MONTH + i)] =
      rnd() < 0.1 ? { tags, ocr: 'OPEN DAILY 9-18 MAIN STREET CAFE 12345' } : { tags };
  }
  return assets;
}

function timeLoad(bytes: Uint8Array): number {
  const t: number[] = [];
  for (let r = 0; r < 5; r++) {
    const s = performance.now();
    A.load(bytes);
    t.push(performance.now() - s);
  }
  return median(t);
}

// One month measured in each form (months are alike), times the months.
const m0 = month(0);
const stringsDoc = A.change(A.init<{ ml: Record<string, A.ImmutableString> }>(), (d) => {
  d.ml = {};
  for (const [id, r] of Object.entries(m0)) d.ml[id] = new A.ImmutableString(JSON.stringify(r));
});
const asStrings = A.save(stringsDoc);
// A model change re-derives every photo: Automerge keeps the old values in its history.
const rederived = A.save(
  A.change(stringsDoc, (d) => {
    for (const [id, r] of Object.entries(m0))
      d.ml[id] = new A.ImmutableString(JSON.stringify({ ...r, model: 'yolox-nano@2' }));
  }),
);
const asFlat = A.save(
  A.change(A.init<{ tags: Record<string, number>; ocr: Record<string, string> }>(), (d) => {
    d.tags = {};
    d.ocr = {};
    for (const [id, r] of Object.entries(m0)) {
      for (const t of r.tags) d.tags[`${id}/${t.label}`] = t.confidence;
      if (r.ocr) d.ocr[id] = r.ocr;
    }
  }),
);
const blob = await encodeMlMonthText({
  month: '2024-01',
  models: { tags: 'yolox@1', ocr: 'ppocr@1' },
  assets: m0,
});

// The ML document of the whole library: two refs per month.
const repo = memoryRepo('bench');
const ml = await openMlCatalog({ repo, root: createTestRoot(repo) });
for (let m = 0; m < MONTHS; m++) {
  const key = `${2000 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
  for (const kind of ['text', 'clip'] as const)
    ml.setMonth(kind, key, {
      hash: hex(m * 2 + (kind === 'clip' ? 1 : 0)) as BlobHash,
      models: 'yolox-nano@1;ppocr-v4@1',
      source: hex(m),
      assets: PER_MONTH,
    });
}
const mlDoc = A.save((await repo.find(ml.url)).doc() as A.Doc<unknown>);
await repo.shutdown();

report({
  bench: 'ml-sync-size',
  metric: 'automerge_strings_bytes',
  value: asStrings.byteLength * MONTHS,
  unit: 'bytes',
});
report({
  bench: 'ml-sync-size',
  metric: 'automerge_strings_load_ms',
  value: timeLoad(asStrings) * MONTHS,
  unit: 'ms',
});
report({
  bench: 'ml-sync-size',
  metric: 'automerge_strings_rederived_bytes',
  value: rederived.byteLength * MONTHS,
  unit: 'bytes',
});
report({
  bench: 'ml-sync-size',
  metric: 'automerge_flat_bytes',
  value: asFlat.byteLength * MONTHS,
  unit: 'bytes',
});
report({
  bench: 'ml-sync-size',
  metric: 'automerge_flat_load_ms',
  value: timeLoad(asFlat) * MONTHS,
  unit: 'ms',
});
report({ bench: 'ml-sync-size', metric: 'text_blob_bytes', value: blob.byteLength * MONTHS, unit: 'bytes' });
const decode: number[] = [];
for (let r = 0; r < 5; r++) {
  const t = performance.now();
  await decodeMlMonthText(blob);
  decode.push(performance.now() - t);
}
report({ bench: 'ml-sync-size', metric: 'text_blob_decode_ms', value: median(decode) * MONTHS, unit: 'ms' });
report({ bench: 'ml-sync-size', metric: 'ml_doc_bytes', value: mlDoc.byteLength, unit: 'bytes' });
report({ bench: 'ml-sync-size', metric: 'ml_doc_load_ms', value: timeLoad(mlDoc), unit: 'ms' });
report({
  bench: 'ml-sync-size',
  metric: 'clip_blob_bytes',
  value: N * (512 + 4) + MONTHS * PER_MONTH * 68,
  unit: 'bytes',
});
