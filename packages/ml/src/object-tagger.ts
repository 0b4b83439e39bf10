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

export function createObjectTagger(loader: ModelLoader, options: ObjectTaggerOptions = {}): ObjectTagger {
  const size = options.size ?? 416;
  const threshold = options.scoreThreshold ?? 0.3;
  const nmsThreshold = options.nmsThreshold ?? 0.45;
  return {
    async tag(img) {
      const { spec, session } = await loader.session('object-detection');
      const { data, scale } = letterboxNchw(img, size, size, { order: 'bgr' }, 114);
      const out = outputFloat32(
        await session.run({ [session.inputNames[0] ?? 'images']: float32Tensor(data, [1, 3, size, size]) }),
        session.outputNames[0] ?? 'output',
      );
      const width = out.dims[2] ?? 85;
      const found: Detection[] = [];
      let row = 0;
      for (const stride of [8, 16, 32]) {
        const g = size / stride;
        for (let gy = 0; gy < g; gy++) {
          for (let gx = 0; gx < g; gx++, row++) {
            const o = row * width;
            const obj = out.data[o + 4] as number;
            if (obj < threshold) continue;
            let best = 0;
            let cls = 0;
            for (let c = 5; c < width; c++) {
              if ((out.data[o + c] as number) > best) {
                best = out.data[o + c] as number;
                cls = c - 5;
              }
            }
            const score = obj * best;
            if (score < threshold) continue;
            const cx = ((out.data[o] as number) + gx) * stride;
            const cy = ((out.data[o + 1] as number) + gy) * stride;
            const w = Math.exp(out.data[o + 2] as number) * stride;
            const h = Math.exp(out.data[o + 3] as number) * stride;
            found.push({
              label: COCO_LABELS[cls] ?? `class-${cls}`,
              score,
              box: { x: (cx - w / 2) / scale, y: (cy - h / 2) / scale, width: w / scale, height: h / scale },
            });
          }
        }
      }
      const byLabel = new Map<string, Detection[]>();
      for (const d of found) byLabel.set(d.label, [...(byLabel.get(d.label) ?? []), d]);
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
