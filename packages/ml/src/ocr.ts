/**
 * OCR with PaddleOCR PP-OCRv4 (det + cls + rec). Detection: DB probability map → binarise →
 * connected components → axis-aligned boxes, kept when their mean score is high, then
 * unclipped (area·1.5/perimeter). As PaddleOCR does, a box 1.5× taller than wide is turned
 * 90° (vertical or sideways text), then the direction classifier turns lines it finds
 * upside down (≥ 0.9) by 180°. Recognition: each line resized to height 48, CTC greedy
 * decode over `ppocr_keys_v1.txt`. Without the classifier's file, lines are read as found.
 */
import { ModelMissingError } from './errors.ts';
import { float32Tensor, outputFloat32 } from './inference-session.ts';
import type { LoadedModel, ModelLoader } from './model-loader.ts';
import { modelKey } from './model-registry.ts';
import type { Box } from './nms.ts';
import { letterboxNchw, resizeBilinear, type Normalization, type RgbImage } from './rgb-image.ts';
import { crop, rotate180, rotate90ccw } from './rgb-rotate.ts';
import { createTensorBuffers, type TensorBuffers } from './tensor-buffers.ts';
import { textBoxes } from './text-boxes.ts';

export { rotate180, rotate90ccw } from './rgb-rotate.ts';
export { textBoxes } from './text-boxes.ts';

export interface OcrLine {
  readonly text: string;
  readonly confidence: number;
  readonly box: Box;
}

export interface OcrResult {
  readonly lines: OcrLine[];
  /** All lines joined, for search. */
  readonly text: string;
  /** e.g. 'ppocr-v4-det@4+ppocr-v4-rec@4+ppocr-mobile-v2-cls@2.0' */
  readonly model: string;
}

export interface OcrOptions {
  readonly maxSide?: number;
  readonly binaryThreshold?: number;
  readonly boxThreshold?: number;
  readonly minConfidence?: number;
  /** Direction classifier confidence needed to turn a line 180° (PaddleOCR: 0.9). */
  readonly clsThreshold?: number;
}

export interface TextReader {
  read(img: RgbImage): Promise<OcrResult>;
}

const DET_NORM: Normalization = {
  order: 'rgb',
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};
const REC_NORM: Normalization = { order: 'rgb', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

/** Probability that a line is upside down, from the cls model ([1,3,48,192], (0°, 180°)). */
async function upsideDown(cls: LoadedModel, line: RgbImage, buffers: TensorBuffers): Promise<number> {
  // Height 48, width up to 192, the rest padded with mid-grey (0 after normalisation, as PaddleOCR pads).
  // Long lines are squeezed to 192 wide, not shrunk in height (PaddleOCR's resize_norm_img).
  const w = Math.min(192, Math.ceil((48 * line.width) / line.height));
  const fitted = letterboxNchw(resizeBilinear(line, w, 48), w, 48, cls.spec.normalization ?? REC_NORM);
  const data = buffers.take(3 * 48 * 192);
  try {
    data.fill(0);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 48; y++)
        data.set(fitted.data.subarray((c * 48 + y) * w, (c * 48 + y + 1) * w), (c * 48 + y) * 192);
    const out = outputFloat32(
      await cls.session.run({ [cls.session.inputNames[0] ?? 'x']: float32Tensor(data, [1, 3, 48, 192]) }),
      cls.session.outputNames[0] ?? 'softmax_0.tmp_0',
    );
    return out.data[1] as number;
  } finally {
    buffers.give(data);
  }
}

/** CTC greedy decode: argmax per step, collapse repeats, drop blanks (index 0). */
export function ctcGreedy(
  probs: Float32Array,
  steps: number,
  classes: number,
  keys: readonly string[],
): { text: string; confidence: number } {
  let text = '';
  let conf = 0;
  let n = 0;
  let prev = -1;
  for (let t = 0, base = 0; t < steps; t++, base += classes) {
    let best = 0;
    let bestP = -1;
    for (let c = 0; c < classes; c++) {
      const p = probs[base + c] as number;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== prev) {
      text += best - 1 < keys.length ? keys[best - 1] : ' ';
      conf += bestP;
      n++;
    }
    prev = best;
  }
  return { text, confidence: n ? conf / n : 0 };
}

export function createTextReader(loader: ModelLoader, options: OcrOptions = {}): TextReader {
  const maxSide = options.maxSide ?? 960;
  let keys: Promise<string[]> | undefined;
  // Input tensors, reused from photo to photo and line to line (views when sizes differ).
  const buffers = createTensorBuffers();
  /** The classifier, or undefined when its file is missing (lines are then read as found). */
  const direction = () =>
    loader.session('ocr-direction').catch((err: unknown) => {
      if (err instanceof ModelMissingError) return undefined;
      throw err;
    });
  return {
    async read(img) {
      const det = await loader.session('ocr-detection');
      const rec = await loader.session('ocr-recognition');
      const cls = await direction();
      keys ??= loader.file('ocr-keys').then(({ bytes }) =>
        new TextDecoder()
          .decode(bytes)
          .split('\n')
          .map((l) => l.replace(/\r$/, ''))
          .filter((l, i, a) => l !== '' || i < a.length - 1),
      );
      const charset = await keys;
      const s = Math.min(1, maxSide / Math.max(img.width, img.height));
      const W = Math.max(32, Math.ceil((img.width * s) / 32) * 32);
      const H = Math.max(32, Math.ceil((img.height * s) / 32) * 32);
      const input = buffers.take(3 * W * H);
      let prob: { data: Float32Array; dims: readonly number[] };
      let scale: number;
      try {
        const lb = letterboxNchw(img, W, H, DET_NORM, 0, input);
        scale = lb.scale;
        prob = outputFloat32(
          await det.session.run({ [det.session.inputNames[0] ?? 'x']: float32Tensor(lb.data, [1, 3, H, W]) }),
          det.session.outputNames[0] ?? 'sigmoid_0.tmp_0',
        );
      } finally {
        buffers.give(input);
      }
      const boxes = textBoxes(prob.data, W, H, options.binaryThreshold ?? 0.3, options.boxThreshold ?? 0.6)
        .map((b) => ({ x: b.x / scale, y: b.y / scale, width: b.width / scale, height: b.height / scale }))
        .sort((a, b) => (Math.abs(a.y - b.y) < Math.min(a.height, b.height) / 2 ? a.x - b.x : a.y - b.y));
      const lines: OcrLine[] = [];
      for (const box of boxes) {
        let c = crop(img, box);
        if (c.height >= 1.5 * c.width) c = rotate90ccw(c);
        if (cls && (await upsideDown(cls, c, buffers)) >= (options.clsThreshold ?? 0.9)) c = rotate180(c);
        const rw = Math.max(8, Math.min(1600, Math.round((c.width * 48) / c.height)));
        const input = buffers.take(3 * 48 * rw);
        let out: { data: Float32Array; dims: readonly number[] };
        try {
          const lb = letterboxNchw(c, rw, 48, REC_NORM, 0, input);
          out = outputFloat32(
            await rec.session.run({
              [rec.session.inputNames[0] ?? 'x']: float32Tensor(lb.data, [1, 3, 48, rw]),
            }),
            rec.session.outputNames[0] ?? 'softmax_11.tmp_0',
          );
        } finally {
          buffers.give(input);
        }
        const [, steps = 0, classes = 0] = out.dims;
        const r = ctcGreedy(out.data, steps, classes, charset);
        if (r.text.trim() && r.confidence >= (options.minConfidence ?? 0.5))
          lines.push({ text: r.text.trim(), confidence: r.confidence, box });
      }
      return {
        lines,
        text: lines.map((l) => l.text).join('\n'),
        model: [det, rec, ...(cls ? [cls] : [])].map((m) => modelKey(m.spec)).join('+'),
      };
    },
  };
}
