import type { FaceClusterer } from '@hearth/ml';
import type { AssetId, BlobHash, PersonId } from '@hearth/sync';
import type { NodeCatalog } from './node-catalog.ts';

/** Faces grouped into people, fed incrementally from the `faces` step's records. */
export interface PeopleIndex {
  /** Add the faces of assets analysed since the last call; returns how many faces were added. */
  update(): Promise<number>;
  /** Person → number of faces (only clusters big enough to be a person). */
  people(): Map<PersonId, number>;
  /** Faces fed so far. */
  readonly faces: number;
}

/** Options of {@link createPeopleIndex}. */
export interface PeopleIndexOptions {
  catalog: Pick<NodeCatalog, 'assets' | 'derived'>;
  readBlob(hash: BlobHash): Promise<Uint8Array>;
  /** Only faces stamped with this models key: embeddings of different models do not compare. */
  modelKey: string;
  clusterer: FaceClusterer;
  /**
   * An earlier run's clustering (face key → person, e.g. the people document's `faces`):
   * the first update restores it instead of clustering from nothing, so ids stay stable.
   */
  previous?: ReadonlyMap<string, string>;
}

/**
 * Reads each asset's stored faces once (the `faces` blob) and adds them to the clusterer,
 * so a running node pays only for new photos. Face keys are `<asset>/<index>`, stable
 * for a given models key, as the people document's assignments expect.
 */
export function createPeopleIndex(opts: PeopleIndexOptions): PeopleIndex {
  const fed = new Set<AssetId>();
  let faces = 0;
  let first = true;
  return {
    async update() {
      const batch: { key: string; embedding: Float32Array }[] = [];
      for (const a of opts.catalog.assets()) {
        if (fed.has(a.id)) continue;
        const rec = opts.catalog.derived(a.id).get('faces');
        if (!rec || rec.failed !== undefined || rec.values?.['model'] !== opts.modelKey) continue;
        fed.add(a.id);
        const hash = rec.blobs['faces'];
        if (!hash) continue;
        const doc = JSON.parse(new TextDecoder().decode(await opts.readBlob(hash))) as {
          faces: { embedding: number[] }[];
        };
        doc.faces.forEach((f, i) =>
          batch.push({ key: `${a.id}/${i}`, embedding: Float32Array.from(f.embedding) }),
        );
      }
      if (batch.length && first && opts.previous?.size) await opts.clusterer.restore(batch, opts.previous);
      else if (batch.length) await opts.clusterer.add(batch);
      first = false;
      faces += batch.length;
      return batch.length;
    },
    people() {
      const counts = new Map<PersonId, number>();
      for (const p of opts.clusterer.assignments().values()) counts.set(p, (counts.get(p) ?? 0) + 1);
      return counts;
    },
    get faces() {
      return faces;
    },
  };
}
