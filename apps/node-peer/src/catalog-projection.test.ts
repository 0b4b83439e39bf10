import { describe, expect, it } from 'vitest';
import type { AssetId, BlobHash, Catalog, NewAsset } from '@hearth/sync';
import type { AssetRecord, DerivedRecord } from './asset-record.ts';
import { projectAssets } from './catalog-projection.ts';

const id = (n: number) => n.toString(16).padStart(64, '0') as AssetId;
const hash = (n: number) => id(1000 + n) as string as BlobHash;

function asset(n: number, type: AssetRecord['type'], extra: Partial<AssetRecord> = {}): AssetRecord {
  return {
    id: id(n),
    original: id(n) as string as BlobHash,
    type,
    mime: type === 'photo' ? 'image/jpeg' : 'video/mp4',
    size: 1000 + n,
    fileName: `f${n}`,
    importedAt: 1_700_000_000_000,
    ...extra,
  };
}

function step(n: number, kind: string, version: number, rest: Partial<DerivedRecord> = {}): DerivedRecord {
  return { asset: id(n), kind, version, blobs: {}, ...rest };
}

/**
 * Records what the projection writes, and keeps `setDerived`'s rule (an older pipeline never
 * overwrites a newer ref); the real Catalog's own behaviour is tested in @hearth/sync.
 */
function recordingCatalog(present: AssetId[] = []) {
  const added: NewAsset[] = [];
  /** ids addAssets was called with that the catalog had already (the node becomes a holder) */
  const existing: string[] = [];
  const have = new Set<string>(present);
  const derived = new Map<string, Record<string, { hash: string; pipeline: number }>>();
  let opened = 0;
  const catalog = {
    hasAsset: (a: AssetId) => have.has(a),
    addAssets: (list: NewAsset[]) => {
      const fresh = list.filter((x) => !have.has(x.id));
      existing.push(...list.filter((x) => have.has(x.id)).map((x) => x.id));
      added.push(...fresh);
      for (const x of fresh) have.add(x.id);
      return Promise.resolve({
        added: fresh.map((x) => x.id),
        existing: list.filter((x) => !fresh.includes(x)).map((x) => x.id),
      });
    },
    setDerived: (a: AssetId, refs: Record<string, { hash: string; pipeline: number }>) => {
      const cur = derived.get(a) ?? {};
      for (const [k, r] of Object.entries(refs)) if (!cur[k] || cur[k].pipeline <= r.pipeline) cur[k] = r;
      derived.set(a, cur);
    },
  } as unknown as Catalog;
  const open = () => {
    opened++;
    return Promise.resolve(catalog);
  };
  return { open, added, existing, derived, opened: () => opened };
}

/** A journal over plain maps whose `markProjected` edits the records like the real one. */
function journal(assets: AssetRecord[], records: DerivedRecord[]) {
  const byId = new Map(assets.map((a) => [a.id, a]));
  const derived = new Map<AssetId, Map<string, DerivedRecord>>();
  for (const r of records) {
    const m = derived.get(r.asset) ?? new Map<string, DerivedRecord>();
    m.set(r.kind, r);
    derived.set(r.asset, m);
  }
  const marked: AssetId[] = [];
  return {
    assets: () => byId.values(),
    derived: (a: AssetId) => derived.get(a) ?? new Map<string, DerivedRecord>(),
    addDerived: (r: DerivedRecord) => {
      const m = derived.get(r.asset) ?? new Map<string, DerivedRecord>();
      m.set(r.kind, r);
      derived.set(r.asset, m);
    },
    markProjected: (a: AssetId, v: number, motion?: number) => {
      marked.push(a);
      byId.set(a, {
        ...byId.get(a)!,
        projected: true,
        projectedDerived: v,
        ...(motion === undefined ? {} : { projectedMotion: motion }),
      });
      return Promise.resolve();
    },
    marked,
  };
}

describe('projectAssets', () => {
  it('waits for the step that carries thumbhash and size: images for photos, video for videos', async () => {
    const j = journal(
      [asset(1, 'photo'), asset(2, 'video'), asset(3, 'video')],
      [
        step(1, 'images', 1, { values: { thumbhash: 'AAA', width: 4, height: 3 } }),
        // A video whose images record exists must still wait for its video step.
        step(3, 'video', 1, { values: { thumbhash: 'VVV', width: 16, height: 9 } }),
        step(2, 'images', 1, { values: { thumbhash: 'XXX' } }),
      ],
    );
    const c = recordingCatalog();
    const n = await projectAssets(c.open, j, j.markProjected);
    expect(n).toBe(2);
    expect(c.added.map((a) => [a.id, a.thumbhash, a.width, a.height])).toEqual([
      [id(1), 'AAA', 4, 3],
      [id(3), 'VVV', 16, 9],
    ]);
    expect(j.marked).toEqual([id(1), id(3)]);
  });

  it('writes the display media refs of the step at its version (thumbnail, preview, playback; not faces)', async () => {
    const j = journal(
      [asset(1, 'photo'), asset(2, 'video')],
      [
        step(1, 'images', 3, { blobs: { thumbnail: hash(1), preview: hash(2) }, values: { thumbhash: 'A' } }),
        step(1, 'faces', 1, { blobs: { faces: hash(9) } }),
        step(2, 'video', 2001, { blobs: { thumbnail: hash(3), preview: hash(4), playback: hash(5) } }),
      ],
    );
    const c = recordingCatalog();
    await projectAssets(c.open, j, j.markProjected);
    expect(c.derived.get(id(1))).toEqual({
      thumbnail: { hash: hash(1), pipeline: 3 },
      preview: { hash: hash(2), pipeline: 3 },
    });
    expect(c.derived.get(id(2))).toEqual({
      thumbnail: { hash: hash(3), pipeline: 2001 },
      preview: { hash: hash(4), pipeline: 2001 },
      playback: { hash: hash(5), pipeline: 2001 },
    });
    // Nothing new: the catalog is not even opened again.
    expect(await projectAssets(c.open, j, j.markProjected)).toBe(0);
    expect(c.opened()).toBe(1);
  });

  it('gives assets projected before derived refs existed their refs, without adding them again', async () => {
    const j = journal(
      [asset(1, 'photo', { projected: true }), asset(2, 'photo', { projected: true })],
      [step(1, 'images', 1, { blobs: { thumbnail: hash(1), preview: hash(2) } }), step(2, 'images', 1)],
    );
    // Asset 2 was deleted from the synced catalog by a device: it must not come back.
    const c = recordingCatalog([id(1)]);
    expect(await projectAssets(c.open, j, j.markProjected)).toBe(0);
    expect(c.added).toEqual([]);
    expect(c.derived.get(id(1))?.['thumbnail']).toEqual({ hash: hash(1), pipeline: 1 });
    expect(c.derived.has(id(2))).toBe(false);
    expect(j.marked).toEqual([id(1), id(2)]);
  });

  it("adds the node as a holder of an asset a device put in the synced catalog first, without the device's edits being redone", async () => {
    const j = journal(
      [asset(1, 'photo', { rating: 4 })],
      [step(1, 'images', 1, { blobs: { thumbnail: hash(1) } })],
    );
    const c = recordingCatalog([id(1)]);
    const rated: AssetId[] = [];
    const setRating = (a: AssetId) => void rated.push(a);
    const open = async () => Object.assign(await c.open(), { setRating });
    expect(await projectAssets(open, j, j.markProjected)).toBe(0);
    expect(c.existing).toEqual([id(1)]);
    expect(rated).toEqual([]);
    expect(c.derived.get(id(1))?.['thumbnail']).toEqual({ hash: hash(1), pipeline: 1 });
  });

  it('replaces the refs when the step is redone at a new pipeline version', async () => {
    const j = journal(
      [asset(1, 'photo')],
      [step(1, 'images', 1, { blobs: { thumbnail: hash(1), preview: hash(2) } })],
    );
    const c = recordingCatalog();
    await projectAssets(c.open, j, j.markProjected);
    j.addDerived(step(1, 'images', 2, { blobs: { thumbnail: hash(5), preview: hash(6) } }));
    expect(await projectAssets(c.open, j, j.markProjected)).toBe(0);
    expect(c.added).toHaveLength(1);
    expect(c.derived.get(id(1))).toEqual({
      thumbnail: { hash: hash(5), pipeline: 2 },
      preview: { hash: hash(6), pipeline: 2 },
    });
  });

  it('moves the mark of an already projected asset whose step failed without opening the catalog', async () => {
    const j = journal(
      [asset(1, 'photo', { projected: true, projectedDerived: 1 })],
      [step(1, 'images', 2, { failed: 'undecodable' })],
    );
    const c = recordingCatalog([id(1)]);
    await projectAssets(c.open, j, j.markProjected);
    expect(c.opened()).toBe(0);
    expect(j.marked).toEqual([id(1)]);
  });

  it("projects a motion photo's video ref, also when made after the asset was projected; a photo without one opens nothing", async () => {
    const j = journal(
      [asset(1, 'photo'), asset(2, 'photo', { projected: true, projectedDerived: 1 })],
      [
        step(1, 'images', 1, { blobs: { thumbnail: hash(1) }, values: { thumbhash: 'A' } }),
        step(1, 'motion', 1, { blobs: { motion: hash(7) }, values: { motion: 'transcode' } }),
        step(2, 'images', 1, { blobs: { thumbnail: hash(2) } }),
        step(2, 'motion', 1, { values: { motion: 'none' } }),
      ],
    );
    const c = recordingCatalog([id(2)]);
    await projectAssets(c.open, j, j.markProjected);
    expect(c.derived.get(id(1))).toEqual({
      thumbnail: { hash: hash(1), pipeline: 1 },
      motion: { hash: hash(7), pipeline: 1 },
    });
    // The plain photo was already projected: its 'none' record needs nothing.
    expect(c.derived.has(id(2))).toBe(false);
    expect(await projectAssets(c.open, j, j.markProjected)).toBe(0);
    expect(c.opened()).toBe(1);
    // An existing library: asset 2 turns out to be a motion photo once the step runs on it.
    j.addDerived(step(2, 'motion', 2, { blobs: { motion: hash(8) } }));
    await projectAssets(c.open, j, j.markProjected);
    expect(c.derived.get(id(2))).toEqual({
      thumbnail: { hash: hash(2), pipeline: 1 },
      motion: { hash: hash(8), pipeline: 2 },
    });
    expect(await projectAssets(c.open, j, j.markProjected)).toBe(0);
    expect(c.opened()).toBe(2);
  });

  it('gives the event loop turns while it looks through a large journal', async () => {
    const n = 5000;
    const assets = Array.from({ length: n }, (_, i) =>
      asset(i, 'photo', { projected: true, projectedDerived: 1 }),
    );
    const j = journal(assets, []);
    let looked = 0;
    const counting = { ...j, derived: (a: AssetId) => (looked++, j.derived(a)) };
    const cat = recordingCatalog();
    let done = false;
    const projecting = projectAssets(cat.open, counting, j.markProjected).then((added) => {
      done = true;
      return added;
    });
    // What other work sees at each turn until the look is over.
    const seen: number[] = [];
    while (!done) seen.push(await new Promise<number>((r) => setImmediate(() => r(looked))));
    expect(await projecting).toBe(0);
    expect(looked).toBe(n);
    expect(seen.some((c) => c > 0 && c < n)).toBe(true);
    expect(cat.opened()).toBe(0);
  });
});
