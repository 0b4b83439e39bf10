import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PersonId } from '@hearth/sync';
import { decodeImage } from './decode-image.sharp.ts';
import { createFaceClusterer, type FaceEmbedding, type UserFaceDecisions } from './face-clustering.ts';
import { reclusterFaces } from './face-recluster.ts';
import { createFacePipeline } from './face-pipeline.ts';
import { l2normalize } from './face-embedder.ts';
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';
import { createModelLoader } from './model-loader.ts';
import { createRuntimeScorer } from './similarity-scorer.ts';
import { createFsModelStore, defaultModelsDir } from './model-store.fs.ts';

/** Deterministic unit vectors: `people` centres, `per` noisy faces each. */
function synthetic(people: number, per: number, dims = 32, noise = 0.3): FaceEmbedding[] {
  let seed = 7;
  const rnd = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2147483648 - 1;
  };
  const out: FaceEmbedding[] = [];
  for (let p = 0; p < people; p++) {
    const c = Float32Array.from({ length: dims }, rnd);
    l2normalize(c);
    for (let i = 0; i < per; i++)
      out.push({
        key: `p${p}/${i}`,
        embedding: l2normalize(c.map((v) => v + (rnd() * noise) / Math.sqrt(dims))),
      });
  }
  return out;
}

function counterIds(): () => PersonId {
  let n = 0;
  return () => `person-${n++}` as PersonId;
}

function groups(a: Map<string, PersonId>): Map<PersonId, string[]> {
  const g = new Map<PersonId, string[]>();
  for (const [k, id] of a) g.set(id, [...(g.get(id) ?? []), k]);
  return g;
}

function purity(a: Map<string, PersonId>, label: (k: string) => string): number {
  let pure = 0;
  for (const keys of groups(a).values()) {
    const n = new Map<string, number>();
    for (const k of keys) n.set(label(k), (n.get(label(k)) ?? 0) + 1);
    pure += Math.max(...n.values());
  }
  return pure / Math.max(1, a.size);
}

describe('face clustering (logic)', () => {
  it('needs minFaces close faces before making a person, then adds incrementally', async () => {
    const faces = synthetic(2, 5);
    const c = createFaceClusterer();
    await c.add(faces.slice(0, 2));
    expect(c.assignments().size).toBe(0);
    expect(c.unassignedCount).toBe(2);
    await c.add(faces.slice(2, 3));
    expect(groups(c.assignments()).size).toBe(1);
    await c.add(faces.slice(3));
    const g = groups(c.assignments());
    expect(g.size).toBe(2);
    expect(purity(c.assignments(), (k) => k.split('/')[0] as string)).toBe(1);
  });

  it('keeps person ids stable across incremental batches', async () => {
    const faces = synthetic(3, 6);
    const c = createFaceClusterer();
    await c.add(faces.filter((_, i) => i % 2 === 0));
    const before = c.assignments();
    await c.add(faces.filter((_, i) => i % 2 === 1));
    const after = c.assignments();
    for (const [k, id] of before) expect(after.get(k)).toBe(id);
    expect(after.size).toBe(18);
  });

  it('lets user merges and hand assignments beat the clustering, also after a full re-cluster', async () => {
    const faces = synthetic(3, 5);
    const c = createFaceClusterer();
    await c.add(faces);
    const machine = c.assignments();
    const [a, b] = [...groups(machine).keys()] as [PersonId, PersonId];
    const p2face = faces.find((f) => machine.get(f.key) !== a && machine.get(f.key) !== b)?.key as string;
    const decisions: UserFaceDecisions = { people: { [b]: { mergedInto: a } }, assignments: { [p2face]: a } };
    c.setDecisions(decisions);
    const user = c.assignments();
    expect(groups(user).size).toBe(2);
    expect(user.get(p2face)).toBe(a);
    // Re-cluster from scratch (e.g. new thresholds): ids stay and the decisions still win.
    const again = await reclusterFaces(faces, decisions, user, { joinSimilarity: 0.5 });
    expect(again.get(p2face)).toBe(a);
    for (const [k, id] of user) expect(again.get(k)).toBe(id);
    // New faces of the merged-away person land in the person it was merged into.
    const bFace = faces.find((f) => machine.get(f.key) === b) as FaceEmbedding;
    const more = [{ key: 'new-b', embedding: bFace.embedding.map((v, i) => v + (i % 2 ? 0.01 : -0.01)) }];
    await c.add(more);
    expect(c.assignments().get('new-b')).toBe(a);
  });

  it('restores an earlier run after a restart: ids stay, new faces join them, decisions still win', async () => {
    const faces = synthetic(3, 8);
    const first = createFaceClusterer({}, counterIds());
    await first.add(faces.filter((_, i) => i % 8 < 5));
    const stored = first.machineAssignments();
    const [a, b] = [...groups(stored).keys()] as [PersonId, PersonId];
    const moved = [...stored].find(([, id]) => id !== a && id !== b)?.[0] as string;
    const decisions: UserFaceDecisions = { people: { [b]: { mergedInto: a } }, assignments: { [moved]: b } };
    // A new process: the stored clustering plus every face, the later ones never seen before.
    const next = createFaceClusterer({}, () => 'fresh-id' as PersonId);
    next.setDecisions(decisions);
    await next.restore(faces, stored);
    const m = next.machineAssignments();
    for (const [k, id] of stored) if (k !== moved) expect(m.get(k)).toBe(id);
    expect(new Set(m.values()).has('fresh-id' as PersonId)).toBe(false);
    const all = next.assignments();
    expect(all.size).toBe(24);
    expect(all.get(moved)).toBe(a); // the hand assignment, through the merge
    expect(groups(all).size).toBe(2);
    // No synthetic person is split: every face, old or new, is where its own people went.
    for (const label of ['p0', 'p1', 'p2']) {
      const ids = new Set(
        [...all].filter(([k]) => k !== moved && k.startsWith(`${label}/`)).map(([, id]) => id),
      );
      expect(ids.size, label).toBe(1);
    }
  });

  it('gives the same people with the runtime scorer as with the JavaScript scan', async () => {
    const faces = synthetic(40, 6, 64, 0.5);
    const scorer = createRuntimeScorer(createOnnxNodeRuntime());
    const js = createFaceClusterer({}, counterIds());
    const rt = createFaceClusterer({ scorer }, counterIds());
    for (let i = 0; i < faces.length; i += 60) {
      await js.add(faces.slice(i, i + 60));
      await rt.add(faces.slice(i, i + 60));
    }
    expect(rt.assignments()).toEqual(js.assignments());
    expect(groups(rt.assignments()).size).toBe(40);
    await scorer.stop();
  });

  it('rejects an embedding of another size with a typed error', async () => {
    const c = createFaceClusterer();
    await c.add(synthetic(1, 3, 16));
    await expect(c.add([{ key: 'x', embedding: new Float32Array(8) }])).rejects.toThrow(/re-cluster/);
  });
});

const dir = defaultModelsDir();
const faceDir = join(dir, 'test-images/faces-faceapi');
describe.skipIf(!existsSync(faceDir))('face clustering on the 40 faces of 8 people', () => {
  it.each(['mobilefacenet-128', 'faceplugin-512'])(
    'puts them into 8 people with purity >= 0.95 (%s)',
    async (model) => {
      const loader = createModelLoader({
        store: createFsModelStore(dir),
        runtime: createOnnxNodeRuntime(),
        choose: { 'face-embedding': model },
      });
      const pipeline = createFacePipeline(loader);
      const faces: FaceEmbedding[] = [];
      for (const f of readdirSync(faceDir).sort()) {
        const r = await pipeline.analyze(await decodeImage(join(faceDir, f)));
        expect(r.faces, f).toHaveLength(1);
        faces.push({ key: f, embedding: r.faces[0]?.embedding as Float32Array });
      }
      await loader.stop();
      // Interleave people, as photos arrive in a library, in two batches.
      const order = faces
        .map((f, i) => ({ f, r: (i * 7919) % 41 }))
        .sort((x, y) => x.r - y.r)
        .map((x) => x.f);
      const c = createFaceClusterer();
      await c.add(order.slice(0, 20));
      await c.add(order.slice(20));
      const a = c.assignments();
      const person = (k: string) => k.replace(/\d\.png$/, '');
      expect(groups(a).size).toBe(8);
      expect(a.size).toBeGreaterThanOrEqual(38);
      expect(purity(a, person)).toBeGreaterThanOrEqual(0.95);
      // A user renames nothing here (names live in the people doc) but merges two people and
      // moves one face: the next run must keep both.
      const amy = a.get('amy1.png') as PersonId;
      const penny = a.get('penny1.png') as PersonId;
      const decisions: UserFaceDecisions = {
        people: { [penny]: { mergedInto: amy } },
        assignments: { 'raj1.png': amy },
      };
      const re = await reclusterFaces(faces, decisions, a);
      expect(re.get('penny3.png')).toBe(amy);
      expect(re.get('raj1.png')).toBe(amy);
      expect(re.get('sheldon2.png')).toBe(a.get('sheldon2.png'));
    },
  );
});
