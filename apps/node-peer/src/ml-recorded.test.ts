// Pruning devices' own results, the node's half: it records which kinds it holds results of
// its own for (current models, not failed) for assets devices have entries for; once the
// device removed its entry, the record goes too; nothing changes, nothing is written.
import type { Repo } from '@automerge/automerge-repo';
import { openMlCatalog, type AssetId, type BlobHash } from '@hearth/sync';
import { createTestRoot, memoryRepo } from '@hearth/sync/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { DerivedRecord } from './asset-record.ts';
import { recordOwnResults } from './ml-recorded.ts';

const repos: Repo[] = [];
afterEach(async () => {
  for (const r of repos.splice(0)) await r.shutdown();
});
const [A, B] = ['a'.repeat(64), 'b'.repeat(64)];
const keys = {
  faces: 'yunet-n@2023mar+faceplugin-512@0.0.1',
  tags: 'yolox-nano@coco80-1',
  ocr: 'ocr@4',
  clip: 'clip@1',
};

describe('recordOwnResults', () => {
  it('records the kinds the node holds by current models for assets with device results; drops the record once they are gone', async () => {
    const repo = memoryRepo('node');
    repos.push(repo);
    const ml = await openMlCatalog({ repo, root: createTestRoot(repo) });
    const derived = new Map<string, Map<string, DerivedRecord>>();
    const rec = (asset: string, kind: string, model: string, failed?: string): DerivedRecord => ({
      asset: asset as AssetId,
      kind,
      version: 1,
      blobs: {} as Record<string, BlobHash>,
      values: { model },
      ...(failed ? { failed } : {}),
    });
    const journal = { derived: (id: AssetId) => derived.get(id) ?? new Map<string, DerivedRecord>() };
    const run = () => recordOwnResults({ journal, keys, ml });

    for (const kind of ['faces', 'tags', 'ocr', 'clip'] as const)
      ml.setDeviceResult('phone', A, kind, { model: keys[kind], json: '{}' });
    ml.setDeviceResult('phone', B, 'tags', { model: keys.tags, json: '[]' });
    expect(run()).toBe(0); // the node has nothing of its own yet
    derived.set(
      A,
      new Map([
        ['faces', rec(A, 'faces', keys.faces)],
        ['tags', rec(A, 'tags', 'yolox-nano@old')], // another model: not the current result
        ['ocr', rec(A, 'ocr', keys.ocr, 'cannot decode')],
        ['clip', rec(A, 'clip', keys.clip)],
        ['images', rec(A, 'images', 'x')],
      ]),
    );
    derived.set(B, new Map([['tags', rec(B, 'tags', keys.tags)]]));
    expect(run()).toBe(2);
    expect(ml.read().recorded).toEqual(
      new Map([
        [A, ['clip', 'faces']],
        [B, ['tags']],
      ]),
    );
    expect(run()).toBe(0);

    // The device removed what the node holds (device-analysis.ts): B has no entry left.
    ml.setDeviceResult('phone', B, 'tags', undefined);
    ml.setDeviceResult('phone', A, 'faces', undefined);
    ml.setDeviceResult('phone', A, 'clip', undefined);
    expect(ml.read().deviceResults.has(B)).toBe(false);
    expect(run()).toBe(1); // B dropped; A's device entry still has tags and OCR
    expect(ml.read().recorded).toEqual(new Map([[A, ['clip', 'faces']]]));
    derived.get(A)!.set('tags', rec(A, 'tags', keys.tags));
    expect(run()).toBe(1);
    expect(ml.read().recorded.get(A)).toEqual(['clip', 'faces', 'tags']);
    ml.setDeviceResult('phone', A, 'tags', undefined);
    ml.setDeviceResult('phone', A, 'ocr', undefined);
    expect(run()).toBe(1);
    expect(ml.read().recorded.size).toBe(0);
  });
});
