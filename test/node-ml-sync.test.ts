/**
 * ML results reach a paired device: a real `hearth start` on the shared test photos, and a
 * second catalog peer (libp2p + automerge-repo in this process, paired like a phone) that
 * gets the synced ML document and people document, then the month blobs over the node's
 * HTTP blob endpoint, and finds tags, OCR text, people and CLIP rankings in them.
 */
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { findMlCatalog, openPeopleCatalog, requestBlobToken, type MlCatalog } from '@hearth/sync';
import { createPeerNode } from '@hearth/sync/platform';
import { pairTestPeer, waitUntil } from '@hearth/sync/testing';
import {
  createClipEncoder,
  createModelLoader,
  decodeMlMonthText,
  loadVectorShard,
  mergeVectorShards,
  type MlAssetText,
} from '@hearth/ml';
import { createDefaultRuntime, createFsModelStore } from '@hearth/ml/platform';
import { modelsWithTinyClip } from './support/tiny-clip-models.ts';
import { peerIdFromString } from '@libp2p/peer-id';
import sharp from 'sharp';
import { runCli } from '@hearth/node-peer/testing';
import { startHomeNode, testDir } from './support/test-cleanup.ts';

const MODELS = process.env['HEARTH_MODELS_DIR'] ?? resolve(import.meta.dirname, '../../shared/models');
const IMAGES = join(MODELS, 'test-images');
const hasModels = existsSync(join(MODELS, 'face-detection')) && existsSync(IMAGES);
const tmp = (p: string) => testDir(`mlsync-${p}`);

/** The four test photos, 15 face crops of 3 people, and three single-colour photos. */
async function photos(): Promise<string> {
  const dir = tmp('in');
  for (const f of readdirSync(IMAGES).filter((n) => n.endsWith('.jpg')))
    cpSync(join(IMAGES, f), join(dir, f));
  for (const who of ['amy', 'penny', 'raj'])
    for (let i = 1; i <= 5; i++)
      cpSync(join(IMAGES, 'faces-faceapi', `${who}${i}.png`), join(dir, `${who}${i}.png`));
  const colours = { red: [220, 30, 30], green: [30, 200, 40], blue: [30, 40, 220] } as const;
  for (const [name, [r, g, b]] of Object.entries(colours))
    await sharp({ create: { width: 320, height: 240, channels: 3, background: { r, g, b } } })
      .jpeg()
      .toFile(join(dir, `${name}.jpg`));
  return dir;
}

describe.skipIf(!hasModels)(`ML results on a paired device (needs ${MODELS})`, () => {
  it(
    'a paired peer gets machine tags, OCR text, people and CLIP month shards of the home node',
    { timeout: 480_000 },
    async () => {
      const models = modelsWithTinyClip(MODELS, tmp('models'));
      const env = { HEARTH_ML: 'on', HEARTH_MODELS_DIR: models };
      const d = tmp('lib');
      expect((await runCli(['--data-dir', d, 'init'], { env })).code).toBe(0);
      const imp = await runCli(['--data-dir', d, 'import', await photos()], { env });
      expect(imp.code, imp.stderr).toBe(0);
      const ids = new Map<string, string>();
      const ls = await runCli(['--data-dir', d, 'ls', '--json'], { env });
      for (const l of ls.stdout.trim().split('\n')) {
        const a = JSON.parse(l) as { id: string; fileName: string };
        ids.set(a.fileName, a.id);
      }
      expect(ids.size).toBe(22);

      const daemon = startHomeNode(d, env);
      await daemon.waitFor(/^ready$/m, 120_000);
      const [, httpUrl] = (await daemon.waitFor(/Serving the app at (\S+)/)) as unknown as [string, string];
      // 15 crops of 3 people, 4 faces in the group photo, 2 in ultraface (unknown people may form more).
      const [, found] = (await daemon.waitFor(
        /^people: (\d+) people from 21 faces/m,
        120_000,
      )) as unknown as [string, string];

      // The phone: a libp2p node and an automerge repo of its own, paired with a code.
      const offer = JSON.parse((await runCli(['--data-dir', d, 'pair', '--json'])).stdout) as {
        link: string;
      };
      const {
        node: phone,
        repo,
        grant,
        root,
        stop,
      } = await pairTestPeer(createPeerNode, offer.link, 'Test phone');
      onTestFinished(stop);
      const rootChanged = (wake: () => void) => {
        root.on('change', wake);
        return () => root.off('change', wake);
      };
      await waitUntil(
        () => Boolean(root.doc()?.ml && root.doc()?.people),
        [rootChanged],
        30_000,
        'root lists ml + people',
      );

      // The ML document: per capture month, a blob of tags + OCR text and a CLIP shard.
      const ml = (await findMlCatalog({ repo, root })) as MlCatalog;
      await waitUntil(
        () => ml.read().text.size > 0 && ml.read().clip.size > 0,
        [ml.onChange],
        30_000,
        'ml months',
      );
      const state = ml.read();
      expect(state.invalid).toEqual([]);
      const { token } = await requestBlobToken(phone, peerIdFromString(grant.homeNode));
      const blob = async (hash: string) => {
        const res = await fetch(new URL(`/blobs/${hash}`, httpUrl), {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(res.status).toBe(200);
        const bytes = new Uint8Array(await res.arrayBuffer());
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(hash);
        return bytes;
      };
      const text: Record<string, MlAssetText> = {};
      for (const ref of state.text.values())
        Object.assign(text, (await decodeMlMonthText(await blob(ref.hash))).assets);
      const tags = (file: string) => text[ids.get(file) ?? '']?.tags?.map((t) => t.label) ?? [];
      expect(tags('dog-bicycle-car.jpg')).toEqual(expect.arrayContaining(['dog', 'bicycle', 'car']));
      expect(text[ids.get('synthetic-text.jpg') ?? '']?.ocr).toMatch(/12345/);
      expect([...state.text.values()][0]?.models).toMatch(/^tags=yolox.*;ocr=/);

      // People: the synced people document names the photos' faces (face keys are assetId/index).
      const people = await openPeopleCatalog({ repo, root });
      await waitUntil(() => people.list().length === Number(found), [people.onChange], 30_000, 'people');
      const byFace = people.faceAssignments();
      const personOf = (file: string) => byFace.get(`${ids.get(file)}/0`);
      expect(new Set(['amy1.png', 'amy2.png', 'amy5.png'].map(personOf)).size).toBe(1);
      expect(personOf('amy1.png')).not.toBe(personOf('raj1.png'));
      // `hearth status` counts the people document's people (the daemon's figure), merges included.
      people.merge(personOf('raj1.png')!, personOf('amy1.png')!);
      await expect
        .poll(
          async () =>
            (
              JSON.parse((await runCli(['--data-dir', d, 'status', '--json'], { env })).stdout) as {
                ml: { people: number };
              }
            ).ml.people,
          { timeout: 60_000, interval: 1000 },
        )
        .toBe(Number(found) - 1);

      // CLIP: the month shard holds every photo's embedding; a text query ranks the green photo first.
      const runtime = createDefaultRuntime();
      const loader = createModelLoader({ store: createFsModelStore(models), runtime });
      onTestFinished(() => loader.stop());
      // One shard per capture month (some test photos carry EXIF dates); a device joins what it holds.
      const shards = await Promise.all([...state.clip.values()].map((r) => blob(r.hash)));
      const { index, model } = loadVectorShard(runtime, mergeVectorShards(shards), { scoring: 'js' });
      expect(model).toBe('clip-vit-b32-visual@openai');
      expect(index.size).toBe(22);
      expect([...state.clip.values()].reduce((n, r) => n + r.assets, 0)).toBe(22);
      const q = (await createClipEncoder(loader).embedText('a photo of something green')).vector;
      const [hit] = await index.search(q, 1);
      expect(hit?.id).toBe(ids.get('green.jpg'));

      // With the daemon stopped, `hearth status` reads the stored people document (merge included).
      await repo.flush();
      daemon.child.kill('SIGTERM');
      expect((await daemon.exited).code, daemon.output()).toBe(0);
      const st = JSON.parse((await runCli(['--data-dir', d, 'status', '--json'], { env })).stdout) as {
        ml: { people: number; peopleFrom: string };
      };
      expect(st.ml).toMatchObject({ people: Number(found) - 1, peopleFrom: 'document' });
    },
  );
});
