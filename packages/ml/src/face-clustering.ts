/**
 * Incremental face clustering into people (DBSCAN-like, after Immich: a person needs at
 * least `minFaces` mutually close faces). New faces join the nearest person centroid when
 * close enough; otherwise they wait in a pool until enough close pool faces make a new
 * person. A user's decisions (hand assignments, merges) always win: they override every
 * machine assignment, and survive a full re-cluster with stable ids.
 */
import { asPersonId, randomId, type PersonId } from '@hearth/sync/ids';
import { InvalidInputError } from './errors.ts';
import type { SimilarityScorer } from './similarity-scorer.ts';

/** A face to cluster: a stable key (`assetId/faceIndex`, as the people doc uses) and its unit embedding. */
export interface FaceEmbedding {
  readonly key: string;
  readonly embedding: Float32Array;
}

/**
 * What the user decided, shaped like the catalog's people document so it can be passed
 * as is: `assignments` are hand assignments (face key → person id), `people[id].mergedInto`
 * records merges.
 */
export interface UserFaceDecisions {
  readonly people: Readonly<Record<string, { readonly mergedInto?: string }>>;
  readonly assignments: Readonly<Record<string, string>>;
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

function dot(a: Float32Array, b: Float32Array, bOff = 0): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[bOff + i] as number);
  return s;
}

/** Follow merge chains (bounded, so a cycle written by two devices cannot loop). */
function resolver(decisions: UserFaceDecisions): (id: string) => string {
  return (id) => {
    let cur = id;
    for (let i = 0; i < 32; i++) {
      const next = decisions.people[cur]?.mergedInto;
      if (!next || next === cur) break;
      cur = next;
    }
    return cur;
  };
}

export function createFaceClusterer(
  options: FaceClusterOptions = {},
  newId: () => PersonId = () => asPersonId(randomId()),
): FaceClusterer {
  const o = { ...DEFAULT_CLUSTER_OPTIONS, ...options };
  let decisions = EMPTY;
  let resolve = resolver(decisions);
  let dims = 0;
  // Clusters as rows of a flat centroid matrix, so the nearest scan is one tight loop. A
  // merged person keeps one row per original cluster (a person is often several modes:
  // ages, glasses); reads resolve merges.
  const personIds: string[] = [];
  const personRow = new Map<string, number>();
  let sums = new Float32Array(0);
  let centroids = new Float32Array(0);
  const machine = new Map<string, string>();
  const known = new Set<string>();
  // Faces waiting for neighbours, in arrival order (a Map for O(1) removal).
  const pool = new Map<string, FaceEmbedding>();
  let poolStart: FaceEmbedding[] = [];
  let addedThisBatch: FaceEmbedding[] = [];

  function rowFor(id: string): number {
    let r = personRow.get(id);
    if (r === undefined) {
      r = personIds.length;
      personIds.push(id);
      personRow.set(id, r);
      if ((r + 1) * dims > sums.length) {
        const grow = (a: Float32Array) => {
          const b = new Float32Array(Math.max(dims * 64, a.length * 2));
          b.set(a);
          return b;
        };
        sums = grow(sums);
        centroids = grow(centroids);
      }
    }
    return r;
  }
  function addToPerson(id: string, e: Float32Array) {
    const r = rowFor(id);
    const off = r * dims;
    let n = 0;
    for (let i = 0; i < dims; i++) {
      const v = (sums[off + i] as number) + (e[i] as number);
      sums[off + i] = v;
      n += v * v;
    }
    n = Math.sqrt(n) || 1;
    for (let i = 0; i < dims; i++) centroids[off + i] = (sums[off + i] as number) / n;
  }
  /** `pre` holds similarities to the first `pre.length` rows, computed in one batch. */
  function nearestPerson(e: Float32Array, pre?: Float32Array): { id: string; sim: number } | undefined {
    let best = -2;
    let bestRow = -1;
    const from = pre ? pre.length : 0;
    if (pre) {
      for (let r = 0; r < from; r++) {
        const v = pre[r] as number;
        if (v > best) {
          best = v;
          bestRow = r;
        }
      }
    }
    for (let r = from; r < personIds.length; r++) {
      const s = dot(e, centroids, r * dims);
      if (s > best) {
        best = s;
        bestRow = r;
      }
    }
    return bestRow < 0 ? undefined : { id: personIds[bestRow] as string, sim: best };
  }
  function place(f: FaceEmbedding, pre?: Float32Array): boolean {
    const hand = decisions.assignments[f.key];
    if (hand !== undefined) {
      // The user's word settles this face only: it does not pull other faces along (as in
      // Immich, moving one face leaves its old cluster's other faces where they were), so
      // incremental runs and full re-clusters agree.
      machine.set(f.key, hand);
      return true;
    }
    const near = nearestPerson(f.embedding, pre);
    if (near && near.sim >= o.joinSimilarity) {
      machine.set(f.key, near.id);
      addToPerson(near.id, f.embedding);
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
      addToPerson(id, m.embedding);
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
          addToPerson(prev, f.embedding);
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
      const rows = personIds.length;
      const batched = o.scorer !== undefined && fresh.length >= 8;
      const q = batched ? stack(fresh) : undefined;
      const pre =
        q && o.scorer && rows > 0 ? await o.scorer(q, fresh.length, centroids, rows, dims) : undefined;
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
        const n = personIds.length;
        const sims =
          o.scorer && waiting.length >= 8
            ? await o.scorer(stack(waiting), waiting.length, centroids, n, dims)
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
      resolve = resolver(d);
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
        if (prev === undefined || !personRow.has(id)) continue;
        const m = votes.get(id) ?? new Map<string, number>();
        m.set(prev, (m.get(prev) ?? 0) + 1);
        votes.set(id, m);
      }
      const ranked = [...votes].flatMap(([id, m]) => [...m].map(([prev, n]) => ({ id, prev, n })));
      ranked.sort((a, b) => b.n - a.n);
      const rename = new Map<string, string>();
      const taken = new Set<string>();
      for (const { id, prev, n } of ranked) {
        if (n <= 0 || rename.has(id) || taken.has(prev) || (personRow.has(prev) && prev !== id)) continue;
        rename.set(id, prev);
        taken.add(prev);
      }
      for (const [from, to] of rename) {
        const row = personRow.get(from) as number;
        personRow.delete(from);
        personRow.set(to, row);
        personIds[row] = to;
      }
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

/**
 * Full re-cluster (e.g. after a model change or threshold retune) that keeps person ids
 * stable: each new machine cluster takes the previous id it overlaps most, and every user
 * decision is applied as in the incremental path.
 */
export async function reclusterFaces(
  faces: readonly FaceEmbedding[],
  decisions: UserFaceDecisions,
  previous: ReadonlyMap<string, string>,
  options: FaceClusterOptions = {},
): Promise<Map<string, PersonId>> {
  const fresh = new Map<string, PersonId>();
  const c = createFaceClusterer(options, () => {
    const id = `tmp-${fresh.size}` as PersonId;
    fresh.set(id, id);
    return id;
  });
  c.setDecisions(decisions);
  await c.add(faces);
  const result = c.assignments();
  // Each machine-made cluster takes the (merge-resolved) previous id most of its faces had;
  // several clusters may take one id, which is what a user's merge asks for.
  const resolve = resolver(decisions);
  const overlap = new Map<string, Map<string, number>>();
  for (const [k, id] of result) {
    const prev = previous.get(k);
    if (!fresh.has(id) || prev === undefined) continue;
    const m = overlap.get(id) ?? new Map<string, number>();
    const r = resolve(prev);
    m.set(r, (m.get(r) ?? 0) + 1);
    overlap.set(id, m);
  }
  const rename = new Map<string, PersonId>();
  for (const [tmp, m] of overlap) {
    const best = [...m].sort((x, y) => y[1] - x[1])[0];
    if (best) rename.set(tmp, best[0] as PersonId);
  }
  for (const tmp of fresh.keys()) if (!rename.has(tmp)) rename.set(tmp, asPersonId(randomId()));
  for (const [k, id] of result) {
    const r = rename.get(id);
    if (r) result.set(k, r);
  }
  return result;
}
