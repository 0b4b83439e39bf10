/**
 * SCRFD-500M face detection: opt-in only (InsightFace's weights are for non-commercial
 * research). RGB (x − 127.5)/128, letterboxed; two anchors per cell; distances to the box
 * sides and landmark offsets in stride units. Same `FaceDetector` interface as YuNet.
 */
import type { DetectedFace, FaceDetector, FaceDetectorOptions, Point } from './face-detector.ts';
import { float32Tensor, outputFloat32, type InferenceSession } from './inference-session.ts';
import { nms } from './nms.ts';
import { letterboxNchw } from './rgb-image.ts';

const ceil32 = (n: number) => Math.ceil(n / 32) * 32;

export function createScrfdDetector(
  session: InferenceSession,
  options: FaceDetectorOptions = {},
): FaceDetector {
  const maxSide = options.maxSide ?? 640;
  const minSide = options.minSide ?? 320;
  const threshold = options.scoreThreshold ?? 0.5;
  const nmsThreshold = options.nmsThreshold ?? 0.4;
  return {
    async detect(img) {
      const s = Math.min(1, maxSide / Math.max(img.width, img.height));
      const W = Math.max(minSide, ceil32(img.width * s));
      const H = Math.max(minSide, ceil32(img.height * s));
      const { data, scale } = letterboxNchw(
        img,
        W,
        H,
        { order: 'rgb', mean: [127.5, 127.5, 127.5], std: [128, 128, 128] },
        0,
      );
      const out = await session.run({
        [session.inputNames[0] ?? 'input.1']: float32Tensor(data, [1, 3, H, W]),
      });
      const found: DetectedFace[] = [];
      for (const stride of [8, 16, 32]) {
        const score = outputFloat32(out, `score_${stride}`).data;
        const bbox = outputFloat32(out, `bbox_${stride}`).data;
        const kps = outputFloat32(out, `kps_${stride}`).data;
        const cols = W / stride;
        for (let i = 0; i < score.length; i++) {
          const sc = score[i] as number;
          if (sc < threshold) continue;
          const cell = i >> 1; // two anchors per cell
          const cx = (cell % cols) * stride;
          const cy = Math.floor(cell / cols) * stride;
          const x1 = cx - (bbox[i * 4] as number) * stride;
          const y1 = cy - (bbox[i * 4 + 1] as number) * stride;
          const x2 = cx + (bbox[i * 4 + 2] as number) * stride;
          const y2 = cy + (bbox[i * 4 + 3] as number) * stride;
          const pt = (k: number): Point => ({
            x: (cx + (kps[i * 10 + 2 * k] as number) * stride) / scale,
            y: (cy + (kps[i * 10 + 2 * k + 1] as number) * stride) / scale,
          });
          found.push({
            box: { x: x1 / scale, y: y1 / scale, width: (x2 - x1) / scale, height: (y2 - y1) / scale },
            score: sc,
            landmarks: [pt(0), pt(1), pt(2), pt(3), pt(4)],
          });
        }
      }
      return nms(found, nmsThreshold);
    },
  };
}
