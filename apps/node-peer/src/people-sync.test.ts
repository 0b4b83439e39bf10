import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Repo } from '@automerge/automerge-repo';
import {
  asAssetId,
  openPeopleCatalog,
  readAll,
  type AssetId,
  type PeopleCatalog,
  type PersonId,
} from '@hearth/sync';
import { createFsBlobStore } from '@hearth/sync/platform';
import { createTestRoot, memoryRepo } from '@hearth/sync/testing';
import { createJsonlCatalog } from './node-catalog.jsonl.ts';
import { createPeopleSync } from './people-sync.ts';

const MODEL = 'yunet@1+faceplugin@1';
const DIMS = 64;

/** Seeded unit vectors: 3 people, faces of one person close to its centre. */
function faceOf(person: number, n: number): number[] {
  const rng = (seed: number) => () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2147483648 - 1;
  };
  const centre = Array.from({ length: DIMS }, rng(person + 1));
  const noise = rng(1000 + person * 1000 + n);
  const v = centre.map((c) => c + noise() * 0.25);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const repos: Repo[] = [];
/** Each node's clean-up: its journal and blob store stop before its directory goes. */
const nodes: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const r of repos.splice(0)) await r.shutdown();
  for (const stop of nodes.splice(0)) await stop();
});

/**
 * A node's journal and blob store holding photos whose faces record carries `faces` (person, n),
 * and its people document.
 */
async function node() {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-people-'));
  const blobs = createFsBlobStore({ root: join(dir, 'blobs') });
  await blobs.start();
  const journal = createJsonlCatalog(join(dir, 'catalog'));
  await journal.start();
  nodes.push(async () => {
    await journal.stop();
    await blobs.stop();
    await rm(dir, { recursive: true, force: true });
  });
  let photo = 0;
  async function addPhoto(faces: [number, number][], model = MODEL): Promise<string> {
    const { hash } = await blobs.put(new TextEncoder().encode(`photo ${photo++}`));
    const id = asAssetId(hash);
    await journal.add({
      id,
      original: hash,
      type: 'photo',
      mime: 'image/jpeg',
      size: 7,
      fileName: id,
      importedAt: 0,
    });
    await facesRecord(id, faces, model);
    return id;
  }
  async function facesRecord(id: AssetId, faces: [number, number][], model: string) {
    const doc = { faces: faces.map(([p, n]) => ({ embedding: faceOf(p, n) })) };
    const f = await blobs.put(new TextEncoder().encode(JSON.stringify(doc)));
    await journal.addDerived({
      asset: id,
      kind: 'faces',
      version: 1,
      blobs: { faces: f.hash },
      values: { model, count: faces.length },
    });
  }
  const reanalyse = (id: string, faces: [number, number][], model: string) =>
    facesRecord(id as AssetId, faces, model);
  // The synced side: the people document in an in-memory repo of this node.
  const repo = memoryRepo('node');
  repos.push(repo);
  const root = createTestRoot(repo);
  const people = () => openPeopleCatalog({ repo, root });
  const readBlob = (h: Parameters<typeof blobs.pathOf>[0]) => readAll(blobs, h);
  return { journal, blobs, addPhoto, reanalyse, people, readBlob };
}

describe('people sync (node clustering → people document)', { timeout: 60_000 }, () => {
  it('a user names, merges and reassigns; later runs with more faces, and a restart, keep every decision', async () => {
    const n = await node();
    const { people, readBlob } = n;
    const sync = createPeopleSync({ journal: n.journal, readBlob, modelKey: MODEL, people });
    // Three people, four photos each (one face per photo); a photo of another model is ignored.
    const photoOf = new Map<string, [number, number]>();
    for (let i = 0; i < 4; i++) for (const p of [0, 1, 2]) photoOf.set(await n.addPhoto([[p, i]]), [p, i]);
    await n.addPhoto([[0, 99]], 'other-model@1');

    const r1 = await sync.run();
    expect(r1).toMatchObject({ faces: 12, newFaces: 12, people: 3 });
    const pc: PeopleCatalog = await people();
    const who = (p: number, i = 0) => {
      const asset = [...photoOf].find(([, v]) => v[0] === p && v[1] === i)?.[0];
      return pc.faceAssignments().get(`${asset}/0`) as PersonId;
    };
    const [ada, bob, cy] = [who(0), who(1), who(2)];
    expect(new Set([ada, bob, cy]).size).toBe(3);

    // The user's decisions: name Ada, merge Bob into Ada, move one of Cy's faces to Ada, hide Cy.
    pc.rename(ada, 'Ada');
    pc.merge(bob, ada);
    const cyFace = `${[...photoOf].find(([, v]) => v[0] === 2 && v[1] === 3)?.[0]}/0`;
    pc.assignFace(cyFace, ada);
    pc.setHidden(cy, true);

    // More photos of everyone, and a photo with two faces, then the next run.
    for (let i = 4; i < 7; i++) for (const p of [0, 1, 2]) photoOf.set(await n.addPhoto([[p, i]]), [p, i]);
    const two = await n.addPhoto([
      [1, 50],
      [2, 50],
    ]);
    const r2 = await sync.run();
    expect(r2).toMatchObject({ faces: 23, newFaces: 11 });
    const check = (c: PeopleCatalog) => {
      const s = c.read();
      expect(s.people[ada]?.name).toBe('Ada');
      expect(s.people[bob]?.mergedInto).toBe(ada);
      expect(s.people[cy]?.hidden).toBe(true);
      const byFace = c.faceAssignments();
      expect(byFace.get(cyFace)).toBe(ada);
      for (const [asset, [p]] of photoOf) {
        const key = `${asset}/0`;
        if (key !== cyFace) expect(byFace.get(key), key).toBe(p === 2 ? cy : ada);
      }
      expect(byFace.get(`${two}/0`)).toBe(ada); // Bob's new face shows as Ada
      expect(byFace.get(`${two}/1`)).toBe(cy);
      // What users see: Ada with Bob's faces and the moved one; Cy hidden.
      const adaFaces = [...photoOf.values()].filter(([p]) => p < 2).length + 2;
      expect(c.list().map((x) => [x.name, x.faces])).toEqual([['Ada', adaFaces]]);
    };
    check(pc);

    // A restart: a new process restores the stored clustering, then sees three more photos.
    for (const p of [0, 1, 2]) photoOf.set(await n.addPhoto([[p, 7]]), [p, 7]);
    const after = createPeopleSync({ journal: n.journal, readBlob, modelKey: MODEL, people });
    const r3 = await after.run();
    expect(r3).toMatchObject({ faces: 26, newFaces: 26 });
    check(pc);
    expect(new Set(Object.values(pc.read().faces)).size).toBe(3); // no new machine people
  });

  it('a face model change re-clusters from the new embeddings; the new clusters keep the old ids and names', async () => {
    const n = await node();
    const { people, readBlob } = n;
    const assets: string[] = [];
    for (let i = 0; i < 3; i++) assets.push(await n.addPhoto([[0, i]]));
    await createPeopleSync({ journal: n.journal, readBlob, modelKey: MODEL, people }).run();
    const pc = await people();
    const [first] = pc.list();
    pc.rename(first!.id, 'Ada');
    // The same photos analysed again by the new model (the journal keeps the newest record).
    for (const a of assets) await n.reanalyse(a, [[0, 10]], 'new-model@2');
    const r = await createPeopleSync({ journal: n.journal, readBlob, modelKey: 'new-model@2', people }).run();
    expect(r).toMatchObject({ faces: 3, people: 1 });
    expect(pc.read().clusteredWith).toBe('new-model@2');
    expect(Object.keys(pc.read().faces)).toHaveLength(3);
    expect(pc.list().map((x) => [x.id, x.name, x.faces])).toEqual([[first!.id, 'Ada', 3]]);
  });
});
