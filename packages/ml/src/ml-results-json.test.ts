// The one stored form of face, tag, OCR and CLIP results (node blob/value, device result): what is
// written reads back, rounded; anything else from a peer is refused.
import { describe, expect, it } from 'vitest';
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';
import {
  readStoredClip,
  readStoredFaces,
  readStoredOcr,
  readStoredTags,
  storedClip,
  storedFaces,
  storedOcr,
  storedTags,
} from './ml-results-json.ts';
import { createVectorIndex } from './vector-index.ts';

describe('stored face and tag results', () => {
  it('round-trips, rounded to 3 decimals; refuses malformed JSON', () => {
    const p = { x: 1.23456, y: 2 };
    const faces = storedFaces({
      models: { detector: 'yunet@1', embedder: 'mfn@1' },
      faces: [
        {
          box: { x: 1, y: 2, width: 3, height: 4 },
          score: 0.987654,
          landmarks: [p, p, p, p, p],
          embedding: new Float32Array([0.6, 0.8]),
        },
      ],
    });
    expect(faces.faces[0]).toMatchObject({ score: 0.988, embedding: [0.6, 0.8] });
    expect(faces.faces[0]!.landmarks[0]).toEqual({ x: 1.235, y: 2 });
    expect(readStoredFaces(JSON.stringify(faces))).toEqual(faces);
    const tags = storedTags({ model: 'y@1', detections: [], tags: [{ label: 'dog', confidence: 0.81234 }] });
    expect(readStoredTags(JSON.stringify(tags))).toEqual([{ label: 'dog', confidence: 0.812 }]);

    for (const bad of ['', '{', '[]', '{"models":{},"faces":[]}', JSON.stringify({ ...faces, faces: [{}] })])
      expect(readStoredFaces(bad)).toBeUndefined();
    for (const bad of ['', '{}', '[{"label":"dog"}]', '[{"label":1,"confidence":1}]'])
      expect(readStoredTags(bad)).toBeUndefined();
  });
});

describe('stored OCR and CLIP results', () => {
  it('OCR text round-trips; anything else is refused', () => {
    const json = JSON.stringify(storedOcr({ text: 'Invoice #12345\ntotal 99.50' }));
    expect(readStoredOcr(json)).toEqual({ text: 'Invoice #12345\ntotal 99.50' });
    for (const bad of ['', '{', '"text"', '{"text":1}', '[]']) expect(readStoredOcr(bad)).toBeUndefined();
  });

  it('a CLIP result is the one-vector shard of its asset, byte for byte; other shards are refused', async () => {
    const runtime = createOnnxNodeRuntime();
    const asset = 'a'.repeat(64);
    const index = createVectorIndex(runtime, 512, { scoring: 'js' });
    index.add(
      asset,
      Float32Array.from({ length: 512 }, (_, i) => Math.sin(i)),
    );
    const shard = index.toShard('clip-vit-b32-visual@openai');
    const json = JSON.stringify(storedClip(shard));
    // Smaller than the vector as a list of rounded numbers would be.
    expect(json.length).toBeLessThan(1000);
    expect(readStoredClip(json, asset)).toEqual(shard);
    expect(readStoredClip(json, 'b'.repeat(64))).toBeUndefined(); // another asset's vector
    index.add('b'.repeat(64), new Float32Array(512).fill(1));
    const two = JSON.stringify(storedClip(index.toShard('m@1')));
    expect(readStoredClip(two, asset)).toBeUndefined();
    const cut = JSON.stringify(storedClip(shard.subarray(0, shard.length - 1)));
    for (const bad of ['', '{}', '{"shard":"!!"}', '{"shard":"AAAA"}', cut])
      expect(readStoredClip(bad, asset)).toBeUndefined();
    await index.stop();
  });
});
