/**
 * Object/scene tags from YOLOX-Nano (COCO-80): letterbox 416 (top-left, pad 114, BGR
 * 0..255), decode the 8/16/32 grids, per-class NMS, then one tag per label with its best
 * confidence.
 */
import { COCO_LABELS } from './coco-labels.ts';
import { float32Tensor, outputFloat32 } from './inference-session.ts';
import type { ModelLoader } from './model-loader.ts';
import { modelKey } from './model-registry.ts';
import { nms, type Box } from './nms.ts';
import { letterboxNchw, type RgbImage } from './rgb-image.ts';
import { createTensorBuffers } from './tensor-buffers.ts';

export interface Detection {
  readonly label: string;
  readonly score: number;
  readonly box: Box;
}

/** A tag on a photo. */
export interface Tag {
  readonly label: string;
  readonly confidence: number;
}

export interface TagsOfPhoto {
  readonly tags: Tag[];
  readonly detections: Detection[];
  /** e.g. 'yolox-nano@coco80-1' */
  readonly model: string;
}

export interface ObjectTaggerOptions {
  readonly scoreThreshold?: number;
  readonly nmsThreshold?: number;
  readonly size?: number;
}

export interface ObjectTagger {
  tag(img: RgbImage): Promise<TagsOfPhoto>;
}

/** One YOLOX candidate above the score threshold, in the letterboxed tensor's pixels. */
export interface YoloxCandidate {
  readonly cls: number;
  readonly score: number;
  readonly cx: number;
  readonly cy: number;
  readonly w: number;
  readonly h: number;
}

/**
 * Decode YOLOX's raw output (`[anchors, 5 + classes]`: x, y, log w, log h, objectness, class
 * scores; anchors over the 8/16/32 grids in order). Objectness is checked first: the class
 * scores are probabilities, so an anchor whose objectness is under the threshold cannot reach
 * it, and the 80-class argmax runs only for the few that can.
 */
export function decodeYolox(
  out: Float32Array,
  width: number,
  size: number,
  threshold: number,
): YoloxCandidate[] {
  const found: YoloxCandidate[] = [];
  let row = 0;
  for (const stride of [8, 16, 32]) {
    const g = size / stride;
    const end = row + g * g;
    for (let o = row * width + 4; row < end; row++, o += width) {
      const obj = out[o] as number;
      if (obj < threshold) continue;
      let best = 0;
      let cls = 0;
      for (let c = 1; c < width - 4; c++) {
        const v = out[o + c] as number;
        if (v > best) {
          best = v;
          cls = c - 1;
        }
      }
      const score = obj * best;
      if (score < threshold) continue;
      const cell = row - (end - g * g);
      const gx = cell % g;
      const gy = (cell - gx) / g;
      found.push({
        cls,
        score,
        cx: ((out[o - 4] as number) + gx) * stride,
        cy: ((out[o - 3] as number) + gy) * stride,
        w: Math.exp(out[o - 2] as number) * stride,
        h: Math.exp(out[o - 1] as number) * stride,
      });
    }
  }
  return found;
}

export function createObjectTagger(loader: ModelLoader, options: ObjectTaggerOptions = {}): ObjectTagger {
  const size = options.size ?? 416;
  const threshold = options.scoreThreshold ?? 0.3;
  const nmsThreshold = options.nmsThreshold ?? 0.45;
  const buffers = createTensorBuffers();
  return {
    async tag(img) {
      const { spec, session } = await loader.session('object-detection');
      const input = buffers.take(3 * size * size);
      let out: { data: Float32Array; dims: readonly number[] };
      let scale: number;
      try {
        const lb = letterboxNchw(img, size, size, { order: 'bgr' }, 114, input);
        scale = lb.scale;
        out = outputFloat32(
          await session.run({
            [session.inputNames[0] ?? 'images']: float32Tensor(lb.data, [1, 3, size, size]),
          }),
          session.outputNames[0] ?? 'output',
        );
      } finally {
        buffers.give(input);
      }
      const byLabel = new Map<string, Detection[]>();
      for (const c of decodeYolox(out.data, out.dims[2] ?? 85, size, threshold)) {
        const d: Detection = {
          label: COCO_LABELS[c.cls] ?? `class-${c.cls}`,
          score: c.score,
          box: {
            x: (c.cx - c.w / 2) / scale,
            y: (c.cy - c.h / 2) / scale,
            width: c.w / scale,
            height: c.h / scale,
          },
        };
        const same = byLabel.get(d.label);
        if (same) same.push(d);
        else byLabel.set(d.label, [d]);
      }
      const detections = [...byLabel.values()]
        .flatMap((ds) => nms(ds, nmsThreshold))
        .sort((a, b) => b.score - a.score);
      const tags = new Map<string, number>();
      for (const d of detections) tags.set(d.label, Math.max(tags.get(d.label) ?? 0, d.score));
      return {
        tags: [...tags].map(([label, confidence]) => ({ label, confidence })),
        detections,
        model: modelKey(spec),
      };
    },
  };
}
