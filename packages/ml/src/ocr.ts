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

/** Boxes of 4-connected regions above `thr` whose mean probability reaches `boxThr`. */
export function textBoxes(prob: Float32Array, w: number, h: number, thr: number, boxThr: number): Box[] {
  const seen = new Uint8Array(w * h);
  const stack: number[] = [];
  const boxes: Box[] = [];
  for (let start = 0; start < w * h; start++) {
    if (seen[start] || (prob[start] as number) < thr) continue;
    let x0 = w,
      y0 = h,
      x1 = 0,
      y1 = 0,
      sum = 0,
      count = 0;
    stack.push(start);
    seen[start] = 1;
    while (stack.length) {
      const p = stack.pop() as number;
      const x = p % w,
        y = (p - x) / w;
      sum += prob[p] as number;
      count++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (const q of [
        x > 0 ? p - 1 : -1,
        x < w - 1 ? p + 1 : -1,
        y > 0 ? p - w : -1,
        y < h - 1 ? p + w : -1,
      ]) {
        if (q >= 0 && !seen[q] && (prob[q] as number) >= thr) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    const bw = x1 - x0 + 1,
      bh = y1 - y0 + 1;
    if (count < 10 || bh < 3 || sum / count < boxThr) continue;
    // DB unclip: the map marks a shrunk text kernel; grow it back by area·1.5/perimeter.
    const d = (bw * bh * 1.5) / (2 * (bw + bh));
    boxes.push({
      x: Math.max(0, x0 - d),
      y: Math.max(0, y0 - d),
      width: Math.min(w, x1 + 1 + d) - Math.max(0, x0 - d),
      height: Math.min(h, y1 + 1 + d) - Math.max(0, y0 - d),
    });
  }
  return boxes;
}

function crop(img: RgbImage, b: Box): RgbImage {
  const x0 = Math.max(0, Math.floor(b.x)),
    y0 = Math.max(0, Math.floor(b.y));
  const x1 = Math.min(img.width, Math.ceil(b.x + b.width)),
    y1 = Math.min(img.height, Math.ceil(b.y + b.height));
  const w = Math.max(1, x1 - x0),
    h = Math.max(1, y1 - y0);
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    data.set(
      img.data.subarray(((y0 + y) * img.width + x0) * 3, ((y0 + y) * img.width + x0 + w) * 3),
      y * w * 3,
    );
  return { width: w, height: h, data };
}

/** The image turned 180°. */
export function rotate180(img: RgbImage): RgbImage {
  const n = img.width * img.height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) data.set(img.data.subarray(i * 3, i * 3 + 3), (n - 1 - i) * 3);
  return { width: img.width, height: img.height, data };
}

/** The image turned 90° counter-clockwise (numpy's rot90, as PaddleOCR turns tall crops). */
export function rotate90ccw(img: RgbImage): RgbImage {
  const { width: w, height: h } = img;
  const data = new Uint8Array(w * h * 3);
  // Output is h wide and w tall: out(x, y) = in(w − 1 − y, x).
  for (let y = 0; y < w; y++)
    for (let x = 0; x < h; x++)
      data.set(img.data.subarray((x * w + (w - 1 - y)) * 3, (x * w + (w - 1 - y)) * 3 + 3), (y * h + x) * 3);
  return { width: h, height: w, data };
}

/** Probability that a line is upside down, from the cls model ([1,3,48,192], (0°, 180°)). */
async function upsideDown(cls: LoadedModel, line: RgbImage): Promise<number> {
  // Height 48, width up to 192, the rest padded with mid-grey (0 after normalisation, as PaddleOCR pads).
  // Long lines are squeezed to 192 wide, not shrunk in height (PaddleOCR's resize_norm_img).
  const w = Math.min(192, Math.ceil((48 * line.width) / line.height));
  const fitted = letterboxNchw(resizeBilinear(line, w, 48), w, 48, cls.spec.normalization ?? REC_NORM);
  const data = new Float32Array(3 * 48 * 192);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < 48; y++)
      data.set(fitted.data.subarray((c * 48 + y) * w, (c * 48 + y + 1) * w), (c * 48 + y) * 192);
  const out = outputFloat32(
    await cls.session.run({ [cls.session.inputNames[0] ?? 'x']: float32Tensor(data, [1, 3, 48, 192]) }),
    cls.session.outputNames[0] ?? 'softmax_0.tmp_0',
  );
  return out.data[1] as number;
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
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestP = -1;
    for (let c = 0; c < classes; c++) {
      const p = probs[t * classes + c] as number;
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
      const { data, scale } = letterboxNchw(img, W, H, DET_NORM, 0);
      const prob = outputFloat32(
        await det.session.run({ [det.session.inputNames[0] ?? 'x']: float32Tensor(data, [1, 3, H, W]) }),
        det.session.outputNames[0] ?? 'sigmoid_0.tmp_0',
      );
      const boxes = textBoxes(prob.data, W, H, options.binaryThreshold ?? 0.3, options.boxThreshold ?? 0.6)
        .map((b) => ({ x: b.x / scale, y: b.y / scale, width: b.width / scale, height: b.height / scale }))
        .sort((a, b) => (Math.abs(a.y - b.y) < Math.min(a.height, b.height) / 2 ? a.x - b.x : a.y - b.y));
      const lines: OcrLine[] = [];
      for (const box of boxes) {
        let c = crop(img, box);
        if (c.height >= 1.5 * c.width) c = rotate90ccw(c);
        if (cls && (await upsideDown(cls, c)) >= (options.clsThreshold ?? 0.9)) c = rotate180(c);
        const rw = Math.max(8, Math.min(1600, Math.round((c.width * 48) / c.height)));
        const input = letterboxNchw(c, rw, 48, REC_NORM, 0);
        const out = outputFloat32(
          await rec.session.run({
            [rec.session.inputNames[0] ?? 'x']: float32Tensor(input.data, [1, 3, 48, rw]),
          }),
          rec.session.outputNames[0] ?? 'softmax_11.tmp_0',
        );
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
