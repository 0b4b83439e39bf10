import { afterEach, describe, expect, it } from 'vitest';
import type { Repo } from '@automerge/automerge-repo';
import type { BlobHash } from '../ids.ts';
import { InvalidCatalogInputError } from './catalog-errors.ts';
import { findMlCatalog, mlDocUrl, openMlCatalog } from './ml-catalog.ts';
import { readMlState } from './ml-doc.ts';
import type { RootDoc } from './root-doc.ts';
import { createTestRoot, linkRepos, memoryRepo, waitUntil } from './test-library.ts';

const repos: Repo[] = [];
afterEach(async () => {
  for (const r of repos.splice(0)) await r.shutdown();
});

const H = (c: string) => c.repeat(64) as BlobHash;

describe('ML document', { timeout: 30_000 }, () => {
  it('the node creates it at its deterministic URL; a device finds it once the root lists it and sees every month ref', async () => {
    const nodeRepo = memoryRepo('node');
    const phone = memoryRepo('phone');
    repos.push(nodeRepo, phone);
    const root = createTestRoot(nodeRepo);
    linkRepos(nodeRepo, phone);
    const rootOnPhone = await phone.find<RootDoc>(root.url);
    expect(await findMlCatalog({ repo: phone, root: rootOnPhone })).toBeUndefined();

    const ml = await openMlCatalog({ repo: nodeRepo, root, now: () => 5 });
    expect(ml.url).toBe(await mlDocUrl('test-library-0001'));
    expect(root.doc().ml).toBe(ml.url);
    ml.setMonth('text', '2024-07', { hash: H('a'), models: 'yolox@1;ppocr@4', source: 's1', assets: 3 });
    ml.setMonth('clip', '2024-07', { hash: H('b'), models: 'clip@1', source: 's2', assets: 3 });
    ml.setMonth('text', '2024-08', { hash: H('c'), models: 'yolox@1', source: 's3', assets: 1 });
    // A rebuilt month replaces its ref; a month left without results loses it.
    ml.setMonth('text', '2024-07', { hash: H('d'), models: 'yolox@2;ppocr@4', source: 's4', assets: 4 });
    ml.setMonth('text', '2024-08', undefined);

    const rootChanged = (wake: () => void) => {
      rootOnPhone.on('change', wake);
      return () => rootOnPhone.off('change', wake);
    };
    await waitUntil(() => rootOnPhone.doc()?.ml === ml.url, [rootChanged]);
    const seen = await findMlCatalog({ repo: phone, root: rootOnPhone });
    await waitUntil(() => seen?.read().clip.size === 1, [(w) => seen!.onChange(w)]);
    const s = seen!.read();
    expect([...s.text.keys()]).toEqual(['2024-07']);
    expect(s.text.get('2024-07')).toEqual({
      hash: H('d'),
      models: 'yolox@2;ppocr@4',
      source: 's4',
      assets: 4,
      updatedAt: 5,
    });
    expect(s.clip.get('2024-07')?.hash).toBe(H('b'));
  });

  it('refuses a bad month or hash, and skips malformed entries from a peer', async () => {
    const repo = memoryRepo('a');
    repos.push(repo);
    const ml = await openMlCatalog({ repo, root: createTestRoot(repo) });
    const ref = { hash: H('a'), models: 'm@1', source: 's', assets: 1 };
    expect(() => ml.setMonth('text', '2024-13', ref)).toThrow(InvalidCatalogInputError);
    expect(() => ml.setMonth('text', '2024-01', { ...ref, hash: 'xyz' as BlobHash })).toThrow(
      InvalidCatalogInputError,
    );
    expect(ml.read().text.size).toBe(0);
    const r = readMlState({
      schema: 1,
      kind: 'ml',
      text: { '2024-01': { hash: H('a'), models: 'm', source: 's', assets: 1, updatedAt: 1 }, nope: {} },
      clip: { '2024-02': { hash: 'short' } },
    });
    expect(r.ok && [...r.value.text.keys()]).toEqual(['2024-01']);
    expect(r.ok && r.value.invalid).toHaveLength(2);
    expect(readMlState({ kind: 'people' }).ok).toBe(false);
  });

  it('publishes model files by task (a document without models reads as none); refuses a bad key or hash', async () => {
    const repo = memoryRepo('a');
    repos.push(repo);
    const ml = await openMlCatalog({ repo, root: createTestRoot(repo), now: () => 7 });
    expect(ml.read().models.size).toBe(0);
    ml.setModel('clip-text', { key: 'clip-vit-b32-textual@openai', hash: H('e'), bytes: 100 });
    ml.setModel('clip-vocab', { key: 'clip-bpe@16e6', hash: H('f'), bytes: 10 });
    ml.setModel('clip-vocab', undefined);
    expect([...ml.read().models]).toEqual([
      ['clip-text', { key: 'clip-vit-b32-textual@openai', hash: H('e'), bytes: 100, updatedAt: 7 }],
    ]);
    expect(() => ml.setModel('clip-text', { key: 'no-version', hash: H('e'), bytes: 1 })).toThrow(
      InvalidCatalogInputError,
    );
    expect(() => ml.setModel('clip-text', { key: 'a@1', hash: 'xyz' as BlobHash, bytes: 1 })).toThrow(
      InvalidCatalogInputError,
    );
    const r = readMlState({
      schema: 1,
      kind: 'ml',
      text: {},
      clip: {},
      models: { 'clip-text': { key: 'a@1', hash: 'short', bytes: 1, updatedAt: 1 } },
    });
    expect(r.ok && r.value.models.size).toBe(0);
    expect(r.ok && r.value.invalid).toEqual(['models[clip-text] malformed']);
  });

  it('a device that never reached the node creates the document, records its own results; both copies merge, the node reads them', async () => {
    const nodeRepo = memoryRepo('node');
    const phone = memoryRepo('phone');
    repos.push(nodeRepo, phone);
    const root = createTestRoot(nodeRepo);
    // The phone has the root (paired earlier) but not the ML document: the node made none yet.
    const link = linkRepos(nodeRepo, phone);
    const rootOnPhone = await phone.find<RootDoc>(root.url);
    link.disconnect();
    const mine = await openMlCatalog({ repo: phone, root: rootOnPhone, now: () => 3 });
    mine.setDeviceResult('phone-1', H('a'), 'tags', { model: 'yolox-nano@1', json: '[{"label":"dog"}]' });
    mine.setDeviceResult('phone-1', H('a'), 'faces', { model: 'yunet@1+mfn@1', json: '{"faces":[]}' });
    mine.setDeviceResult('phone-1', H('b'), 'tags', { model: 'yolox-nano@1', json: '[]' });
    mine.setDeviceResult('phone-1', H('b'), 'tags', undefined);
    // Meanwhile the node makes its own (the same genesis) and writes a month.
    const ml = await openMlCatalog({ repo: nodeRepo, root });
    expect(ml.url).toBe(mine.url);
    ml.setMonth('text', '2024-07', { hash: H('c'), models: 'm@1', source: 's', assets: 1 });
    link.connect();
    await waitUntil(() => ml.read().deviceResults.size === 1, [(w) => ml.onChange(w)]);
    const a = ml.read().deviceResults.get(H('a'));
    expect(a?.get('tags')?.get('phone-1')).toEqual({
      model: 'yolox-nano@1',
      json: '[{"label":"dog"}]',
      at: 3,
    });
    expect(a?.get('faces')?.get('phone-1')?.model).toBe('yunet@1+mfn@1');
    await waitUntil(() => mine.read().text.size === 1, [(w) => mine.onChange(w)]);
    expect(() => mine.setDeviceResult('phone-1', 'xyz', 'tags', undefined)).toThrow(InvalidCatalogInputError);
    expect(() =>
      mine.setDeviceResult('phone-1', H('a'), 'tags', { model: 'no-version', json: '[]' }),
    ).toThrow(InvalidCatalogInputError);
    const r = readMlState({
      schema: 1,
      kind: 'ml',
      text: {},
      clip: {},
      devices: {
        d: {
          [H('a')]: { tags: { model: 'm@1', json: '[]', at: 1 }, colour: { model: 'm@1', json: '', at: 1 } },
          e: 5,
        },
      },
    });
    expect(r.ok && [...(r.value.deviceResults.get(H('a'))?.keys() ?? [])]).toEqual(['tags']);
    expect(r.ok && r.value.invalid).toEqual([
      `devices[d][${H('a')}][colour] malformed`,
      'devices[d][e] malformed',
    ]);
  });
});
