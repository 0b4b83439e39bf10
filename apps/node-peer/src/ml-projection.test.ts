import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Repo } from '@automerge/automerge-repo';
import { openMlCatalog, type AssetId, type BlobHash } from '@hearth/sync';
import { createTestRoot, memoryRepo } from '@hearth/sync/testing';
import { createVectorIndex, decodeMlMonthText, readVectorShardHeader } from '@hearth/ml';
import { createDefaultRuntime } from '@hearth/ml/platform';
import type { AssetRecord, DerivedRecord } from './asset-record.ts';
import { projectMl, type MlKeys } from './ml-projection.ts';

const id = (n: number) => n.toString(16).padStart(64, '0') as AssetId;
const JULY = Date.UTC(2024, 6, 10);
const AUG = Date.UTC(2024, 7, 10);
const repos: Repo[] = [];
afterEach(async () => {
  for (const r of repos.splice(0)) await r.shutdown();
});

function clipShard(n: number, model = 'clip@1'): Uint8Array {
  const idx = createVectorIndex(createDefaultRuntime(), 4, { scoring: 'js' });
  idx.add(id(n), Float32Array.from([n, 1, 0, 0]));
  return idx.toShard(model);
}

/** A node journal and blob store in memory, with each asset's ML records. */
function world() {
  const assets: AssetRecord[] = [];
  const derived = new Map<string, Map<string, DerivedRecord>>();
  const blobs = new Map<string, Uint8Array>();
  const put = async (b: Uint8Array) => {
    const h = createHash('sha256').update(b).digest('hex') as BlobHash;
    blobs.set(h, b);
    return h;
  };
  const add = async (
    n: number,
    takenAt: number,
    r: { tags?: string[]; ocr?: string; clip?: string; model?: string },
  ) => {
    assets.push({
      id: id(n),
      original: id(n) as string as BlobHash,
      type: 'photo',
      mime: 'image/jpeg',
      size: 1,
      fileName: `p${n}.jpg`,
      importedAt: 0,
      takenAt,
    });
    const m = new Map<string, DerivedRecord>();
    const rec = (kind: string, values: Record<string, string | number>, b: Record<string, BlobHash> = {}) =>
      m.set(kind, {
        asset: id(n),
        kind,
        version: 1,
        blobs: b,
        values: { model: r.model ?? `${kind}@1`, ...values },
      });
    if (r.tags) rec('tags', { tags: JSON.stringify(r.tags.map((label) => ({ label, confidence: 0.9 }))) });
    if (r.ocr !== undefined) rec('ocr', { text: r.ocr });
    if (r.clip) rec('clip', { dims: 4 }, { clip: await put(clipShard(n, r.clip)) });
    derived.set(id(n), m);
  };
  const journal = {
    assets: () => assets.values(),
    derived: (a: AssetId) => derived.get(a) ?? new Map<string, DerivedRecord>(),
  };
  return { add, journal, blobs, put, derived };
}

async function setup() {
  const repo = memoryRepo('node');
  repos.push(repo);
  const ml = await openMlCatalog({ repo, root: createTestRoot(repo) });
  return ml;
}

const keys: MlKeys = { tags: 'tags@1', ocr: 'ocr@1', clip: 'clip@1' };

describe('projectMl', () => {
  it('writes one text blob and one CLIP shard per capture month, then only what changed', async () => {
    const w = world();
    await w.add(1, JULY, { tags: ['dog', 'car'], ocr: '', clip: 'clip@1' });
    await w.add(2, JULY, { ocr: 'OPEN 12345', clip: 'clip@1' });
    await w.add(3, AUG, { tags: ['cat'] });
    const ml = await setup();
    const deleted: string[] = [];
    const opts = {
      journal: w.journal,
      keys,
      readBlob: async (h: BlobHash) => w.blobs.get(h)!,
      putBlob: w.put,
      deleteBlob: async (h: BlobHash) => deleted.push(h),
      ml,
    };
    expect(await projectMl(opts)).toBe(3);
    const s = ml.read();
    expect([...s.text.keys()].sort()).toEqual(['2024-07', '2024-08']);
    const july = await decodeMlMonthText(w.blobs.get(s.text.get('2024-07')!.hash)!);
    expect(july.assets[id(1)]?.tags?.map((t) => t.label)).toEqual(['dog', 'car']);
    expect(july.assets[id(2)]?.ocr).toBe('OPEN 12345');
    expect(s.text.get('2024-07')).toMatchObject({ models: 'tags=tags@1;ocr=ocr@1', assets: 2 });
    expect(readVectorShardHeader(w.blobs.get(s.clip.get('2024-07')!.hash)!)).toEqual({
      dims: 4,
      model: 'clip@1',
      ids: [id(1), id(2)],
    });
    expect(s.clip.has('2024-08')).toBe(false);

    // Nothing new: nothing written. A new photo in August rewrites August only.
    expect(await projectMl(opts)).toBe(0);
    await w.add(4, AUG, { tags: ['bicycle'], clip: 'clip@1' });
    expect(await projectMl(opts)).toBe(2);
    expect(ml.read().text.get('2024-07')?.hash).toBe(s.text.get('2024-07')?.hash);
    expect(ml.read().clip.get('2024-08')?.assets).toBe(1);
    // The replaced August text blob is garbage; nothing else is.
    expect(deleted).toEqual([s.text.get('2024-08')?.hash]);
    // August's CLIP shard of one photo is that photo's own shard: replacing it keeps the blob.
    const photo4 = w.derived.get(id(4))!.get('clip')!.blobs['clip'];
    expect(ml.read().clip.get('2024-08')?.hash).toBe(photo4);
    await w.add(5, AUG, { clip: 'clip@1' });
    await projectMl(opts);
    expect(ml.read().clip.get('2024-08')?.assets).toBe(2);
    expect(deleted).not.toContain(photo4);
  });

  it('only results of the enabled models count; a model change drops the old ones until re-derived', async () => {
    const w = world();
    await w.add(1, JULY, { tags: ['dog'], clip: 'clip@1' });
    const ml = await setup();
    const base = { journal: w.journal, readBlob: async (h: BlobHash) => w.blobs.get(h)!, putBlob: w.put, ml };
    await projectMl({ ...base, keys });
    // A new tag model and no CLIP model: the old tags are not current, the month's refs go.
    expect(await projectMl({ ...base, keys: { tags: 'tags@2' } })).toBe(2);
    expect(ml.read().text.size + ml.read().clip.size).toBe(0);
    // Re-derived with the new model: back.
    w.derived.get(id(1))!.set('tags', {
      asset: id(1),
      kind: 'tags',
      version: 1,
      blobs: {},
      values: { model: 'tags@2', tags: JSON.stringify([{ label: 'wolf', confidence: 0.8 }]) },
    });
    await projectMl({ ...base, keys: { tags: 'tags@2' } });
    const blob = w.blobs.get(ml.read().text.get('2024-07')!.hash)!;
    expect((await decodeMlMonthText(blob)).assets[id(1)]?.tags?.[0]?.label).toBe('wolf');
    expect((await decodeMlMonthText(blob)).models).toEqual({ tags: 'tags@2' });
  });
});
