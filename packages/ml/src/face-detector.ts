/**
 * YuNet face detection (Apache-2.0, the default): letterbox BGR 0..255, decode the three
 * strides, threshold, NMS. Boxes and the 5 landmarks come back in source pixels.
 */
import type { InferenceSession } from './inference-session.ts';
import { float32Tensor, outputFloat32 } from './inference-session.ts';
import { nms, type Box } from './nms.ts';
import { letterboxNchw, type RgbImage } from './rgb-image.ts';

/** A 2-D point in source pixels. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** One detected face. Landmarks in image order: left eye, right eye, nose, left mouth, right mouth. */
export interface DetectedFace {
  readonly box: Box;
  readonly score: number;
  readonly landmarks: readonly [Point, Point, Point, Point, Point];
}

/** Options for detection. */
export interface FaceDetectorOptions {
  /** Longest side of the model input; larger images are scaled down (default 640). */
  readonly maxSide?: number;
  /** Smallest canvas side: small images are padded, not upscaled, so a close-up face still fits an anchor (default 320). */
  readonly minSide?: number;
  readonly scoreThreshold?: number;
  readonly nmsThreshold?: number;
}

/** Detects faces in an image. */
export interface FaceDetector {
  detect(img: RgbImage): Promise<DetectedFace[]>;
}

const ceil32 = (n: number) => Math.ceil(n / 32) * 32;

export function createYuNetDetector(
  session: InferenceSession,
  options: FaceDetectorOptions = {},
): FaceDetector {
  const maxSide = options.maxSide ?? 640;
  const minSide = options.minSide ?? 320;
  const scoreThreshold = options.scoreThreshold ?? 0.6;
  const nmsThreshold = options.nmsThreshold ?? 0.3;
  const inputName = session.inputNames[0] ?? 'input';
  return {
    async detect(img) {
      const s = Math.min(1, maxSide / Math.max(img.width, img.height));
      const W = Math.max(minSide, ceil32(img.width * s));
      const H = Math.max(minSide, ceil32(img.height * s));
      // Fit into W×H without upscaling beyond s (letterbox picks the smaller of the two fits).
      const { data, scale } = letterboxNchw(img, W, H, { order: 'bgr' }, 0);
      const out = await session.run({ [inputName]: float32Tensor(data, [1, 3, H, W]) });
      const found: DetectedFace[] = [];
      for (const stride of [8, 16, 32]) {
        const cls = outputFloat32(out, `cls_${stride}`).data;
        const obj = outputFloat32(out, `obj_${stride}`).data;
        const bbox = outputFloat32(out, `bbox_${stride}`).data;
        const kps = outputFloat32(out, `kps_${stride}`).data;
        const cols = W / stride;
        const rows = H / stride;
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            const i = r * cols + c;
            const clsV = Math.min(1, Math.max(0, cls[i] as number));
            const objV = Math.min(1, Math.max(0, obj[i] as number));
            const score = Math.sqrt(clsV * objV);
            if (score < scoreThreshold) continue;
            const cx = (c + (bbox[i * 4] as number)) * stride;
            const cy = (r + (bbox[i * 4 + 1] as number)) * stride;
            const w = Math.exp(bbox[i * 4 + 2] as number) * stride;
            const h = Math.exp(bbox[i * 4 + 3] as number) * stride;
            const pt = (k: number): Point => ({
              x: (((kps[i * 10 + 2 * k] as number) + c) * stride) / scale,
              y: (((kps[i * 10 + 2 * k + 1] as number) + r) * stride) / scale,
            });
            found.push({
              box: { x: (cx - w / 2) / scale, y: (cy - h / 2) / scale, width: w / scale, height: h / scale },
              score,
              landmarks: [pt(0), pt(1), pt(2), pt(3), pt(4)],
            });
          }
        }
      }
      return nms(found, nmsThreshold);
    },
  };
}
