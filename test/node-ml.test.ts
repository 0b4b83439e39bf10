import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storedBytes } from './support/stored-blobs.ts';
import { Repo, type AutomergeUrl } from '@automerge/automerge-repo';
import { openPeopleCatalog, type PeopleCatalog, type PersonId, type RootDoc } from '@hearth/sync';
import { createCatalogStorage } from '@hearth/sync/platform';
import { createClipEncoder, createModelLoader, loadVectorShard } from '@hearth/ml';
import { createDefaultRuntime, createFsModelStore } from '@hearth/ml/platform';
import { modelsWithTinyClip } from './support/tiny-clip-models.ts';
import sharp from 'sharp';
import { runCli } from '@hearth/node-peer/testing';
import { startHomeNode, testDir } from './support/test-cleanup.ts';

const MODELS = process.env['HEARTH_MODELS_DIR'] ?? resolve(import.meta.dirname, '../../shared/models');
const IMAGES = join(MODELS, 'test-images');
const hasModels = existsSync(join(MODELS, 'face-detection')) && existsSync(IMAGES);
const tmp = (p: string) => testDir(`ml-${p}`);

interface LsMl {
  id: string;
  fileName: string;
  ml?: {
    faces?: number;
    tags?: { label: string; confidence: number }[];
    text?: string;
    clip?: { model: string; dims: number };
  };
}

/** The four test photos (not the 40 face crops) in a fresh folder. */
function photos(): string {
  const dir = tmp('in');
  for (const f of readdirSync(IMAGES).filter((n) => n.endsWith('.jpg')))
    cpSync(join(IMAGES, f), join(dir, f));
  return dir;
}

async function ls(dataDir: string, env: Record<string, string>): Promise<Map<string, LsMl>> {
  const r = await runCli(['--data-dir', dataDir, 'ls', '--json'], { env });
  expect(r.code, r.stderr).toBe(0);
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LsMl);
  return new Map(rows.map((a) => [a.fileName, a]));
}

describe.skipIf(!hasModels)(`hearth with ML models (needs ${MODELS}; set HEARTH_MODELS_DIR)`, () => {
  it('import derives faces, object tags and OCR text; ls --json, status and the stored faces show them', async () => {
    const d = tmp('lib');
    const env = { HEARTH_ML: 'on', HEARTH_MODELS_DIR: MODELS };
    expect((await runCli(['--data-dir', d, 'init'], { env })).code).toBe(0);
    // The four photos plus 40 face crops of 8 people (faces-faceapi).
    const src = photos();
    cpSync(join(IMAGES, 'faces-faceapi'), join(src, 'faces-faceapi'), { recursive: true });
    const imp = await runCli(['--data-dir', d, 'import', src], { env });
    expect(imp.code, imp.stderr).toBe(0);

    const byName = await ls(d, env);
    // Expected counts from test-images/README.md.
    expect(byName.get('group-bbt1.jpg')?.ml?.faces).toBe(4);
    expect(byName.get('ultraface-13.jpg')?.ml?.faces).toBe(2);
    const dogTags = (byName.get('dog-bicycle-car.jpg')?.ml?.tags ?? []).map((t) => t.label);
    expect(dogTags).toEqual(expect.arrayContaining(['dog', 'bicycle', 'car']));
    expect(byName.get('synthetic-text.jpg')?.ml?.text).toMatch(/12345/);

    const st = await runCli(['--data-dir', d, 'status', '--json'], { env });
    const status = JSON.parse(st.stdout) as {
      derivatives: Record<string, { done: number; missing: number }>;
      ml: {
        features: { kind: string; enabled: boolean; key?: string }[];
        faces: number;
        people: number;
        tags: Record<string, number>;
      };
    };
    expect(status.derivatives['faces']).toEqual({ done: 44, missing: 0 });
    expect(status.derivatives['tags']).toEqual({ done: 44, missing: 0 });
    expect(
      status.ml.features
        .filter((f) => f.enabled)
        .map((f) => f.kind)
        .sort(),
    ).toEqual(['faces', 'ocr', 'tags']);
    // One face per crop plus the group's 4 and ultraface's 2; the crops cluster into their 8 people.
    expect(status.ml.faces).toBe(46);
    expect(status.ml.people).toBe(8);
    expect(status.ml.tags['dog']).toBe(1);

    // The faces record: boxes, 5 landmarks, score and an embedding, stamped with the models key.
    const faces = readFileSync(join(d, 'catalog', 'catalog.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"kind":"faces"'))
      .map(
        (l) =>
          (JSON.parse(l) as { rec: { blobs: Record<string, string>; values: Record<string, unknown> } }).rec,
      );
    const withFaces = faces.find((r) => r.values['count'] === 4);
    expect(withFaces?.values['model']).toBe(status.ml.features.find((f) => f.kind === 'faces')?.key);
    const hash = withFaces?.blobs['faces'] ?? '';
    const doc = JSON.parse(new TextDecoder().decode(await storedBytes(d, hash))) as {
      faces: { box: unknown; score: number; landmarks: unknown[]; embedding: number[] }[];
    };
    expect(doc.faces).toHaveLength(4);
    for (const f of doc.faces) {
      expect(f.landmarks).toHaveLength(5);
      expect(f.score).toBeGreaterThan(0.5);
      expect(f.embedding.length).toBeGreaterThanOrEqual(128);
    }
  });

  it('a missing model disables its feature with a reason; installing it later derives what was skipped', async () => {
    const d = tmp('lib');
    // A models dir with only the object detector.
    const partial = tmp('models');
    mkdirSync(join(partial, 'object-detection'));
    symlinkSync(
      join(MODELS, 'object-detection', 'yolox_nano_coco.onnx'),
      join(partial, 'object-detection', 'yolox_nano_coco.onnx'),
    );
    const env = { HEARTH_ML: 'on', HEARTH_MODELS_DIR: partial };
    expect((await runCli(['--data-dir', d, 'init'], { env })).code).toBe(0);
    const src = photos();
    const imp = await runCli(['--data-dir', d, 'import', src], { env });
    expect(imp.code, imp.stderr).toBe(0);
    const st = await runCli(['--data-dir', d, 'status'], { env });
    expect(st.stdout).toMatch(/ml faces: disabled: .*yunet.*hearth models install/);
    expect(st.stdout).toMatch(/ml tags: on/);
    expect(st.stdout).toMatch(/ml clip: disabled: .*clip\/visual\.onnx.*cannot be downloaded/);
    let byName = await ls(d, env);
    expect(byName.get('dog-bicycle-car.jpg')?.ml?.tags?.map((t) => t.label)).toContain('dog');
    expect(byName.get('group-bbt1.jpg')?.ml?.faces).toBeUndefined();

    // With every model present, the next run derives the faces it could not before.
    const full = { HEARTH_ML: 'on', HEARTH_MODELS_DIR: MODELS };
    const again = await runCli(['--data-dir', d, 'import', src], { env: full });
    expect(again.code, again.stderr).toBe(0);
    byName = await ls(d, full);
    expect(byName.get('group-bbt1.jpg')?.ml?.faces).toBe(4);
  });

  it("the daemon clusters faces into the synced people document; a user's rename, merge and reassignment survive the next run with more faces", async () => {
    const d = tmp('lib');
    const env = { HEARTH_ML: 'on', HEARTH_MODELS_DIR: MODELS };
    expect((await runCli(['--data-dir', d, 'init'], { env })).code).toBe(0);
    // First the 40 crops of 8 people.
    const crops = tmp('crops');
    cpSync(join(IMAGES, 'faces-faceapi'), crops, { recursive: true });
    expect((await runCli(['--data-dir', d, 'import', crops], { env })).code).toBe(0);
    expect(await daemonPeople(d, env, 40)).toMatch(/^people: 8 people/);

    // What the user decides on a device (here straight in the node's stored document).
    const byName = await ls(d, env);
    const face = (people: PeopleCatalog, file: string) => {
      const key = `${byName.get(file)?.id}/0`;
      return { key, person: people.faceAssignments().get(key) as PersonId };
    };
    const before = await withPeople(d, (people) => {
      const amy = face(people, 'amy1.png');
      const penny = face(people, 'penny1.png');
      const raj = face(people, 'raj1.png');
      expect(new Set([amy.person, penny.person, raj.person]).size).toBe(3);
      people.rename(amy.person, 'Amy');
      people.merge(penny.person, amy.person);
      people.assignFace(raj.key, amy.person);
      return { amy, penny, raj, sheldon: face(people, 'sheldon1.png'), list: people.list() };
    });
    expect(before.list).toHaveLength(7); // 8 people, Penny merged into Amy

    // More photos (with 6 more faces), and a new daemon run.
    expect((await runCli(['--data-dir', d, 'import', photos()], { env })).code).toBe(0);
    await daemonPeople(d, env, 46);
    await withPeople(d, (people) => {
      const s = people.read();
      expect(s.people[before.amy.person]?.name).toBe('Amy');
      expect(s.people[before.penny.person]?.mergedInto).toBe(before.amy.person);
      const now = people.faceAssignments();
      expect(now.get(before.raj.key)).toBe(before.amy.person);
      expect(now.get(before.penny.key)).toBe(before.amy.person);
      expect(now.get(before.sheldon.key)).toBe(before.sheldon.person);
      const amy = people.list().find((p) => p.id === before.amy.person);
      expect(amy?.faces).toBeGreaterThanOrEqual(11); // 5 + 5 + raj1
      expect(people.list().some((p) => p.id === before.penny.person)).toBe(false);
    });
  });

  it("with a CLIP model in the models dir, the clip step stores each photo's embedding shard; text search ranks them", async () => {
    const models = modelsWithTinyClip(MODELS, tmp('models'));
    const src = tmp('colours');
    const colours = { red: [220, 30, 30], green: [30, 200, 40], blue: [30, 40, 220] } as const;
    for (const [name, [r, g, b]] of Object.entries(colours))
      await sharp({ create: { width: 320, height: 240, channels: 3, background: { r, g, b } } })
        .jpeg()
        .toFile(join(src, `${name}.jpg`));
    const d = tmp('lib');
    const env = { HEARTH_ML: 'on', HEARTH_MODELS_DIR: models };
    expect((await runCli(['--data-dir', d, 'init'], { env })).code).toBe(0);
    const imp = await runCli(['--data-dir', d, 'import', src], { env });
    expect(imp.code, imp.stderr).toBe(0);
    const st = await runCli(['--data-dir', d, 'status'], { env });
    expect(st.stdout).toMatch(/ml clip: on \(clip-vit-b32-visual@openai\)/);
    expect(st.stdout).toMatch(/clip: 3 done, 0 to do/);

    // Each photo's `clip` blob is an embedding shard; search them with the text encoder.
    const byName = await ls(d, env);
    const runtime = createDefaultRuntime();
    const loader = createModelLoader({ store: createFsModelStore(models), runtime });
    const query = (await createClipEncoder(loader).embedText('a photo of something green')).vector;
    const rows = readFileSync(join(d, 'catalog', 'catalog.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"kind":"clip"'))
      .map((l) => (JSON.parse(l) as { rec: { asset: string; blobs: Record<string, string> } }).rec);
    expect(rows).toHaveLength(3);
    const scores: [string, number][] = [];
    for (const r of rows) {
      const { index, model } = loadVectorShard(runtime, await storedBytes(d, r.blobs['clip'] ?? ''));
      expect(model).toBe('clip-vit-b32-visual@openai');
      expect(index.dims).toBe(512);
      const [hit] = await index.search(query, 1);
      const file = [...byName.values()].find((a) => a.id === hit?.id)?.fileName ?? '?';
      expect(byName.get(file)?.ml?.clip).toEqual({ model: 'clip-vit-b32-visual@openai', dims: 512 });
      scores.push([file, hit?.score ?? -1]);
      await index.stop();
    }
    await loader.stop();
    expect(scores.sort((a, b) => b[1] - a[1])[0]?.[0]).toBe('green.jpg');
  });

  it('HEARTH_ML=off runs no ML step and says so', async () => {
    const d = tmp('lib');
    const env = { HEARTH_ML: 'off', HEARTH_MODELS_DIR: MODELS };
    await runCli(['--data-dir', d, 'init'], { env });
    expect((await runCli(['--data-dir', d, 'import', photos()], { env })).code).toBe(0);
    const st = await runCli(['--data-dir', d, 'status'], { env });
    expect(st.stdout).toMatch(/ml: off/);
    expect([...(await ls(d, env)).values()].every((a) => a.ml === undefined)).toBe(true);
  });
});

/** Runs the daemon until its people step has clustered `faces` faces, then stops it. */
async function daemonPeople(dataDir: string, env: Record<string, string>, faces: number): Promise<string> {
  const p = startHomeNode(dataDir, env);
  const [line] = await p.waitFor(new RegExp(`^people: \\d+ people from ${faces} faces.*$`, 'm'), 120_000);
  p.child.kill('SIGTERM');
  expect((await p.exited).code, p.output()).toBe(0);
  return line;
}

/** Opens the node's synced people document from its Automerge storage (the daemon is stopped). */
async function withPeople<T>(dataDir: string, fn: (people: PeopleCatalog) => T): Promise<T> {
  const storage = createCatalogStorage(join(dataDir, 'automerge'));
  const repo = new Repo({ storage });
  try {
    const { url } = JSON.parse(readFileSync(join(dataDir, 'root.json'), 'utf8')) as { url: AutomergeUrl };
    const root = await repo.find<RootDoc>(url);
    const out = fn(await openPeopleCatalog({ repo, root }));
    await repo.flush();
    return out;
  } finally {
    await repo.shutdown();
    await storage.close(); // a late throttled save must not land while the daemon runs on this dir
  }
}
