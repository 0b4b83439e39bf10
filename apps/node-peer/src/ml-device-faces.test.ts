// A device's faces join a person: a phone analysed two photos of Amy itself (the same YuNet and
// face embedder, here on onnxruntime-node, under the node's model key) and recorded them in the
// ML document's devices map; the node adopts them through the document (`deviceResultsOf`, as
// the daemon wires it) without running its models — their originals do not exist here — and
// the node's clustering (`createPeopleSync`, writing the synced people document) puts them into
// the person of the three photos of Amy the node analysed itself, not into anyone else's.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Repo } from '@automerge/automerge-repo';
import { createFacePipeline, createModelLoader, storedFaces } from '@hearth/ml';
import { createFsModelStore, createOnnxNodeRuntime, decodeImage } from '@hearth/ml/platform';
import { openMlCatalog, openPeopleCatalog, type AssetId, type BlobHash } from '@hearth/sync';
import { createTestRoot, memoryRepo } from '@hearth/sync/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssetRecord, DerivedRecord } from './asset-record.ts';
import { deviceResultsOf } from './ml-projection.ts';
import { createMlSteps, type MlSteps } from './ml-steps.ts';
import { createPeopleSync } from './people-sync.ts';

const MODELS = process.env['HEARTH_MODELS_DIR'] ?? join(import.meta.dirname, '../../../../shared/models');
const FACES = join(MODELS, 'test-images/faces-faceapi');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let ml: MlSteps | undefined;
const repos: Repo[] = [];
afterEach(async () => {
  await ml?.stop();
  ml = undefined;
  for (const r of repos.splice(0)) await r.shutdown();
});

describe.skipIf(!existsSync(FACES))(
  'a device’s faces join a person on the node',
  { timeout: 120_000 },
  () => {
    it('faces a device found, adopted by the node, cluster into the same person as that person’s node-analysed faces', async () => {
      const repo = memoryRepo('node');
      repos.push(repo);
      const root = createTestRoot(repo);
      const doc = await openMlCatalog({ repo, root });
      ml = await createMlSteps({ modelsDir: MODELS, kinds: ['faces'] });
      const step = ml.steps.find((s) => s.kind === 'faces')!;
      ml.adoptDeviceResults(deviceResultsOf(doc, 100));

      // The phone's analysis: the same models under the node's key (what device-analysis.ts records).
      const phone = createModelLoader({
        store: createFsModelStore(MODELS),
        runtime: createOnnxNodeRuntime(),
      });
      const pipeline = createFacePipeline(phone);
      const byDevice = ['amy4.png', 'amy5.png'];
      const files = readdirSync(FACES)
        .filter((f) => /^(amy|bernadette|howard)\d\.png$/.test(f))
        .sort();
      const ids = new Map(files.map((f) => [f, sha(readFileSync(join(FACES, f)))]));
      for (const f of byDevice) {
        const json = JSON.stringify(storedFaces(await pipeline.analyze(await decodeImage(join(FACES, f)))));
        doc.setDeviceResult('phone', ids.get(f)!, 'faces', { model: step.key!, json });
      }
      await phone.stop();

      // The node's reconcile: its faces step on each photo; the phone's have no original here.
      const assets: AssetRecord[] = [];
      const derived = new Map<string, DerivedRecord>();
      const blobs = new Map<string, Uint8Array>();
      for (const f of files) {
        const id = ids.get(f)! as AssetId;
        const asset = {
          id,
          original: id as string as BlobHash,
          type: 'photo',
          mime: 'image/png',
          size: 1,
          fileName: f,
          importedAt: 0,
        } satisfies AssetRecord;
        const path = byDevice.includes(f) ? `/nonexistent/${f}` : join(FACES, f);
        const out = await step.run(asset, { originalPath: path, signal: new AbortController().signal });
        expect(out.values?.['by'], f).toBe(byDevice.includes(f) ? 'device' : undefined);
        const bytes = out.blobs['faces']!;
        blobs.set(sha(bytes), bytes);
        assets.push(asset);
        derived.set(id, {
          asset: id,
          kind: 'faces',
          version: 1,
          blobs: { faces: sha(bytes) as BlobHash },
          values: out.values!,
        });
      }
      const journal = {
        assets: () => assets.values(),
        derived: (id: AssetId) => new Map(derived.has(id) ? [['faces', derived.get(id)!]] : []),
      };
      const sync = createPeopleSync({
        journal,
        readBlob: async (h) => blobs.get(h)!,
        modelKey: step.key!,
        people: () => openPeopleCatalog({ repo, root }),
      });
      const run = await sync.run();
      expect(run.faces).toBe(files.length);
      const people = await openPeopleCatalog({ repo, root });
      const person = (f: string) => people.faceAssignments().get(`${ids.get(f)}/0`);
      const amy = person('amy1.png');
      expect(amy).toBeDefined();
      for (const f of ['amy2.png', 'amy3.png', ...byDevice]) expect(person(f), f).toBe(amy);
      for (const f of files.filter((x) => !x.startsWith('amy'))) expect(person(f), f).not.toBe(amy);
    });
  },
);
