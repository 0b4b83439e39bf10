import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '@hearth/node-peer/testing';

const MODELS = process.env['HEARTH_MODELS_DIR'] ?? resolve(import.meta.dirname, '../../shared/models');
const IMAGES = join(MODELS, 'test-images');
const hasModels = existsSync(join(MODELS, 'face-detection')) && existsSync(IMAGES);
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `hearth-ml-${p}-`));

interface LsMl {
  fileName: string;
  ml?: { faces?: number; tags?: { label: string; confidence: number }[]; text?: string };
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
    const blobFile = findFile(join(d, 'blobs'), hash);
    const doc = JSON.parse(readFileSync(blobFile, 'utf8')) as {
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

/** The blob file named by its hash somewhere under the store's root. */
function findFile(root: string, hash: string): string {
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true }))
    if (e.isFile() && e.name.startsWith(hash)) return join(e.parentPath, e.name);
  throw new Error(`blob ${hash} not found under ${root}`);
}
