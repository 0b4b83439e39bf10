/**
 * Face embedding from an aligned 112×112 crop, L2-normalised. The model is configurable
 * (128-d MobileFaceNet for development, 512-d for users whose licence needs it); each
 * model's normalisation comes from the registry.
 */
import type { InferenceSession } from './inference-session.ts';
import { float32Tensor, outputFloat32 } from './inference-session.ts';
import { InvalidInputError } from './errors.ts';
import { letterboxNchw, type Normalization, type RgbImage } from './rgb-image.ts';

/** Embeds aligned face crops. */
export interface FaceEmbedder {
  readonly dims: number;
  embed(aligned: RgbImage): Promise<Float32Array>;
}

/** Scale a vector to unit length in place (a zero vector stays zero). */
export function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] as number) ** 2;
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / n;
  return v;
}

export function createFaceEmbedder(
  session: InferenceSession,
  dims: number,
  norm: Normalization,
): FaceEmbedder {
  const inputName = session.inputNames[0] ?? 'input';
  const outputName = session.outputNames[0] ?? 'output';
  return {
    dims,
    async embed(aligned) {
      if (aligned.width !== 112 || aligned.height !== 112)
        throw new InvalidInputError(`face crop must be 112×112, got ${aligned.width}×${aligned.height}`);
      const { data } = letterboxNchw(aligned, 112, 112, norm);
      const out = outputFloat32(
        await session.run({ [inputName]: float32Tensor(data, [1, 3, 112, 112]) }),
        outputName,
      );
      if (out.data.length !== dims)
        throw new InvalidInputError(`face model gave ${out.data.length} dims, registry says ${dims}`);
      return l2normalize(Float32Array.from(out.data));
    },
  };
}
