/**
 * Incremental face clustering into people (DBSCAN-like, after Immich: a person needs at
 * least `minFaces` mutually close faces). New faces join the nearest person centroid when
 * close enough; otherwise they wait in a pool until enough close pool faces make a new
 * person. A user's decisions (hand assignments, merges) always win: they override every
 * machine assignment, and survive a full re-cluster with stable ids (`face-recluster.ts`).
 */
import { asPersonId, randomId, type PersonId } from '@hearth/sync/ids';
import { InvalidInputError } from './errors.ts';
import { mergeResolver, type UserFaceDecisions } from './face-decisions.ts';
import { createPersonCentroids, dot } from './person-centroids.ts';
import type { SimilarityScorer } from './similarity-scorer.ts';

export type { UserFaceDecisions } from './face-decisions.ts';

/** A face to cluster: a stable key (`assetId/faceIndex`, as the people doc uses) and its unit embedding. */
export interface FaceEmbedding {
  readonly key: string;
  readonly embedding: Float32Array;
}

export interface FaceClusterOptions {
  /** Cosine similarity to a person's centroid needed to join it. */
  readonly joinSimilarity?: number;
  /** Cosine similarity between two pool faces for them to count as neighbours. */
  readonly neighbourSimilarity?: number;
  /** Faces needed to found a new person (Immich: 3). */
  readonly minFaces?: number;
  /** Batch similarity on the runtime; without it the nearest-person scan is plain JavaScript. */
  readonly scorer?: SimilarityScorer;
}

/** Tuned for MobileFaceNet/faceplugin on ../shared/models/test-images/faces-faceapi (see face-clustering.test.ts). */
export const DEFAULT_CLUSTER_OPTIONS: Required<Omit<FaceClusterOptions, 'scorer'>> = {
  joinSimilarity: 0.4,
  neighbourSimilarity: 0.35,
  minFaces: 3,
};

/** Incremental clusterer. Holds the machine's state; feed it new faces as they are embedded. */
export interface FaceClusterer {
  /** Cluster new faces (keys already known are ignored). */
  add(faces: readonly FaceEmbedding[]): Promise<void>;
  /**
   * Start from an earlier run's output (the people document's `faces`, after a restart):
   * faces with a previous person rejoin it as they were, so ids and the user's names on
   * them stay; the rest are clustered as by `add`.
   */
  restore(faces: readonly FaceEmbedding[], previous: ReadonlyMap<string, string>): Promise<void>;
  /** Replace the user's decisions; they apply to every later read and add. */
  setDecisions(decisions: UserFaceDecisions): void;
  /** Face key → person, user decisions applied. Faces in no person are absent. */
  assignments(): Map<string, PersonId>;
  /**
   * After a face model change: each cluster takes the id most of its faces had in the
   * previous clustering (`previous`, face key → id), each previous id going to one cluster,
   * so the names users gave people carry over to the new model's clusters.
   */
  adopt(previous: ReadonlyMap<string, string>): void;
  /** Face key → the cluster the machine put it in (no merges resolved): what the node stores. */
  machineAssignments(): Map<string, PersonId>;
  /** Faces waiting for enough neighbours. */
  readonly unassignedCount: number;
}

const EMPTY: UserFaceDecisions = { people: {}, assignments: {} };

export function createFaceClusterer(
  options: FaceClusterOptions = {},
  newId: () => PersonId = () => asPersonId(randomId()),
): FaceClusterer {
  const o = { ...DEFAULT_CLUSTER_OPTIONS, ...options };
  let decisions = EMPTY;
  let resolve = mergeResolver(decisions);
  let dims = 0;
  const people = createPersonCentroids();
  const machine = new Map<string, string>();
  const known = new Set<string>();
  // Faces waiting for neighbours, in arrival order (a Map for O(1) removal).
  const pool = new Map<string, FaceEmbedding>();
  let poolStart: FaceEmbedding[] = [];
  let addedThisBatch: FaceEmbedding[] = [];

  function place(f: FaceEmbedding, pre?: Float32Array): boolean {
    const hand = decisions.assignments[f.key];
    if (hand !== undefined) {
      // The user's word settles this face only: it does not pull other faces along (as in
      // Immich, moving one face leaves its old cluster's other faces where they were), so
      // incremental runs and full re-clusters agree.
      machine.set(f.key, hand);
      return true;
    }
    const near = people.nearest(f.embedding, pre);
    if (near && near.sim >= o.joinSimilarity) {
      machine.set(f.key, near.id);
      people.add(near.id, f.embedding);
      return true;
    }
    return false;
  }
  /** `prePool[j]` is the similarity to `poolStart[j]` (batch start); later pool faces are compared here. */
  function foundFromPool(f: FaceEmbedding, prePool?: Float32Array): void {
    const neighbours: FaceEmbedding[] = [];
    const thr = o.neighbourSimilarity;
    if (prePool) {
      poolStart.forEach((p, j) => {
        if ((prePool[j] as number) >= thr && pool.has(p.key)) neighbours.push(p);
      });
      for (const p of addedThisBatch)
        if (pool.has(p.key) && dot(f.embedding, p.embedding) >= thr) neighbours.push(p);
    } else {
      for (const p of pool.values()) if (dot(f.embedding, p.embedding) >= thr) neighbours.push(p);
    }
    if (neighbours.length + 1 < o.minFaces) {
      pool.set(f.key, f);
      addedThisBatch.push(f);
      return;
    }
    const id = newId();
    for (const m of [f, ...neighbours]) {
      machine.set(m.key, id);
      people.add(id, m.embedding);
      pool.delete(m.key);
    }
  }
  function stack(faces: readonly FaceEmbedding[]): Float32Array {
    const q = new Float32Array(faces.length * dims);
    faces.forEach((f, i) => q.set(f.embedding, i * dims));
    return q;
  }

  function checkDims(f: FaceEmbedding): void {
    if (dims === 0) dims = f.embedding.length;
    if (f.embedding.length !== dims)
      throw new InvalidInputError(
        `face ${f.key} has ${f.embedding.length} dims, the clusterer holds ${dims}-d embeddings; re-cluster after changing the face model`,
      );
  }

  const clusterer: FaceClusterer = {
    async restore(faces, previous) {
      const rest: FaceEmbedding[] = [];
      for (const f of faces) {
        const prev = previous.get(f.key);
        if (known.has(f.key)) continue;
        if (prev === undefined) {
          rest.push(f);
          continue;
        }
        checkDims(f);
        known.add(f.key);
        const hand = decisions.assignments[f.key];
        if (hand !== undefined) machine.set(f.key, hand);
        else {
          machine.set(f.key, prev);
          people.add(prev, f.embedding);
        }
      }
      await clusterer.add(rest);
    },
    async add(faces) {
      const fresh: FaceEmbedding[] = [];
      for (const f of faces) {
        if (known.has(f.key)) continue;
        checkDims(f);
        fresh.push(f);
      }
      // Similarities to the people that exist at the start of the batch, in one call; people
      // founded during the batch are compared in JavaScript (they are few).
      const rows = people.count;
      const batched = o.scorer !== undefined && fresh.length >= 8;
      const q = batched ? stack(fresh) : undefined;
      const pre =
        q && o.scorer && rows > 0 ? await o.scorer(q, fresh.length, people.matrix, rows, dims) : undefined;
      poolStart = [...pool.values()];
      addedThisBatch = [];
      const prePool =
        q && o.scorer && poolStart.length > 0
          ? await o.scorer(q, fresh.length, stack(poolStart), poolStart.length, dims)
          : undefined;
      for (const [i, f] of fresh.entries()) {
        if (known.has(f.key)) continue;
        known.add(f.key);
        if (!place(f, pre?.subarray(i * rows, (i + 1) * rows)))
          foundFromPool(f, prePool?.subarray(i * poolStart.length, (i + 1) * poolStart.length));
      }
      // Deferred pass (as Immich does): centroids moved, so waiting faces may now join.
      if (pool.size > 0 && fresh.length > 0) {
        const waiting = [...pool.values()];
        const n = people.count;
        const sims =
          o.scorer && waiting.length >= 8
            ? await o.scorer(stack(waiting), waiting.length, people.matrix, n, dims)
            : undefined;
        waiting.forEach((p, i) => {
          if (place(p, sims?.subarray(i * n, (i + 1) * n))) pool.delete(p.key);
        });
      }
      poolStart = [];
      addedThisBatch = [];
    },
    setDecisions(d) {
      decisions = d;
      resolve = mergeResolver(d);
    },
    assignments() {
      const out = new Map<string, PersonId>();
      for (const [k, id] of machine) out.set(k, resolve(id) as PersonId);
      // Hand assignments win even for faces the clusterer has not seen yet.
      for (const [k, id] of Object.entries(decisions.assignments)) out.set(k, resolve(id) as PersonId);
      return out;
    },
    adopt(previous) {
      const votes = new Map<string, Map<string, number>>();
      for (const [k, id] of machine) {
        const prev = previous.get(k);
        if (prev === undefined || !people.has(id)) continue;
        const m = votes.get(id) ?? new Map<string, number>();
        m.set(prev, (m.get(prev) ?? 0) + 1);
        votes.set(id, m);
      }
      const ranked = [...votes].flatMap(([id, m]) => [...m].map(([prev, n]) => ({ id, prev, n })));
      ranked.sort((a, b) => b.n - a.n);
      const rename = new Map<string, string>();
      const taken = new Set<string>();
      for (const { id, prev, n } of ranked) {
        if (n <= 0 || rename.has(id) || taken.has(prev) || (people.has(prev) && prev !== id)) continue;
        rename.set(id, prev);
        taken.add(prev);
      }
      for (const [from, to] of rename) people.rename(from, to);
      for (const [k, id] of machine) {
        const to = rename.get(id);
        if (to !== undefined) machine.set(k, to);
      }
    },
    machineAssignments() {
      return new Map(machine as Map<string, PersonId>);
    },
    get unassignedCount() {
      return pool.size;
    },
  };
  return clusterer;
}
