/**
 * A tiny stand-in for CLIP with the real signature (image [1,3,224,224] float32 → [1,512];
 * text [1,77] int32/int64 → [1,512]), for tests and benchmarks: no CLIP weights can be had
 * here. Its image tower reports mean colour; its text tower maps the words "red", "green",
 * "blue" onto the same colour axes, so "a photo of something red" really ranks a red photo
 * first and the whole pipeline (tokenizer, preprocessing, sessions, normalisation, search)
 * is exercised end to end.
 */
import { buildOnnxModel } from './onnx-model-builder.ts';

/** CLIP token ids of "red", "green", "blue" (checked in clip-tokenizer.test.ts). */
export const COLOUR_TOKENS = { red: 736, green: 1901, blue: 1746 } as const;
const VOCAB = 49408;
const DIMS = 512;

/** Projection [3,512]: colour axis c → dimension c, plus a small spread so vectors are 512-d. */
function projection(): Float32Array {
  const w = new Float32Array(3 * DIMS);
  for (let c = 0; c < 3; c++) {
    w[c * DIMS + c] = 1;
    for (let d = 3; d < DIMS; d++) w[c * DIMS + d] = (((c + 1) * 7919 * d) % 97) / 9700;
  }
  return w;
}

export function tinyClipImageModel(): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: 'image', type: 'float32', dims: [1, 3, 224, 224] }],
    outputs: [{ name: 'image_embeds', type: 'float32', dims: [1, DIMS] }],
    initializers: [{ name: 'W', dims: [3, DIMS], float32: projection() }],
    nodes: [
      { op: 'GlobalAveragePool', inputs: ['image'], outputs: ['pooled'] },
      { op: 'Flatten', inputs: ['pooled'], outputs: ['flat'], attributes: [{ name: 'axis', int: 1 }] },
      { op: 'MatMul', inputs: ['flat', 'W'], outputs: ['image_embeds'] },
    ],
  });
}

export function tinyClipTextModel(tokenType: 'int32' | 'int64' = 'int32'): Uint8Array {
  const table = new Float32Array(VOCAB * 3);
  const set = (id: number, rgb: [number, number, number]) => table.set(rgb, id * 3);
  set(COLOUR_TOKENS.red, [1, -1, -1]);
  set(COLOUR_TOKENS.green, [-1, 1, -1]);
  set(COLOUR_TOKENS.blue, [-1, -1, 1]);
  return buildOnnxModel({
    inputs: [{ name: 'text', type: tokenType, dims: [1, 77] }],
    outputs: [{ name: 'text_embeds', type: 'float32', dims: [1, DIMS] }],
    initializers: [
      { name: 'E', dims: [VOCAB, 3], float32: table },
      { name: 'axes', dims: [1], int64: [1] },
      { name: 'W', dims: [3, DIMS], float32: projection() },
    ],
    nodes: [
      { op: 'Gather', inputs: ['E', 'text'], outputs: ['tok'], attributes: [{ name: 'axis', int: 0 }] },
      {
        op: 'ReduceSum',
        inputs: ['tok', 'axes'],
        outputs: ['sum'],
        attributes: [{ name: 'keepdims', int: 0 }],
      },
      { op: 'MatMul', inputs: ['sum', 'W'], outputs: ['text_embeds'] },
    ],
  });
}
