// The one stored form of face and tag results (node blob/value, device result): what is
// written reads back, rounded; anything else from a peer is refused.
import { describe, expect, it } from 'vitest';
import { readStoredFaces, readStoredTags, storedFaces, storedTags } from './ml-results-json.ts';

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
