/**
 * A full re-cluster (after a face model change or a threshold retune) that keeps person ids,
 * and so the names users gave, stable.
 */
import { asPersonId, randomId, type PersonId } from '@hearth/sync/ids';
import { createFaceClusterer, type FaceClusterOptions, type FaceEmbedding } from './face-clustering.ts';
import { mergeResolver, type UserFaceDecisions } from './face-decisions.ts';

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
  const resolve = mergeResolver(decisions);
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
