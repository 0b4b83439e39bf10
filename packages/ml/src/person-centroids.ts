/**
 * The face clusterer's people as rows of one flat matrix of unit centroids, so the nearest
 * scan is one tight loop and a batch scorer can take the matrix as is. A row keeps the sum
 * of its faces' embeddings and their normalized mean. A person merged by the user keeps one
 * row per original cluster (a person is often several modes: ages, glasses); the clusterer
 * resolves merges when it reads.
 */

/** People by centroid (see the module comment). */
export interface PersonCentroids {
  /** Rows in use. */
  readonly count: number;
  /** Row-major centroids, `count` rows of the embeddings' length (the buffer may be longer). */
  readonly matrix: Float32Array;
  has(id: string): boolean;
  /** Adds a unit embedding to `id`'s row (made on first use) and renormalizes its centroid. */
  add(id: string, embedding: Float32Array): void;
  /**
   * The row most similar (dot product) to `embedding`; `pre` holds the similarities to the
   * first `pre.length` rows, computed in one batch beforehand.
   */
  nearest(embedding: Float32Array, pre?: Float32Array): { id: string; sim: number } | undefined;
  /** Gives `from`'s row the id `to` (which must not have a row). */
  rename(from: string, to: string): void;
}

/** Dot product of `a` with the `a.length` values of `b` from `bOff`. */
export function dot(a: Float32Array, b: Float32Array, bOff = 0): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[bOff + i] as number);
  return s;
}

/** An empty set of people; the first embedding added fixes the dimension. */
export function createPersonCentroids(): PersonCentroids {
  let dims = 0;
  const ids: string[] = [];
  const rowOf = new Map<string, number>();
  let sums = new Float32Array(0);
  let centroids = new Float32Array(0);

  function rowFor(id: string): number {
    let r = rowOf.get(id);
    if (r === undefined) {
      r = ids.length;
      ids.push(id);
      rowOf.set(id, r);
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

  return {
    get count() {
      return ids.length;
    },
    get matrix() {
      return centroids;
    },
    has: (id) => rowOf.has(id),
    add(id, e) {
      if (dims === 0) dims = e.length;
      const off = rowFor(id) * dims;
      let n = 0;
      for (let i = 0; i < dims; i++) {
        const v = (sums[off + i] as number) + (e[i] as number);
        sums[off + i] = v;
        n += v * v;
      }
      n = Math.sqrt(n) || 1;
      for (let i = 0; i < dims; i++) centroids[off + i] = (sums[off + i] as number) / n;
    },
    nearest(e, pre) {
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
      for (let r = from; r < ids.length; r++) {
        const s = dot(e, centroids, r * dims);
        if (s > best) {
          best = s;
          bestRow = r;
        }
      }
      return bestRow < 0 ? undefined : { id: ids[bestRow] as string, sim: best };
    },
    rename(from, to) {
      const row = rowOf.get(from) as number;
      rowOf.delete(from);
      rowOf.set(to, row);
      ids[row] = to;
    },
  };
}
